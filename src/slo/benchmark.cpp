// The hand-over of per-thread SLO recorders and the counters they publish
// (include/perfgate/slo/benchmark.hpp, docs/slo.md).
#include <perfgate/slo/benchmark.hpp>

#include "publish.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <sys/resource.h>
#include <utility>

namespace perfgate::slo {

namespace {

// One lock for every pool: hand-overs happen once per thread per run, never in the timed loop.
std::mutex& pools_mutex() {
  static std::mutex mutex;
  return mutex;
}

// The pools of one kind, by name; callers hold pools_mutex().
template <class Pool>
Pool& pool_named(const std::string& name) {
  static std::map<std::string, Pool> pools;
  return pools[name];
}

// Every pool counts the recorders made for the run and those handed over: the last hand-over is
// the one that makes the counts equal. All of a run's recorders are made before its timed loop
// starts (Google Benchmark's start barrier), so no recorder is made after the first hand-over.
struct LatencyPool {
  int constructed = 0;
  LogHistogram histogram;
  int submitted = 0;
};

struct RatePool {
  int constructed = 0;
  Clock::time_point epoch;
  std::vector<std::uint64_t> counts;
  int submitted = 0;
};

struct ValuePool {
  int constructed = 0;
  LogHistogram histogram;
  int submitted = 0;
};

struct OutcomePool {
  int constructed = 0;
  std::uint64_t successes = 0;
  std::uint64_t errors = 0;
  std::uint64_t violations = 0;
  int submitted = 0;
};

// One recorder's hand-over: `merge` adds its numbers to the pool of its kind and name; the last
// of the run's recorders to hand over has `publish` set the pooled counters, and the pool is
// emptied for the next run.
template <class Pool, class Merge, class Publish>
void hand_over(const std::string& name, Merge merge, Publish publish) {
  const std::lock_guard<std::mutex> lock(pools_mutex());
  Pool& pool = pool_named<Pool>(name);
  merge(pool);
  if (++pool.submitted < pool.constructed) {
    return;
  }
  publish(pool);
  pool = Pool{};
}

double nan() {
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

// --- Publishing (publish.hpp) ------------------------------------------------------------------

namespace detail {

void set_counter(benchmark::State& state, const std::string& key, double value) {
  state.counters[key] = benchmark::Counter(value);
}

void publish_latency(benchmark::State& state, const std::string& name,
                     const LogHistogram& all) {
  const std::pair<const char*, double> percentiles[] = {{"_p50_ns", 0.50},
                                                        {"_p90_ns", 0.90},
                                                        {"_p95_ns", 0.95},
                                                        {"_p99_ns", 0.99},
                                                        {"_p999_ns", 0.999}};
  for (const auto& [suffix, q] : percentiles) {
    set_counter(state, name + suffix, all.percentile(q));
  }
  set_counter(state, name + "_max_ns", all.count() == 0 ? nan() : static_cast<double>(all.max()));
  set_counter(state, name + "_mean_ns", all.mean());
  set_counter(state, name + "_count", static_cast<double>(all.count()));
}

void publish_values(benchmark::State& state, const std::string& name, const std::string& suffix,
                    const LogHistogram& all) {
  const std::pair<const char*, double> percentiles[] = {
      {"_p5", 0.05}, {"_p50", 0.50}, {"_p95", 0.95}, {"_p99", 0.99}, {"_min", 0.0}, {"_max", 1.0}};
  for (const auto& [statistic, q] : percentiles) {
    set_counter(state, name + statistic + suffix, all.percentile(q) / 1000.0);
  }
  set_counter(state, name + "_mean" + suffix, all.mean() / 1000.0);
  set_counter(state, name + "_count", static_cast<double>(all.count()));
}

void publish_outcomes(benchmark::State& state, const std::string& name, std::uint64_t successes,
                      std::uint64_t errors, std::uint64_t violations) {
  const std::uint64_t attempts = successes + errors;
  const double total = static_cast<double>(attempts);
  set_counter(state, name + "_attempts", total);
  set_counter(state, name + "_errors", static_cast<double>(errors));
  set_counter(state, name + "_error_ratio",
              attempts == 0 ? nan() : static_cast<double>(errors) / total);
  set_counter(state, name + "_success_ratio",
              attempts == 0 ? nan() : static_cast<double>(successes) / total);
  set_counter(state, name + "_invariant_violations", static_cast<double>(violations));
}

}  // namespace detail

using detail::set_counter;

// --- LatencyRecorder ---------------------------------------------------------------------------

LatencyRecorder::LatencyRecorder(benchmark::State& state, std::string name)
    : m_state(state), m_name(std::move(name)) {
  const std::lock_guard<std::mutex> lock(pools_mutex());
  ++pool_named<LatencyPool>(m_name).constructed;
}

LatencyRecorder::~LatencyRecorder() {
  if (!m_published) {
    publish();
  }
}

void LatencyRecorder::publish() {
  if (m_published) {
    return;
  }
  m_published = true;
  hand_over<LatencyPool>(
      m_name, [&](LatencyPool& pool) { pool.histogram.merge(m_histogram); },
      [&](const LatencyPool& pool) { detail::publish_latency(m_state, m_name, pool.histogram); });
}

// --- RateRecorder ------------------------------------------------------------------------------

RateRecorder::RateRecorder(benchmark::State& state, std::string name,
                           std::chrono::nanoseconds interval)
    : m_state(state), m_name(std::move(name)), m_interval(interval) {
  if (m_interval.count() <= 0) {
    m_interval = std::chrono::milliseconds(100);
  }
  // Room for 100 s of intervals, so that tick() does not allocate in a run of that length.
  m_counts.reserve(static_cast<std::size_t>(
      std::clamp<std::int64_t>(std::chrono::seconds(100) / m_interval, 16, 1 << 20)));
  const std::lock_guard<std::mutex> lock(pools_mutex());
  RatePool& pool = pool_named<RatePool>(m_name);
  if (pool.constructed++ == 0) {
    pool.epoch = now();  // the first recorder of the run sets the intervals' common origin
  }
  m_epoch = pool.epoch;
}

RateRecorder::~RateRecorder() {
  if (!m_published) {
    publish();
  }
}

void RateRecorder::publish() {
  if (m_published) {
    return;
  }
  m_published = true;
  hand_over<RatePool>(
      m_name,
      [&](RatePool& pool) {
        if (pool.counts.size() < m_counts.size()) {
          pool.counts.resize(m_counts.size(), 0);
        }
        for (std::size_t i = 0; i < m_counts.size(); ++i) {
          pool.counts[i] += m_counts[i];
        }
      },
      [&](const RatePool& pool) { publish_rates(pool.counts); });
}

// The intervals from the first to the last with any operation; a quiet interval in between is a
// stall and counts as 0. The first and the last are partial: left out when there are more.
void RateRecorder::publish_rates(const std::vector<std::uint64_t>& counts) {
  const auto first = std::find_if(counts.begin(), counts.end(), [](auto c) { return c > 0; });
  const auto last = std::find_if(counts.rbegin(), counts.rend(), [](auto c) { return c > 0; });
  LogHistogram per_interval;
  if (first != counts.end()) {
    auto begin = first;
    auto end = last.base();
    if (end - begin > 2) {
      ++begin;
      --end;
    }
    for (auto it = begin; it != end; ++it) {
      per_interval.record(*it);
    }
  }
  const double per_second = 1e9 / static_cast<double>(m_interval.count());
  const auto rate = [&](double per_interval_value) { return per_interval_value * per_second; };
  set_counter(m_state, m_name + "_p5_per_s", rate(per_interval.percentile(0.05)));
  set_counter(m_state, m_name + "_p50_per_s", rate(per_interval.percentile(0.50)));
  set_counter(m_state, m_name + "_min_per_s",
              per_interval.count() == 0 ? nan() : rate(static_cast<double>(per_interval.min())));
  set_counter(m_state, m_name + "_mean_per_s", rate(per_interval.mean()));
  set_counter(m_state, m_name + "_intervals", static_cast<double>(per_interval.count()));
}

// --- ValueRecorder -----------------------------------------------------------------------------

ValueRecorder::ValueRecorder(benchmark::State& state, std::string name, std::string unit_suffix)
    : m_state(state), m_name(std::move(name)), m_suffix(std::move(unit_suffix)) {
  const std::lock_guard<std::mutex> lock(pools_mutex());
  ++pool_named<ValuePool>(m_name).constructed;
}

ValueRecorder::~ValueRecorder() {
  if (!m_published) {
    publish();
  }
}

void ValueRecorder::publish() {
  if (m_published) {
    return;
  }
  m_published = true;
  hand_over<ValuePool>(
      m_name, [&](ValuePool& pool) { pool.histogram.merge(m_histogram); },
      [&](const ValuePool& pool) {
        detail::publish_values(m_state, m_name, m_suffix, pool.histogram);
      });
}

// --- Outcomes ----------------------------------------------------------------------------------

Outcomes::Outcomes(benchmark::State& state, std::string name)
    : m_state(state), m_name(std::move(name)) {
  const std::lock_guard<std::mutex> lock(pools_mutex());
  ++pool_named<OutcomePool>(m_name).constructed;
}

Outcomes::~Outcomes() {
  if (!m_published) {
    publish();
  }
}

void Outcomes::publish() {
  if (m_published) {
    return;
  }
  m_published = true;
  hand_over<OutcomePool>(
      m_name,
      [&](OutcomePool& pool) {
        pool.successes += m_successes;
        pool.errors += m_errors;
        pool.violations += m_violations;
      },
      [&](const OutcomePool& pool) {
        detail::publish_outcomes(m_state, m_name, pool.successes, pool.errors, pool.violations);
      });
}

// --- Memory ------------------------------------------------------------------------------------

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0 || usage.ru_maxrss < 0) {
    return 0;
  }
#if defined(__APPLE__)
  return static_cast<std::uint64_t>(usage.ru_maxrss);  // bytes on macOS
#else
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // kilobytes on Linux and the BSDs
#endif
}

void publish_peak_rss(benchmark::State& state) {
  if (state.thread_index() == 0) {
    set_counter(state, "peak_rss_bytes", static_cast<double>(peak_rss_bytes()));
  }
}

}  // namespace perfgate::slo
