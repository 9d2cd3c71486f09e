#include "render_support.hpp"

#include <perfgate/contention.hpp>
#include <perfgate/number_format.hpp>
#include <perfgate/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace perfgate {

// ---------------------------------------------------------------------------------------------
// One measured process run.

namespace {

// after - before, field by field; nullopt when a counter went backwards (not the same boot).
std::optional<CpuTicks> ticks_between(const CpuTicks& before, const CpuTicks& after) {
  const auto fields = [](const CpuTicks& t) {
    return std::array<std::uint64_t, 8>{t.user, t.nice,    t.system, t.idle,
                                        t.iowait, t.irq, t.softirq, t.steal};
  };
  const auto a = fields(before);
  const auto b = fields(after);
  std::array<std::uint64_t, 8> d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (b[i] < a[i]) {
      return std::nullopt;
    }
    d[i] = b[i] - a[i];
  }
  return CpuTicks{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]};
}

std::string cpus_text(double cpus) { return format_fixed(cpus, 2); }

// What /proc/stat says about the interval between the samples.
void judge_machine(const LoadSample& before, const LoadSample& after, const RunUsage& usage,
                   LoadReport& report) {
  report.load1_before = before.load1;
  report.load1_after = after.load1;
  const double interval = after.seconds - before.seconds;
  const auto ticks = ticks_between(before.ticks, after.ticks);
  if (!ticks || static_cast<double>(ticks->total()) < load_limit::k_min_ticks || interval <= 0) {
    return;
  }
  const auto total = static_cast<double>(ticks->total());
  const double n = report.num_cpus;
  report.steal_share = static_cast<double>(ticks->steal) / total;
  // CPUs busy in this machine over the interval, less what the run and the sampler used.
  const double busy_cpus = static_cast<double>(ticks->busy()) / total * n;
  const double own = (usage.cpu_seconds + after.sampler_cpu_seconds - before.sampler_cpu_seconds) /
                     interval;
  report.others_cpus = std::max(0.0, busy_cpus - own);
  report.idle_share = static_cast<double>(ticks->idle + ticks->iowait) / total;
  if (*report.steal_share > load_limit::k_steal_share) {
    report.reasons.push_back("the hypervisor took " + format_fixed(100 * *report.steal_share, 1) +
                             "% of the CPU time (steal)");
  }
  // While a CPU is idle the scheduler gives the run one of its own; only a saturated machine
  // makes it wait.
  if (*report.idle_share < load_limit::k_idle_share &&
      *report.others_cpus > load_limit::k_others_share * n) {
    report.reasons.push_back("the machine was saturated: its CPUs were idle " +
                             format_fixed(100 * *report.idle_share, 1) +
                             "% of the time and other processes kept " +
                             cpus_text(*report.others_cpus) + " of " +
                             std::to_string(report.num_cpus) + " CPUs busy");
  }
  const double sustained = std::min(before.load1, after.load1) / n;
  if (sustained > load_limit::k_load_per_cpu) {
    report.reasons.push_back("the load average stayed above " +
                             format_fixed(load_limit::k_load_per_cpu * n, 1) + " (" +
                             format_fixed(before.load1, 2) + " before, " +
                             format_fixed(after.load1, 2) + " after, on " +
                             std::to_string(report.num_cpus) + " CPUs)");
  }
}

}  // namespace

LoadReport assess_load(const std::optional<LoadSample>& before,
                       const std::optional<LoadSample>& after, const RunUsage& usage) {
  LoadReport report;
  report.wall_seconds = usage.wall_seconds;
  report.run_cpus = usage.wall_seconds > 0 ? usage.cpu_seconds / usage.wall_seconds : 0;
  report.switches_per_cpu_second =
      usage.cpu_seconds > 0 ? static_cast<double>(usage.involuntary_switches) / usage.cpu_seconds
                            : 0;
  if (before && after) {
    report.num_cpus = after->num_cpus;
    judge_machine(*before, *after, usage, report);
  }
  const bool own_threads_fit = report.num_cpus == 0 || usage.threads <= report.num_cpus;
  if (own_threads_fit && usage.cpu_seconds >= load_limit::k_min_cpu_seconds_for_switches &&
      report.switches_per_cpu_second > load_limit::k_switches_per_cpu_second) {
    report.reasons.push_back("the benchmark was preempted " +
                             format_fixed(report.switches_per_cpu_second, 0) +
                             " times per CPU-second (involuntary context switches)");
  }
  report.contended = !report.reasons.empty();
  return report;
}

std::string LoadReport::describe() const {
  std::string text = "run " + format_fixed(wall_seconds, 2) + " s on " + cpus_text(run_cpus) +
                     " CPUs";
  text += others_cpus ? ", other processes " + cpus_text(*others_cpus) + " CPUs" : "";
  text += idle_share ? ", idle " + format_fixed(100 * *idle_share, 1) + "%" : "";
  text += steal_share ? ", steal " + format_fixed(100 * *steal_share, 1) + "%" : "";
  if (load1_before && load1_after) {
    text += ", load " + format_fixed(*load1_before, 2) + " -> " + format_fixed(*load1_after, 2);
  }
  text += num_cpus > 0 ? " on " + std::to_string(num_cpus) + " CPUs" : "";
  return text + ", " + format_fixed(switches_per_cpu_second, 0) +
         " involuntary switches per CPU-second";
}

std::string LoadReport::condition() const {
  if (!contended) {
    return {};
  }
  std::string text = "measured under contention: ";
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    text += (i == 0 ? "" : "; ") + reasons[i];
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// What the benchmarks' own times say.

namespace {

std::vector<double> positive(const std::vector<double>& samples) {
  std::vector<double> kept;
  std::copy_if(samples.begin(), samples.end(), std::back_inserter(kept),
               [](double value) { return std::isfinite(value) && value > 0; });
  return kept;
}

// A benchmark timed by its own clock (->UseManualTime(), named ".../manual_time"), such as a load
// run whose workers are other threads, has a real time that says nothing about its CPU time.
bool manual_time(const Benchmark& benchmark) {
  const std::string_view suffix = "/manual_time";
  const std::string_view name = benchmark.name;
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

std::optional<TimeRatio> ratio_of(const Benchmark& benchmark) {
  if (manual_time(benchmark)) {
    return std::nullopt;
  }
  const MetricSeries* real = benchmark.find(metric::k_real_time);
  const MetricSeries* cpu = benchmark.find(metric::k_cpu_time);
  if (real == nullptr || cpu == nullptr) {
    return std::nullopt;
  }
  const auto reals = positive(real->samples);
  const auto cpus = positive(cpu->samples);
  if (reals.empty() || cpus.empty()) {
    return std::nullopt;
  }
  TimeRatio ratio{benchmark.name, benchmark.threads, stats::median(reals), stats::median(cpus), 0};
  ratio.ratio = ratio.real_ns / ratio.cpu_ns;
  if (reals.size() == real->samples.size() && cpus.size() == cpu->samples.size() &&
      reals.size() == cpus.size()) {
    std::vector<double> ratios;
    for (std::size_t i = 0; i < reals.size(); ++i) {
      ratios.push_back(reals[i] / cpus[i]);
    }
    ratio.ratio = stats::median(ratios);
  }
  return ratio;
}

std::map<std::string, TimeRatio> ratios_by_name(const RunSet& runs) {
  std::map<std::string, TimeRatio> by_name;
  for (const auto& ratio : real_cpu_ratios(runs)) {
    by_name.emplace(ratio.benchmark, ratio);
  }
  return by_name;
}

// "real time rose +94.0% but cpu time only +41.0%: the machine was likely busy", or "".
std::string busy_note(const TimeRatio& baseline, const TimeRatio& candidate) {
  const double real_change = candidate.real_ns / baseline.real_ns - 1;
  const double cpu_change = candidate.cpu_ns / baseline.cpu_ns - 1;
  const bool much_more =
      real_change > ratio_limit::k_real_over_cpu_rise * std::max(cpu_change, 0.0) &&
      real_change - cpu_change > ratio_limit::k_min_gap;
  if (!much_more) {
    return {};
  }
  return "real time rose " + format_percent(real_change) +
         (cpu_change >= 0 ? " but cpu time only " : " while cpu time changed ") +
         format_percent(cpu_change) + ": the machine was likely busy";
}

// One condition line naming the single-threaded benchmarks whose real time was far above their
// CPU time in `runs`; "" when there are none.
std::string absorbed_load(const std::vector<TimeRatio>& ratios, const std::string& which,
                          const std::string& advice) {
  std::vector<const TimeRatio*> high;
  for (const auto& ratio : ratios) {
    if (ratio.threads == 1 && ratio.ratio > ratio_limit::k_absorbed_load) {
      high.push_back(&ratio);
    }
  }
  if (high.empty()) {
    return {};
  }
  std::sort(high.begin(), high.end(),
            [](const auto* a, const auto* b) { return a->ratio > b->ratio; });
  std::string text = which + " absorbed load: real time was ";
  const std::size_t shown = std::min<std::size_t>(high.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) {
    const TimeRatio& ratio = *high[i];
    text += (i == 0 ? "" : ", ") + format_fixed(ratio.ratio, 2) + "x cpu time for " +
            ratio.benchmark + " (" + detail::format_human(ratio.real_ns, "ns") + " against " +
            detail::format_human(ratio.cpu_ns, "ns") + ")";
  }
  if (high.size() > shown) {
    text += " and " + std::to_string(high.size() - shown) + " more";
  }
  return text + "; a single-threaded benchmark that does not wait (I/O, sleep) runs near 1x: " +
         advice;
}

}  // namespace

std::vector<TimeRatio> real_cpu_ratios(const RunSet& runs) {
  std::vector<TimeRatio> ratios;
  for (const auto& benchmark : runs.benchmarks) {
    if (auto ratio = ratio_of(benchmark)) {
      ratios.push_back(std::move(*ratio));
    }
  }
  return ratios;
}

std::vector<std::string> contention_notes(const RunSet& baseline, const RunSet& candidate,
                                          GateResult& result) {
  const auto baseline_ratios = ratios_by_name(baseline);
  const auto candidate_ratios = ratios_by_name(candidate);
  for (auto& decision : result.decisions) {
    const bool questioned = decision.verdict == Verdict::fail ||
                            decision.verdict == Verdict::warn || decision.verdict == Verdict::noisy;
    const auto b = baseline_ratios.find(decision.benchmark);
    const auto c = candidate_ratios.find(decision.benchmark);
    if (!questioned || decision.metric != metric::k_real_time || b == baseline_ratios.end() ||
        c == candidate_ratios.end() || b->second.threads != 1 || c->second.threads != 1) {
      continue;
    }
    const std::string note = busy_note(b->second, c->second);
    if (!note.empty() && decision.note.find(note) == std::string::npos) {
      decision.note += (decision.note.empty() ? "" : "; ") + note;
    }
  }
  std::vector<std::string> conditions;
  for (const std::string& line :
       {absorbed_load(real_cpu_ratios(baseline), "the baseline",
                      "re-record it on a quiet machine"),
        absorbed_load(real_cpu_ratios(candidate), "this run",
                      "the machine was likely busy")}) {
    if (!line.empty()) {
      conditions.push_back(line);
    }
  }
  return conditions;
}

// ---------------------------------------------------------------------------------------------
// Recording a baseline from several separate process runs.

namespace {

// Why run `index` counts as contended: its load report, else its own real/cpu times; "" if not.
std::string run_contention(const LoadReport* load, const RunSet& run) {
  if (load != nullptr && load->contended) {
    return load->condition();
  }
  return absorbed_load(real_cpu_ratios(run), "it", "the machine was likely busy");
}

// Benchmarks whose runs' real_time medians differ by more than the runs' own spread explains.
std::vector<std::string> disagreements(const std::vector<RunSet>& runs) {
  std::vector<std::string> found;
  if (runs.size() < 2) {
    return found;
  }
  for (const auto& benchmark : runs.front().benchmarks) {
    std::vector<double> medians;
    std::vector<double> spreads;
    for (const auto& run : runs) {
      const Benchmark* same = run.find(benchmark.name);
      const MetricSeries* real = same == nullptr ? nullptr : same->find(metric::k_real_time);
      const auto samples = real == nullptr ? std::vector<double>() : positive(real->samples);
      if (samples.empty()) {
        break;
      }
      medians.push_back(stats::median(samples));
      spreads.push_back(stats::mad_sigma(samples) / medians.back());
    }
    if (medians.size() != runs.size()) {
      continue;  // not in every run: the fingerprint and reading steps report that
    }
    const auto [low, high] = std::minmax_element(medians.begin(), medians.end());
    const double spread = *high / *low - 1;
    const double noise = stats::median(spreads);
    if (spread > record_limit::k_run_spread && spread > record_limit::k_spread_over_mad * noise) {
      found.push_back(benchmark.name + " (" + detail::format_human(*low, "ns") + " to " +
                      detail::format_human(*high, "ns") + ", " + format_percent(spread) +
                      " apart; within a run " + format_fixed(100 * noise, 1) + "%)");
    }
  }
  return found;
}

std::string joined(const std::vector<std::string>& items, std::size_t most) {
  std::string text;
  for (std::size_t i = 0; i < std::min(items.size(), most); ++i) {
    text += (i == 0 ? "" : "; ") + items[i];
  }
  if (items.size() > most) {
    text += "; and " + std::to_string(items.size() - most) + " more";
  }
  return text;
}

}  // namespace

std::string_view to_string(RecordingVerdict verdict) {
  switch (verdict) {
    case RecordingVerdict::accept: return "accept";
    case RecordingVerdict::warn: return "warn";
    case RecordingVerdict::refuse: break;
  }
  return "refuse";
}

RecordingJudgement judge_recording(const std::vector<LoadReport>& loads,
                                   const std::vector<RunSet>& runs) {
  RecordingJudgement judgement;
  std::vector<std::string> why;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string reason = run_contention(i < loads.size() ? &loads[i] : nullptr, runs[i]);
    if (!reason.empty()) {
      judgement.contended_runs.push_back(i);
      why.push_back("run " + std::to_string(i + 1) + ": " + reason);
    }
  }
  const std::size_t contended = judgement.contended_runs.size();
  const std::string count = std::to_string(contended) + " of " + std::to_string(runs.size()) +
                            (contended == 1 ? " runs was" : " runs were");
  const auto disagree = disagreements(runs);
  if (2 * contended > runs.size()) {
    judgement.verdict = RecordingVerdict::refuse;
    judgement.text = count + " measured on a busy machine (" + joined(why, 3) +
                     "); record again when the machine is quiet";
  } else if (!disagree.empty() && contended > 0) {
    judgement.verdict = RecordingVerdict::refuse;
    judgement.text = "the runs disagree beyond their own noise on " + joined(disagree, 3) + " (" +
                     joined(why, 3) + "); record again when the machine is quiet";
  } else if (!disagree.empty()) {
    // No run saw a busy machine, yet the runs moved: the host's own run-to-run noise (a shared
    // VM's neighbours need not show in its load or steal). The pooled baseline carries that
    // spread in its variance, so it is recorded, with the warning.
    judgement.verdict = RecordingVerdict::warn;
    judgement.text = "the runs disagree beyond their own noise on " + joined(disagree, 3) +
                     ", though no run saw a busy machine: this host's run-to-run noise, which "
                     "the pooled baseline's spread includes; review its numbers";
  } else if (contended > 0) {
    judgement.verdict = RecordingVerdict::warn;
    judgement.text = count + " measured on a busy machine (" + joined(why, 3) +
                     "); the runs agree, so the baseline is recorded, but review its numbers";
  }
  return judgement;
}

}  // namespace perfgate
