// The example service (service.hpp): a pool behind a queue, streamed replies, a timer thread for
// injected delays, and seed 003's codec.
#include "service.hpp"

#include <algorithm>
#include <utility>

#ifndef PERFGATE_SERVICE_LEAK
#define PERFGATE_SERVICE_LEAK 0
#endif

namespace service {

namespace {

#if PERFGATE_SERVICE_LEAK
// The deliberate leak of bm_service_leaky: a cache that keeps 256 bytes per served job and never
// evicts, so the live heap grows with the number of requests (the soak profile's memory rule).
constexpr std::size_t k_leak_bytes = 256;
std::mutex g_leak_mutex;
std::vector<std::unique_ptr<char[]>> g_leaked;

void leak() {
  auto block = std::make_unique<char[]>(k_leak_bytes);  // zeroed: the pages are touched
  const std::lock_guard<std::mutex> lock(g_leak_mutex);
  g_leaked.push_back(std::move(block));
}
#else
constexpr std::size_t k_leak_bytes = 0;
void leak() {}
#endif

}  // namespace

// ---- Reply -------------------------------------------------------------------------------

bool Reply::next(Chunk& chunk) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_changed.wait(lock, [this] { return !m_chunks.empty() || m_done; });
  if (m_chunks.empty()) {
    return false;
  }
  chunk = m_chunks.front();
  m_chunks.pop_front();
  return true;
}

bool Reply::ok() const {
  const std::lock_guard<std::mutex> lock(m_mutex);
  return m_ok;
}

void Reply::push(const Chunk& chunk) {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_chunks.push_back(chunk);
  }
  m_changed.notify_one();
}

void Reply::finish(bool ok) {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_done = true;
    m_ok = ok;
  }
  m_changed.notify_one();
}

// ---- Service -----------------------------------------------------------------------------

Service::Service(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    m_threads.emplace_back([this] { serve(); });
  }
  m_time_keeper = std::thread([this] { keep_time(); });
}

Service::~Service() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_ready.notify_all();
  m_timer.notify_all();
  for (auto& thread : m_threads) {
    thread.join();
  }
  m_time_keeper.join();
  for (auto& queued : m_queue) {
    queued.reply->finish(false);
  }
  for (auto& delayed : m_delayed) {
    delayed.queued.reply->finish(false);
  }
}

std::shared_ptr<Reply> Service::submit(const Job& job) {
  Queued queued{job, std::make_shared<Reply>()};
  auto reply = queued.reply;
  if (job.delay.count() > 0) {
    const auto later = [](const Delayed& a, const Delayed& b) { return a.due > b.due; };
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_delayed.push_back(Delayed{std::chrono::steady_clock::now() + job.delay, std::move(queued)});
      std::push_heap(m_delayed.begin(), m_delayed.end(), later);
    }
    m_timer.notify_one();
  } else {
    enqueue(std::move(queued));
  }
  return reply;
}

void Service::enqueue(Queued queued) {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_queue.push_back(std::move(queued));
  }
  m_ready.notify_one();
}

// The timer thread: moves each delayed job to the queue when it is due.
void Service::keep_time() {
  const auto later = [](const Delayed& a, const Delayed& b) { return a.due > b.due; };
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stopping) {
    if (m_delayed.empty()) {
      m_timer.wait(lock);
      continue;
    }
    const auto due = m_delayed.front().due;
    if (std::chrono::steady_clock::now() < due) {
      m_timer.wait_until(lock, due);
      continue;
    }
    std::pop_heap(m_delayed.begin(), m_delayed.end(), later);
    m_queue.push_back(std::move(m_delayed.back().queued));
    m_delayed.pop_back();
    m_ready.notify_one();
  }
}

// A pool thread: takes jobs in order and streams their replies, chunk by chunk.
void Service::serve() {
  for (;;) {
    Queued queued;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_ready.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) {
        return;
      }
      queued = std::move(m_queue.front());
      m_queue.pop_front();
    }
    const Job& job = queued.job;
    std::uint64_t value = job.seed;
    std::uint32_t sequence = job.first_sequence;
    for (int i = 0; i < job.chunks; ++i) {
      value = work(value, job.work);
      if (job.corrupt && i == 0) {
        ++sequence;  // the injected bug: a chunk of the stream is lost
      }
      queued.reply->push(Chunk{sequence++, value});
    }
    leak();
    queued.reply->finish(!job.fail);
  }
}

std::uint64_t work(std::uint64_t seed, int rounds) noexcept {
  std::uint64_t x = seed + 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < rounds; ++i) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
  }
  return x;
}

std::size_t leak_bytes_per_job() noexcept {
  return k_leak_bytes;
}

// ---- Seed 003's codec --------------------------------------------------------------------

std::string encode(const std::string& payload) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out((payload.size() + 2) / 3 * 4, '=');
  char* o = out.data();
  std::size_t i = 0;
  const auto byte = [&payload](std::size_t at) { return static_cast<unsigned char>(payload[at]); };
  for (; i + 2 < payload.size(); i += 3) {
    const std::uint32_t triple = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    *o++ = k_alphabet[(triple >> 18) & 63];
    *o++ = k_alphabet[(triple >> 12) & 63];
    *o++ = k_alphabet[(triple >> 6) & 63];
    *o++ = k_alphabet[triple & 63];
  }
  if (i < payload.size()) {
    const bool two = i + 1 < payload.size();
    const std::uint32_t triple = (byte(i) << 16) | (two ? byte(i + 1) << 8 : 0U);
    o[0] = k_alphabet[(triple >> 18) & 63];
    o[1] = k_alphabet[(triple >> 12) & 63];
    o[2] = two ? k_alphabet[(triple >> 6) & 63] : '=';  // o[3] stays '='
  }
  return out;
}

std::uint64_t digest(const std::string& state) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : state) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

bool verify(const std::string& state, std::uint64_t expected) noexcept {
  return digest(state) == expected;
}

}  // namespace service
