// Seeded simulation harness for the perfgate statistics engine.
//
// Simulates Google-Benchmark-like repetitions with lognormal noise, rare outliers
// and a shared multiplicative offset per process run (job), and measures for
// each decision rule the false-fail rate, the detection rate and the average
// number of repetitions per side. Deterministic for a given --seed, independent
// of --threads.
//
//   perfgate_stats_harness          full table
//   perfgate_stats_harness --quick  headline scenarios only; exit 1 if a bound is missed
//
// Flags: --seed N --gate-trials N --single-trials N --threads N --offset-sd X
//        --margin X --baseline-runs K --regressed K --family-alpha X --tau X --pass-level X
//        --no-sensitivity
#include <perfgate/statistics.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ps = perfgate::stats;

namespace {

enum Rule : std::size_t {
  k_rule_stored = 0,
  k_rule_paired,
  k_rule_paired_rank,
  k_rule_paired_signed_rank,
  k_rule_adaptive,
  k_rule_compare_py,
  k_rule_threshold,
  k_rule_count
};

constexpr std::array<const char*, k_rule_count> k_rule_names = {
    "(a) perfgate stored baseline",  "(b) perfgate paired lane",
    "(b'') paired, rank test only",  "(b') paired, signed-rank only",
    "(c) perfgate adaptive",         "(d) compare.py U-test 0.05",
    "(e) median ratio > 10%",
};

struct Config {
  std::uint64_t seed = 20240601;
  std::size_t gate_trials = 300;
  std::size_t single_trials = 4000;
  std::size_t threads = 2;
  std::size_t benchmarks = 200;
  std::size_t regressed = 10;
  std::size_t baseline_runs = 5;
  double offset_sd = 0.03;
  double outlier_rate = 0.02;
  double margin = 0.025;
  double family_alpha = 0.05;
  double pass_level = 0.30;
  double selection_tau = 0.5;  // conditional Holm in the paired lane (independent comparisons)
  bool quick = false;
  bool sensitivity = true;
};

struct Scenario {
  bool gate = true;
  double cv = 0.03;
  std::size_t reps = 10;
  double slowdown = 0.0;
  double margin = 0.03;
  std::size_t id = 0;
};

struct Tally {
  std::size_t trials = 0;
  std::size_t false_fail_trials = 0;  // trials with any sub-margin benchmark flagged
  std::size_t regressed = 0;          // benchmarks whose true slowdown >= margin
  std::size_t regressed_flagged = 0;
  std::size_t submargin_changed = 0;  // benchmarks with 0 < slowdown < margin
  std::size_t submargin_changed_flagged = 0;
  double reps_unchanged = 0.0;  // repetitions per side, slowdown == 0
  std::size_t unchanged = 0;
  double reps_regressed = 0.0;
  std::size_t insufficient = 0;  // comparisons reported Insufficient
  std::size_t comparisons = 0;
};

struct ScenarioResult {
  Scenario scenario;
  std::array<Tally, k_rule_count> tally{};
};

class Noise {
 public:
  Noise(std::uint64_t seed, std::size_t id, double outlier_rate)
      : m_engine(make_seed(seed, id)), m_outlier_rate(outlier_rate) {}

  double normal() { return m_normal(m_engine); }

  double sample(double true_value, double log_offset, double sigma) {
    double value = true_value * std::exp(log_offset + sigma * m_normal(m_engine));
    if (m_uniform(m_engine) < m_outlier_rate) {
      value *= 1.5 + 1.5 * m_uniform(m_engine);
    }
    return value;
  }

 private:
  static std::mt19937_64 make_seed(std::uint64_t seed, std::size_t id) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed & 0xffffffffU),
                           static_cast<std::uint32_t>(seed >> 32U), static_cast<std::uint32_t>(id),
                           0x9e3779b9U};
    return std::mt19937_64(sequence);
  }

  std::mt19937_64 m_engine;
  std::normal_distribution<double> m_normal{0.0, 1.0};
  std::uniform_real_distribution<double> m_uniform{0.0, 1.0};
  double m_outlier_rate;
};

std::vector<std::size_t> adaptive_looks(std::size_t max_reps) {
  std::vector<std::size_t> looks;
  for (const std::size_t n : {4U, 5U, 6U, 7U, 8U, 10U, 12U, 16U, 20U, 30U, 40U}) {
    if (n < max_reps) {
      looks.push_back(n);
    }
  }
  looks.push_back(max_reps);
  return looks;
}

double median_of(const std::vector<double>& values) { return ps::median(values); }

ScenarioResult run_scenario(const Scenario& scenario, const Config& config) {
  ScenarioResult out;
  out.scenario = scenario;
  Noise noise(config.seed, scenario.id, config.outlier_rate);
  const std::size_t benchmarks = scenario.gate ? config.benchmarks : 1;
  const std::size_t regressed = scenario.gate ? std::min(config.regressed, benchmarks) : 1;
  const std::size_t trials = scenario.gate ? config.gate_trials : config.single_trials;
  const std::size_t reps = scenario.reps;
  const double sigma = std::sqrt(std::log1p(scenario.cv * scenario.cv));
  const double margin = scenario.margin;
  const double test_alpha = config.family_alpha;  // family level (M = 1 for single benchmarks)

  ps::ComparisonOptions options;
  options.margin = margin;
  options.alpha = test_alpha;
  options.confidence = 0.95;

  ps::SequentialPlan plan;
  plan.looks = adaptive_looks(reps);
  plan.scheme = ps::SpendingScheme::obrien_fleming;
  plan.alpha = config.family_alpha / static_cast<double>(benchmarks);  // Bonferroni over benchmarks
  plan.pass_level = config.pass_level;
  plan.test = ps::SequentialTest::mann_whitney;

  ps::ComparisonOptions reference_options;  // compare.py style: no margin
  reference_options.margin = 0.0;
  reference_options.screen_k = 0.0;

  const std::size_t k_runs = config.baseline_runs;
  std::vector<double> baseline_offsets(k_runs);
  std::vector<std::vector<std::vector<double>>> baseline(benchmarks);
  std::vector<std::vector<double>> candidate(benchmarks);
  std::vector<std::vector<double>> pair_reference(benchmarks);
  std::vector<std::vector<double>> pair_candidate(benchmarks);
  std::vector<double> slowdown(benchmarks, 0.0);
  for (std::size_t b = 0; b < regressed; ++b) {
    slowdown[b] = scenario.slowdown;
  }

  for (std::size_t trial = 0; trial < trials; ++trial) {
    for (double& offset : baseline_offsets) {
      offset = config.offset_sd * noise.normal();
    }
    const double candidate_offset = config.offset_sd * noise.normal();
    const double job_offset = config.offset_sd * noise.normal();  // paired job: both arms share it
    for (std::size_t b = 0; b < benchmarks; ++b) {
      const double truth = 1.0 + slowdown[b];
      baseline[b].assign(k_runs, std::vector<double>(reps));
      for (std::size_t run = 0; run < k_runs; ++run) {
        for (double& v : baseline[b][run]) {
          v = noise.sample(1.0, baseline_offsets[run], sigma);
        }
      }
      candidate[b].resize(reps);
      for (double& v : candidate[b]) {
        v = noise.sample(truth, candidate_offset, sigma);
      }
      pair_reference[b].resize(reps);
      pair_candidate[b].resize(reps);
      for (std::size_t i = 0; i < reps; ++i) {  // interleaved A/B within one job
        pair_reference[b][i] = noise.sample(1.0, job_offset, sigma);
        pair_candidate[b][i] = noise.sample(truth, job_offset, sigma);
      }
    }

    std::array<std::vector<bool>, k_rule_count> flagged;
    std::array<std::vector<double>, k_rule_count> reps_used;
    for (std::size_t r = 0; r < k_rule_count; ++r) {
      flagged[r].assign(benchmarks, false);
      reps_used[r].assign(benchmarks, static_cast<double>(reps));
    }

    // (a), (b), (b'): per-benchmark comparisons, then Holm across the gate.
    std::vector<ps::ComparisonResult> stored;
    std::vector<ps::ComparisonResult> paired;
    std::vector<ps::ComparisonResult> paired_rank;
    std::vector<ps::ComparisonResult> signed_rank;
    stored.reserve(benchmarks);
    paired.reserve(benchmarks);
    paired_rank.reserve(benchmarks);
    signed_rank.reserve(benchmarks);
    for (std::size_t b = 0; b < benchmarks; ++b) {
      stored.push_back(ps::compare_grouped(baseline[b], {candidate[b]}, options));
      paired.push_back(ps::compare_same_job(pair_reference[b], pair_candidate[b], options));
      paired_rank.push_back(
          ps::compare_independent(pair_reference[b], pair_candidate[b], options));
      signed_rank.push_back(ps::compare_paired(pair_reference[b], pair_candidate[b], options));
    }
    ps::apply_holm(stored, config.family_alpha);
    ps::apply_holm(paired, config.family_alpha, config.selection_tau);
    ps::apply_holm(paired_rank, config.family_alpha, config.selection_tau);
    ps::apply_holm(signed_rank, config.family_alpha, config.selection_tau);
    const std::array<const std::vector<ps::ComparisonResult>*, 4> fixed = {
        &stored, &paired, &paired_rank, &signed_rank};
    const std::array<std::size_t, 4> fixed_rules = {k_rule_stored, k_rule_paired,
                                                    k_rule_paired_rank, k_rule_paired_signed_rank};
    for (std::size_t f = 0; f < fixed.size(); ++f) {
      for (std::size_t b = 0; b < benchmarks; ++b) {
        const ps::Outcome verdict = (*fixed[f])[b].verdict;
        flagged[fixed_rules[f]][b] = verdict == ps::Outcome::fail;
        out.tally[fixed_rules[f]].insufficient += verdict == ps::Outcome::insufficient ? 1U : 0U;
      }
    }

    // (c) adaptive: looks over the interleaved pairs, stop at a decision.
    for (std::size_t b = 0; b < benchmarks; ++b) {
      for (const std::size_t n : plan.looks) {
        const std::vector<double> ref(pair_reference[b].begin(),
                                      pair_reference[b].begin() + static_cast<std::ptrdiff_t>(n));
        const std::vector<double> cand(pair_candidate[b].begin(),
                                       pair_candidate[b].begin() + static_cast<std::ptrdiff_t>(n));
        const ps::SequentialResult step = ps::sequential_step(ref, cand, plan, options);
        reps_used[k_rule_adaptive][b] = static_cast<double>(n);
        if (step.decision == ps::SequentialDecision::continue_sampling) {
          continue;
        }
        flagged[k_rule_adaptive][b] = step.decision == ps::SequentialDecision::decided_fail;
        out.tally[k_rule_adaptive].insufficient +=
            step.decision == ps::SequentialDecision::insufficient ? 1U : 0U;
        break;
      }
    }

    // (d), (e): latest stored baseline run vs the candidate run, no margin, no correction.
    for (std::size_t b = 0; b < benchmarks; ++b) {
      const std::vector<double>& last = baseline[b][k_runs - 1];
      const ps::ComparisonResult u = ps::compare_independent(last, candidate[b], reference_options);
      const double two_sided = std::min(1.0, 2.0 * std::min(u.p_worse, u.p_not_worse));
      const double ratio = median_of(candidate[b]) / median_of(last);
      flagged[k_rule_compare_py][b] = two_sided < 0.05 && ratio > 1.0;
      flagged[k_rule_threshold][b] = ratio > 1.10;
    }

    for (std::size_t r = 0; r < k_rule_count; ++r) {
      Tally& tally = out.tally[r];
      ++tally.trials;
      bool false_fail = false;
      for (std::size_t b = 0; b < benchmarks; ++b) {
        ++tally.comparisons;
        const bool should_fail = slowdown[b] >= margin - 1.0e-12;
        if (should_fail) {
          ++tally.regressed;
          tally.regressed_flagged += flagged[r][b] ? 1U : 0U;
          tally.reps_regressed += reps_used[r][b];
        } else {
          false_fail = false_fail || flagged[r][b];
          if (slowdown[b] > 0.0) {
            ++tally.submargin_changed;
            tally.submargin_changed_flagged += flagged[r][b] ? 1U : 0U;
          }
        }
        if (slowdown[b] == 0.0) {
          ++tally.unchanged;
          tally.reps_unchanged += reps_used[r][b];
        }
      }
      tally.false_fail_trials += false_fail ? 1U : 0U;
    }
  }
  return out;
}

std::vector<ScenarioResult> run_all(const std::vector<Scenario>& scenarios, const Config& config) {
  std::vector<ScenarioResult> results(scenarios.size());
  std::atomic<std::size_t> next{0};
  const auto worker = [&]() {
    for (;;) {
      const std::size_t index = next.fetch_add(1);
      if (index >= scenarios.size()) {
        return;
      }
      results[index] = run_scenario(scenarios[index], config);
    }
  };
  std::vector<std::thread> threads;
  const std::size_t count = std::max<std::size_t>(1, std::min(config.threads, scenarios.size()));
  for (std::size_t t = 0; t < count; ++t) {
    threads.emplace_back(worker);
  }
  for (auto& thread : threads) {
    thread.join();
  }
  return results;
}

const ScenarioResult* find(const std::vector<ScenarioResult>& results, bool gate, double cv,
                           std::size_t reps, double slowdown, double margin) {
  for (const auto& result : results) {
    const Scenario& s = result.scenario;
    if (s.gate == gate && std::fabs(s.cv - cv) < 1e-12 && s.reps == reps &&
        std::fabs(s.slowdown - slowdown) < 1e-12 && std::fabs(s.margin - margin) < 1e-12) {
      return &result;
    }
  }
  return nullptr;
}

double rate(std::size_t hits, std::size_t total) {
  return total == 0 ? std::nan("") : static_cast<double>(hits) / static_cast<double>(total);
}

std::string percent(double value) {
  if (std::isnan(value)) {
    return "–";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", 100.0 * value);
  return buffer;
}

std::string number(double value) {
  if (std::isnan(value)) {
    return "–";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

struct Row {
  double false_fail = std::nan("");       // worst over slowdowns, trial level
  double false_fail_null = std::nan("");  // slowdown 0
  double flag_2 = std::nan("");
  double det_5 = std::nan("");
  double det_10 = std::nan("");
  double det_20 = std::nan("");
  double reps_unchanged = std::nan("");
  double reps_10 = std::nan("");
};

Row make_row(const std::vector<ScenarioResult>& results, bool gate, double cv, std::size_t reps,
             double margin, std::size_t rule, const std::vector<double>& slowdowns) {
  Row row;
  double worst = -1.0;
  for (const double s : slowdowns) {
    const ScenarioResult* result = find(results, gate, cv, reps, s, margin);
    if (result == nullptr) {
      continue;
    }
    const Tally& t = result->tally[rule];
    const double ff = rate(t.false_fail_trials, t.trials);
    worst = std::max(worst, ff);
    if (s == 0.0) {
      row.false_fail_null = ff;
      row.reps_unchanged =
          t.unchanged ? t.reps_unchanged / static_cast<double>(t.unchanged) : std::nan("");
    }
    const double det = rate(t.regressed_flagged, t.regressed);
    const double flag_small = rate(t.submargin_changed_flagged, t.submargin_changed);
    const auto store = [&](double target, double value) {
      if (std::fabs(s - target) < 1e-12) {
        return value;
      }
      return std::nan("");
    };
    if (std::fabs(s - 0.02) < 1e-12) {
      row.flag_2 = s < margin ? flag_small : det;
    }
    if (std::fabs(s - 0.05) < 1e-12) {
      row.det_5 = store(0.05, det);
    }
    if (std::fabs(s - 0.10) < 1e-12) {
      row.det_10 = store(0.10, det);
      row.reps_10 =
          t.regressed ? t.reps_regressed / static_cast<double>(t.regressed) : std::nan("");
    }
    if (std::fabs(s - 0.20) < 1e-12) {
      row.det_20 = store(0.20, det);
    }
  }
  row.false_fail = worst < 0.0 ? std::nan("") : worst;
  return row;
}

void print_table(const std::vector<ScenarioResult>& results, bool gate,
                 const std::vector<double>& cvs, const std::vector<std::size_t>& rep_list,
                 const std::vector<double>& slowdowns, double margin, const Config& config) {
  std::printf("\n### %s (margin %.1f%%)\n\n", gate ? "200-benchmark gate" : "Single benchmark",
              100.0 * margin);
  if (gate) {
    std::printf(
        "false-fail = share of gate runs in which any benchmark with true slowdown < margin is "
        "flagged (worst over the slowdown scenarios; `FF@0` = no benchmark changed). "
        "%zu of %zu benchmarks carry the slowdown. det = share of those flagged.\n\n",
        config.regressed, config.benchmarks);
  } else {
    std::printf("false-fail = share of trials flagged while the true slowdown is < margin.\n\n");
  }
  std::printf(
      "| rule | CV | R | false-fail | FF@0 | flag@2%% | det@5%% | det@10%% | det@20%% | reps/side "
      "unchanged | reps/side @10%% |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const double cv : cvs) {
    for (const std::size_t reps : rep_list) {
      for (std::size_t rule = 0; rule < k_rule_count; ++rule) {
        const Row row = make_row(results, gate, cv, reps, margin, rule, slowdowns);
        std::printf("| %s | %.0f%% | %zu | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    k_rule_names[rule], 100.0 * cv, reps, percent(row.false_fail).c_str(),
                    percent(row.false_fail_null).c_str(), percent(row.flag_2).c_str(),
                    percent(row.det_5).c_str(), percent(row.det_10).c_str(),
                    percent(row.det_20).c_str(), number(row.reps_unchanged).c_str(),
                    number(row.reps_10).c_str());
      }
    }
  }
}

bool parse_size(const char* text, std::size_t& out) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') {
    return false;
  }
  out = static_cast<std::size_t>(value);
  return true;
}

bool parse_double(const char* text, double& out) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0') {
    return false;
  }
  out = value;
  return true;
}

int usage() {
  std::fprintf(
      stderr,
      "usage: perfgate_stats_harness [--quick] [--seed N] [--gate-trials N] [--single-trials N] [--threads "
      "N]\n"
      "                     [--offset-sd X] [--margin X] [--baseline-runs K] [--regressed K]\n"
      "                     [--family-alpha X] [--tau X] [--pass-level X] [--no-sensitivity]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  bool gate_trials_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    bool ok = true;
    if (arg == "--quick") {
      config.quick = true;
    } else if (arg == "--no-sensitivity") {
      config.sensitivity = false;
    } else if (arg == "--seed" && has_value) {
      std::size_t seed = 0;
      ok = parse_size(argv[++i], seed);
      config.seed = seed;
    } else if (arg == "--gate-trials" && has_value) {
      ok = parse_size(argv[++i], config.gate_trials);
      gate_trials_set = true;
    } else if (arg == "--single-trials" && has_value) {
      ok = parse_size(argv[++i], config.single_trials);
    } else if (arg == "--threads" && has_value) {
      ok = parse_size(argv[++i], config.threads);
    } else if (arg == "--offset-sd" && has_value) {
      ok = parse_double(argv[++i], config.offset_sd);
    } else if (arg == "--margin" && has_value) {
      ok = parse_double(argv[++i], config.margin);
    } else if (arg == "--baseline-runs" && has_value) {
      ok = parse_size(argv[++i], config.baseline_runs) && config.baseline_runs >= 1;
    } else if (arg == "--regressed" && has_value) {
      ok = parse_size(argv[++i], config.regressed);
    } else if (arg == "--family-alpha" && has_value) {
      ok = parse_double(argv[++i], config.family_alpha) && config.family_alpha > 0.0 &&
           config.family_alpha < 1.0;
    } else if (arg == "--tau" && has_value) {
      ok = parse_double(argv[++i], config.selection_tau) && config.selection_tau > 0.0 &&
           config.selection_tau <= 1.0;
    } else if (arg == "--pass-level" && has_value) {
      ok = parse_double(argv[++i], config.pass_level);
    } else {
      ok = false;
    }
    if (!ok) {
      return usage();
    }
  }
  if (config.quick && !gate_trials_set) {
    config.gate_trials = 200;
  }

  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> cvs = {0.01, 0.03, 0.10};
  const std::vector<std::size_t> rep_list = {5, 10, 20};
  const std::vector<double> slowdowns = {0.0, 0.02, 0.05, 0.10, 0.20};

  std::vector<Scenario> scenarios;
  const auto add = [&](bool gate, double cv, std::size_t reps, double s, double margin) {
    Scenario scenario;
    scenario.gate = gate;
    scenario.cv = cv;
    scenario.reps = reps;
    scenario.slowdown = s;
    scenario.margin = margin;
    scenario.id = scenarios.size();
    scenarios.push_back(scenario);
  };
  if (config.quick) {
    for (const std::size_t reps : {std::size_t{10}, std::size_t{20}}) {
      for (const double s : {0.0, 0.10}) {
        add(true, 0.03, reps, s, config.margin);
      }
    }
  } else {
    for (const bool gate : {false, true}) {
      for (const double cv : cvs) {
        for (const std::size_t reps : rep_list) {
          for (const double s : slowdowns) {
            add(gate, cv, reps, s, config.margin);
          }
        }
      }
    }
    if (config.sensitivity) {
      for (const double margin : {0.02, 0.05}) {
        for (const std::size_t reps : {std::size_t{10}, std::size_t{20}}) {
          for (const double s : {0.0, 0.02, 0.10}) {
            add(true, 0.03, reps, s, margin);
          }
        }
      }
    }
  }
  const std::vector<ScenarioResult> results = run_all(scenarios, config);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("# perfgate statistics harness (%s mode)\n\n", config.quick ? "quick" : "full");
  std::printf(
      "seed %llu; gate trials %zu x %zu benchmarks (%zu regressed); single-benchmark trials %zu; "
      "lognormal noise, outliers %.0f%% of samples x U(1.5, 3), run-to-run offset sd %.1f%% shared "
      "by all "
      "benchmarks of a run; stored baseline = %zu runs x R; family alpha %.2f (Holm; conditional "
      "Holm with tau %.2f in the paired lanes); paired lane (b): Student t on the screened logs of the same-job samples; "
      "adaptive: looks 4,5,6,7,8,10,12,16,20 (<= R), O'Brien-Fleming-shaped union-bound spending "
      "of "
      "alpha/M, pass level %.2f, Mann-Whitney on same-job samples; margin %.1f%%.\n",
      static_cast<unsigned long long>(config.seed), config.gate_trials, config.benchmarks,
      config.regressed, config.single_trials, 100.0 * config.outlier_rate,
      100.0 * config.offset_sd, config.baseline_runs, config.family_alpha, config.selection_tau,
      config.pass_level, 100.0 * config.margin);

  int exit_code = 0;
  if (config.quick) {
    print_table(results, true, {0.03}, {10, 20}, {0.0, 0.10}, config.margin, config);
    std::printf(
        "\n### Targets (200-benchmark gate, CV 3%%)\n\n| check | value | bound | ok "
        "|\n|---|---:|---:|:---:|\n");
    const auto check = [&](const char* name, double value, double bound, bool at_most,
                           bool as_percent) {
      const bool ok = !std::isnan(value) && (at_most ? value <= bound : value >= bound);
      std::printf(
          "| %s | %s | %s %s | %s |\n", name,
          as_percent ? percent(value).c_str() : number(value).c_str(),
          at_most ? "<=" : ">=", as_percent ? percent(bound).c_str() : number(bound).c_str(),
          ok ? "yes" : "**NO**");
      if (!ok) {
        exit_code = 1;
      }
    };
    const std::vector<double> quick_slowdowns = {0.0, 0.10};
    const Row stored =
        make_row(results, true, 0.03, 10, config.margin, k_rule_stored, quick_slowdowns);
    const Row paired =
        make_row(results, true, 0.03, 10, config.margin, k_rule_paired, quick_slowdowns);
    const Row adaptive =
        make_row(results, true, 0.03, 20, config.margin, k_rule_adaptive, quick_slowdowns);
    check("R=10 (a) stored: gate false-fail", stored.false_fail, 0.01, true, true);
    check("R=10 (b) paired: gate false-fail", paired.false_fail, 0.01, true, true);
    check("R=10 (b) paired: detection of 10%", paired.det_10, 0.95, false, true);
    const Row paired_20 =
        make_row(results, true, 0.03, 20, config.margin, k_rule_paired, quick_slowdowns);
    check("R=20 (b) paired: gate false-fail", paired_20.false_fail, 0.01, true, true);
    check("R=20 (b) paired: detection of 10%", paired_20.det_10, 0.95, false, true);
    check("max 20 (c) adaptive: gate false-fail", adaptive.false_fail, 0.01, true, true);
    check("max 20 (c) adaptive: reps/side, unchanged", adaptive.reps_unchanged, 6.0, true, false);
    check("max 20 (c) adaptive: detection of 10%", adaptive.det_10, 0.95, false, true);
  } else {
    print_table(results, true, cvs, rep_list, slowdowns, config.margin, config);
    print_table(results, false, cvs, rep_list, slowdowns, config.margin, config);
    if (config.sensitivity) {
      std::printf("\n### Margin sensitivity (200-benchmark gate, CV 3%%)\n\n");
      std::printf(
          "| margin | rule | R | false-fail | flag@2%% | det@10%% | reps/side unchanged "
          "|\n|---:|---|---:|---:|---:|---:|---:|\n");
      for (const double margin : {0.02, config.margin, 0.05}) {
        for (const std::size_t reps : {std::size_t{10}, std::size_t{20}}) {
          for (const std::size_t rule : {std::size_t{k_rule_stored}, std::size_t{k_rule_paired},
                                         std::size_t{k_rule_adaptive}}) {
            const Row row = make_row(results, true, 0.03, reps, margin, rule, {0.0, 0.02, 0.10});
            std::printf("| %.1f%% | %s | %zu | %s | %s | %s | %s |\n", 100.0 * margin,
                        k_rule_names[rule], reps, percent(row.false_fail).c_str(),
                        percent(row.flag_2).c_str(), percent(row.det_10).c_str(),
                        number(row.reps_unchanged).c_str());
          }
        }
      }
    }
  }
  std::printf("\nwall time %.1f s on %zu thread(s)\n", seconds, config.threads);
  return exit_code;
}
