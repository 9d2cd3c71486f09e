// The example service of the SLO gates (docs/slo.md, "The seeds as gates"): an in-process
// service, a pool of threads behind a queue, whose replies are streamed in chunks so that the
// first byte and the completion of a request are different moments. Its work is deterministic
// arithmetic (no sleeping) except for an injected delay, which waits on a timer thread, never on
// a pool thread, so that a slow request does not hold up the others (a slow dependency, not a
// blocked server). Also the codec of seed 003 (encode, verify), plain functions.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace service {

// One chunk of a streamed reply: its place in the stream and what it carries.
struct Chunk {
  std::uint32_t sequence = 0;
  std::uint64_t value = 0;
};

// The client's end of a streamed reply. The service pushes chunks and finishes it; the client
// reads them in order with next(), which blocks until a chunk arrives or the reply ends.
class Reply {
 public:
  // The next chunk; false when the reply has ended (then ok() says how).
  bool next(Chunk& chunk);
  bool ok() const;

  void push(const Chunk& chunk);
  void finish(bool ok);

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Chunk> m_chunks;
  bool m_done = false;
  bool m_ok = true;
};

// What a request asks of the service.
struct Job {
  std::uint64_t seed = 0;
  std::uint32_t first_sequence = 0;  // a resumed stream continues where it broke
  int chunks = 1;                    // chunks of the reply
  int work = 1000;                   // rounds of arithmetic per chunk
  std::chrono::milliseconds delay{0};  // an injected wait before the service starts (a spike)
  bool fail = false;                 // an injected error: the reply ends not ok
  bool corrupt = false;              // an injected bug: the reply skips a sequence number
};

// A pool of `threads` threads behind one queue, and a timer thread for delayed jobs.
class Service {
 public:
  explicit Service(int threads);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  ~Service();  // stops and joins; replies still queued end not ok

  std::shared_ptr<Reply> submit(const Job& job);

 private:
  struct Queued {
    Job job;
    std::shared_ptr<Reply> reply;
  };
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    Queued queued;
  };
  void enqueue(Queued queued);
  void serve();
  void keep_time();

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Queued> m_queue;
  std::vector<Delayed> m_delayed;  // a min-heap on `due`
  std::condition_variable m_timer;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
  std::thread m_time_keeper;
};

// The deterministic work of one chunk: `rounds` rounds of a 64-bit mixing function.
std::uint64_t work(std::uint64_t seed, int rounds) noexcept;

// The bytes that bm_service_leaky keeps per served job (a cache that never evicts); 0 in
// bm_service. Compiled in with PERFGATE_SERVICE_LEAK=1.
std::size_t leak_bytes_per_job() noexcept;

// Seed 003's codec: base64 of a payload, and a verification of a digest over a state.
std::string encode(const std::string& payload);
std::uint64_t digest(const std::string& state) noexcept;  // FNV-1a, 64 bits
bool verify(const std::string& state, std::uint64_t expected) noexcept;

}  // namespace service
