// Tests of the terminal table (render_text): a GateResult in, the exact text out. Whatever the
// inputs hold, every row stays one line and nothing reaches the terminal as a control sequence.
#include <perfgate/evaluate.hpp>
#include <perfgate/render.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace perfgate {
namespace {

Decision decision(std::string benchmark, std::string metric, Verdict verdict, std::string note) {
  Decision result;
  result.benchmark = std::move(benchmark);
  result.metric = std::move(metric);
  result.rule = result.metric + "-median";
  result.verdict = verdict;
  result.unit = "ns";
  result.baseline = 1000.0;
  result.candidate = 1050.0;
  result.change = 0.05;
  result.limit = 0.1;
  result.headroom = 0.05;
  result.limit_text = "+10%";
  result.note = std::move(note);
  return result;
}

GateResult gate(std::vector<Decision> decisions, std::vector<Diagnostic> notes = {}) {
  GateResult result;
  result.policy_name = "test";
  result.decisions = std::move(decisions);
  result.notes = std::move(notes);
  for (const Decision& item : result.decisions) {
    ++result.counts.by_verdict[item.verdict];
  }
  return result;
}

std::string text_of(const GateResult& result) {
  std::ostringstream out;
  RenderOptions options;
  options.tool_version = "1.2.3";
  render(result, Format::text, out, options);
  return out.str();
}

TEST(RenderText, EscapesControlCharactersSoNoNameCanFakeALine) {
  Diagnostic note;
  note.severity = Severity::warning;
  note.file = "bm\x1b[31m.json";
  note.message = "name \"BM_x\n gate passed\" \x1b]0;title\x07";
  note.hint = "line\rbreak";
  const GateResult result =
      gate({decision("BM_x\n gate passed", "real_time", Verdict::pass, "tab\there \x1b[2J"),
            decision("BM_y\xe2\x80\xae" "evil\xc2\x9b" "1m\xff", "counter:a\nb", Verdict::pass,
                     "")},
           {note});
  EXPECT_EQ(text_of(result),
            "perfgate 1.2.3: policy \"test\"\n"
            "\n"
            "benchmark                   metric        stat    baseline  candidate  change  "
            "limit  headroom  verdict  note\n"
            "BM_x\\n gate passed          real_time     median   1.00 us    1.05 us   +5.0%  "
            "+10%     5.0 pp  pass     tab\\there \\x1b[2J\n"
            "BM_y\\u202eevil\\u009b1m\\xff  counter:a\\nb  median   1.00 us    1.05 us   +5.0%  "
            "+10%     5.0 pp  pass\n"
            "\n"
            "notes:\n"
            "  bm\\x1b[31m.json: warning: name \"BM_x\\n gate passed\" \\x1b]0;title\\x07\n"
            "    hint: line\\rbreak\n"
            "\n"
            "gate passed: 2 pass\n");
}

TEST(RenderText, PrintsALongNoteOncePerBenchmark) {
  const std::string long_note =
      "one value per side, decided on the point estimate (the rule's allow_single_values)";
  const GateResult result = gate({decision("BM_a", "cpu_time", Verdict::pass, long_note),
                                  decision("BM_a", "real_time", Verdict::pass, long_note),
                                  decision("BM_a", "items_per_second", Verdict::pass, "short"),
                                  decision("BM_a", "bytes_per_second", Verdict::pass, "short"),
                                  decision("BM_b", "real_time", Verdict::pass, long_note)});
  EXPECT_EQ(text_of(result),
            "perfgate 1.2.3: policy \"test\"\n"
            "\n"
            "benchmark  metric            stat    baseline  candidate  change  limit  headroom  "
            "verdict  note\n"
            "BM_a       cpu_time          median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  "
            "pass     " + long_note + "\n"
            "BM_a       real_time         median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  "
            "pass     (same note as above)\n"
            "BM_a       items_per_second  median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  "
            "pass     short\n"
            "BM_a       bytes_per_second  median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  "
            "pass     short\n"
            "BM_b       real_time         median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  "
            "pass     " + long_note + "\n"
            "\n"
            "gate passed: 5 pass\n");
}

TEST(RenderText, LeavesOutIntervalsThatSayNothing) {
  Decision unbounded = decision("BM_a", "real_time", Verdict::pass, "");
  unbounded.change_low = -1.0;
  unbounded.change_high = std::numeric_limits<double>::infinity();
  Decision half = decision("BM_b", "real_time", Verdict::pass, "");
  half.change_low = -0.02;
  half.change_high = std::numeric_limits<double>::quiet_NaN();
  // No interval worth printing: no CI column at all.
  EXPECT_EQ(text_of(gate({unbounded, half})),
            "perfgate 1.2.3: policy \"test\"\n"
            "\n"
            "benchmark  metric     stat    baseline  candidate  change  limit  headroom  verdict  "
            "note\n"
            "BM_a       real_time  median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  pass\n"
            "BM_b       real_time  median   1.00 us    1.05 us   +5.0%  +10%     5.0 pp  pass\n"
            "\n"
            "gate passed: 2 pass\n");
  // Next to a real interval, they show as "-".
  Decision bounded = decision("BM_c", "real_time", Verdict::pass, "");
  bounded.change_low = -0.02;
  bounded.change_high = 0.12;
  EXPECT_EQ(text_of(gate({unbounded, bounded})),
            "perfgate 1.2.3: policy \"test\"\n"
            "\n"
            "benchmark  metric     stat    baseline  candidate  change               CI  limit  "
            "headroom  verdict  note\n"
            "BM_a       real_time  median   1.00 us    1.05 us   +5.0%                -  +10%     "
            "5.0 pp  pass\n"
            "BM_c       real_time  median   1.00 us    1.05 us   +5.0%  [-2.0%, +12.0%]  +10%     "
            "5.0 pp  pass\n"
            "\n"
            "gate passed: 2 pass\n");
}

}  // namespace
}  // namespace perfgate
