// Matching (evaluate_internal.hpp): pairs the baseline's and the candidate's benchmarks, selects
// the rules that apply to each, and makes the decisions about a benchmark as a whole (missing,
// new, errored, not comparable). evaluate() runs the whole decision step from here.
#include <perfgate/natural_order.hpp>
#include <perfgate/number_format.hpp>
#include <perfgate/pattern.hpp>

#include "evaluate_internal.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace perfgate {

namespace {

using detail::StatisticalPass;

std::string version_or_unknown(const std::string& version) {
  return version.empty() ? "before 1.8.4" : version;
}

std::unordered_map<std::string_view, const Benchmark*> by_name(const RunSet& runs) {
  std::unordered_map<std::string_view, const Benchmark*> index;
  index.reserve(runs.benchmarks.size());
  for (const auto& benchmark : runs.benchmarks) {
    index.emplace(benchmark.name, &benchmark);
  }
  return index;
}

class Evaluator {
 public:
  Evaluator(const Policy& policy, const EvaluateOptions& options)
      : m_policy(policy), m_options(options), m_statistics(options) {
    for (const auto& rule : policy.rules) {
      m_match_all.push_back(rule.benchmarks == ".*");
      // parse_policy() checked the pattern: one that does not compile is a broken invariant.
      m_patterns.push_back(NamePattern::compile(rule.benchmarks).value());
    }
  }

  GateResult run(const RunSet& baseline, const RunSet& candidate);

 private:
  Decision& benchmark_decision(const Benchmark& benchmark, Verdict verdict, std::string note);
  void add_missing(const Benchmark& base);
  void add_new(const Benchmark& cand);
  void add_run_problem(const Benchmark& benchmark, std::string_view side);
  bool comparable(const Benchmark& base, const Benchmark& cand, const RunSet& baseline,
                  const RunSet& candidate);
  void compare(const Benchmark& base, const Benchmark& cand);
  void decide(const Rule& rule, const Benchmark& base, const Benchmark& cand);
  void accept_inconclusive();
  void report_ungated(GateResult& result);

  const Policy& m_policy;
  const EvaluateOptions& m_options;
  StatisticalPass m_statistics;
  std::vector<std::string> m_ungated;
  std::size_t m_compared = 0;
  bool m_crosses_thread_timing_change = false;  // Google Benchmark 1.9 lies between the sides
  std::vector<NamePattern> m_patterns;
  std::vector<bool> m_match_all;  // ".*": skip the regex engine on the hot path
  std::vector<Decision> m_decisions;
  // Decisions of percentile rules over too few samples (index, why), applied once every decision
  // is decided (detail::apply_tail_shortfall).
  std::vector<std::pair<std::size_t, std::string>> m_thin;
};

GateResult Evaluator::run(const RunSet& baseline, const RunSet& candidate) {
  GateResult result;
  result.policy_name = m_policy.name;
  result.baseline_source = baseline.source;
  result.candidate_source = candidate.source;
  result.notes = baseline.notes;
  result.notes.insert(result.notes.end(), candidate.notes.begin(), candidate.notes.end());

  const auto in_candidate = by_name(candidate);
  const auto in_baseline = by_name(baseline);
  m_crosses_thread_timing_change =
      (library_version_number(baseline.context.library_version) < 10900) !=
      (library_version_number(candidate.context.library_version) < 10900);
  for (const auto& base : baseline.benchmarks) {
    const auto found = in_candidate.find(base.name);
    if (found == in_candidate.end()) {
      add_missing(base);
      continue;
    }
    const std::size_t before = m_decisions.size();
    if (comparable(base, *found->second, baseline, candidate)) {
      compare(base, *found->second);
    }
    if (m_decisions.size() == before && !found->second->metrics.empty()) {
      m_ungated.push_back(base.name);
    }
    ++m_compared;
  }
  for (const auto& cand : candidate.benchmarks) {
    if (in_baseline.count(cand.name) == 0) {
      add_new(cand);
    }
  }

  if (m_compared == 0 && !baseline.benchmarks.empty()) {
    Decision& d = m_decisions.emplace_back();
    d.verdict = Verdict::error;
    d.note = "compared nothing: none of the baseline's " +
             format_integer(baseline.benchmarks.size()) +
             " benchmark(s) is in the candidate, so nothing was checked";
  }
  report_ungated(result);
  m_statistics.decide(m_decisions, result);
  for (const auto& [index, shortfall] : m_thin) {
    detail::apply_tail_shortfall(shortfall, m_options.report_only, m_decisions[index]);
  }
  accept_inconclusive();
  if (m_options.today) {
    std::vector<Waiver> waivers = m_policy.waivers;
    waivers.insert(waivers.end(), m_options.waivers.begin(), m_options.waivers.end());
    detail::apply_waivers(m_decisions, result, waivers, *m_options.today);
  }
  std::stable_sort(m_decisions.begin(), m_decisions.end(),
                   [](const Decision& a, const Decision& b) {
                     if (a.benchmark != b.benchmark) {
                       return natural_less(a.benchmark, b.benchmark);
                     }
                     if (a.metric != b.metric) {
                       return a.metric < b.metric;
                     }
                     return a.rule < b.rule;
                   });
  for (const auto& decision : m_decisions) {
    ++result.counts.by_verdict[decision.verdict];
  }
  result.decisions = std::move(m_decisions);
  return result;
}

Decision& Evaluator::benchmark_decision(const Benchmark& benchmark, Verdict verdict,
                                        std::string note) {
  Decision& d = m_decisions.emplace_back();
  d.benchmark = benchmark.name;
  d.verdict = verdict;
  d.note = std::move(note);
  return d;
}

void Evaluator::add_missing(const Benchmark& base) {
  if (m_policy.on_missing == OnMissing::warn) {
    benchmark_decision(base, Verdict::warn,
                       "missing from the candidate (the policy's on_missing is \"warn\")");
  } else {
    benchmark_decision(base, Verdict::missing,
                       "in the baseline but missing from the candidate: was it removed or "
                       "renamed? Record a new baseline if that was intended");
  }
}

void Evaluator::add_new(const Benchmark& cand) {
  if (cand.errored || cand.skipped) {
    add_run_problem(cand, "candidate");
    return;
  }
  if (m_policy.on_new == OnNew::fail) {
    benchmark_decision(cand, Verdict::fail,
                       "not in the baseline (the policy's on_new is \"fail\"): record a "
                       "baseline that includes it");
    return;
  }
  benchmark_decision(cand, Verdict::new_benchmark,
                     "not in the baseline: not gated until a baseline includes it");
}

void Evaluator::add_run_problem(const Benchmark& benchmark, std::string_view side) {
  const std::string what = benchmark.errored ? "reported an error" : "was skipped";
  const std::string& message = benchmark.errored ? benchmark.error_message : benchmark.skip_message;
  benchmark_decision(benchmark, Verdict::error,
                     "the " + std::string(side) + " run " + what +
                         (message.empty() ? std::string() : ": \"" + message + "\""));
}

// Both sides measured, with the same threads and the same way of timing them; else the
// benchmark's decision says why not.
bool Evaluator::comparable(const Benchmark& base, const Benchmark& cand, const RunSet& baseline,
                           const RunSet& candidate) {
  if (base.errored || base.skipped || cand.errored || cand.skipped) {
    if (base.errored || base.skipped) {
      add_run_problem(base, "baseline");
    }
    if (cand.errored || cand.skipped) {
      add_run_problem(cand, "candidate");
    }
    return false;
  }
  if (base.threads != cand.threads) {
    benchmark_decision(cand, Verdict::error,
                       "thread count changed from " + format_integer(base.threads) + " to " +
                           format_integer(cand.threads) + ": the numbers are not comparable");
    return false;
  }
  if (cand.threads > 1 && m_crosses_thread_timing_change) {
    benchmark_decision(
        cand, Verdict::error,
        "not comparable: Google Benchmark 1.9 changed how multi-threaded real time is measured "
        "(baseline " +
            version_or_unknown(baseline.context.library_version) + ", candidate " +
            version_or_unknown(candidate.context.library_version) +
            "); record a baseline with the candidate's library");
    return false;
  }
  return true;
}

// Every rule whose pattern matches the benchmark's name.
void Evaluator::compare(const Benchmark& base, const Benchmark& cand) {
  for (std::size_t i = 0; i < m_policy.rules.size(); ++i) {
    const Rule& rule = m_policy.rules[i];
    if (!m_match_all[i] && !m_patterns[i].full_match(cand.name)) {
      continue;
    }
    if (rule.kind == RuleKind::min_repetitions) {
      Decision& d = m_decisions.emplace_back(detail::metric_decision(rule, cand, nullptr));
      detail::decide_repetitions(rule, base, cand, m_options.report_only, d);
      continue;
    }
    decide(rule, base, cand);
  }
}

// One metric rule: the point estimate, then (relative rules) the statistical pass.
void Evaluator::decide(const Rule& rule, const Benchmark& base, const Benchmark& cand) {
  const MetricSeries* base_series = base.find(rule.metric);
  const MetricSeries* cand_series = cand.find(rule.metric);
  if (cand_series == nullptr) {
    if (base_series != nullptr) {
      Decision& d = m_decisions.emplace_back(detail::metric_decision(rule, cand, base_series));
      d.verdict = Verdict::error;
      d.note = rule.metric + " is in the baseline but the candidate did not report it";
    }
    return;  // a rule for a metric neither side has does not apply to this benchmark
  }
  Decision& d = m_decisions.emplace_back(detail::metric_decision(rule, cand, cand_series));
  if (detail::decide_metric(rule, base_series, *cand_series, m_options, d)) {
    m_statistics.consider(rule, base, cand, *base_series, *cand_series, d, m_decisions.size() - 1);
  }
  if (std::string shortfall = detail::tail_shortfall(rule, &base, cand); !shortfall.empty()) {
    m_thin.emplace_back(m_decisions.size() - 1, std::move(shortfall));
  }
}

// A rule with "on_inconclusive": "warn" accepts its noisy decisions; they stay `noisy` in every
// report and are counted as accepted.
void Evaluator::accept_inconclusive() {
  for (Decision& d : m_decisions) {
    if (d.verdict != Verdict::noisy) {
      continue;
    }
    for (const Rule& rule : m_policy.rules) {
      if (rule.id == d.rule && rule.on_inconclusive == OnInconclusive::warn) {
        d.accepted = true;
        detail::add_note(d, "accepted by the rule's on_inconclusive \"warn\": not gated");
      }
    }
  }
}

// Benchmarks on both sides that no rule applied to are said, never silently passed; a gate in
// which no rule applied to anything checked nothing and is an error.
void Evaluator::report_ungated(GateResult& result) {
  if (m_ungated.empty()) {
    return;
  }
  if (m_ungated.size() == m_compared) {
    Decision& d = m_decisions.emplace_back();
    d.verdict = Verdict::error;
    d.note = "the policy \"" + m_policy.name +
             "\" gated nothing: none of its rules applies to any "
             "metric of the " +
             format_integer(m_compared) +
             " benchmark(s) present on both sides; check the rules' \"benchmarks\" patterns "
             "and metric names";
    return;
  }
  std::string names;
  for (std::size_t i = 0; i < m_ungated.size() && i < 5; ++i) {
    names += (i == 0 ? "" : ", ") + m_ungated[i];
  }
  if (m_ungated.size() > 5) {
    names += ", ...";
  }
  Diagnostic note;
  note.severity = Severity::warning;
  note.message = format_integer(m_ungated.size()) + " benchmark(s) matched no rule of policy \"" +
                 m_policy.name + "\" and are not gated: " + names;
  result.notes.push_back(std::move(note));
}

}  // namespace

GateResult evaluate(const RunSet& baseline, const RunSet& candidate, const Policy& policy,
                    const EvaluateOptions& options) {
  return Evaluator(policy, options).run(baseline, candidate);
}

}  // namespace perfgate
