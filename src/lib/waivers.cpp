// Waivers (waiver.hpp, docs/waivers.md): dates, words, the check `perfgate policy check` makes,
// and their application to a gate's decisions (evaluate_internal.hpp), the one place that says
// what a waiver does. Pure: today's date comes in as data.
#include <perfgate/pattern.hpp>
#include <perfgate/waiver.hpp>

#include "evaluate_internal.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <map>

namespace perfgate {

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
long days_from_civil(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

std::string two_digits(int value) {
  return std::string(1, static_cast<char>('0' + value / 10)) + static_cast<char>('0' + value % 10);
}

}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t length) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + length; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  if (!year || !month || !day || *year < 1 || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, *month)) {
    return std::nullopt;
  }
  return Date{*year, *month, *day};
}

long Date::days() const {
  return days_from_civil(year, month, day);
}

std::string Date::text() const {
  std::string out = std::to_string(year);
  out.insert(0, out.size() < 4 ? 4 - out.size() : 0, '0');
  return out + "-" + two_digits(month) + "-" + two_digits(day);
}

std::string_view to_string(WaiverStatus status) {
  switch (status) {
    case WaiverStatus::in_force:
      return "in_force";
    case WaiverStatus::exceeded:
      return "exceeded";
    case WaiverStatus::expired:
      return "expired";
    case WaiverStatus::ready_to_retire:
      return "ready_to_retire";
  }
  return "in_force";
}

std::string describe(const Waiver& waiver) {
  return "waiver '" + waiver.benchmark + "' " + waiver.metric + " (owner " + waiver.owner +
         ", expires " + waiver.expires.text() + ", tracking " + waiver.tracking + ")";
}

Diagnostics check_waivers(const std::vector<Waiver>& waivers, const Date& today) {
  Diagnostics found;
  for (const Waiver& waiver : waivers) {
    if (today > waiver.expires) {
      found.error(waiver.source, waiver.pointer,
                  describe(waiver) + " expired on " + waiver.expires.text() + " (today is " +
                      today.text() +
                      "): every gate it matches fails until it is renewed or removed",
                  "renew it under review (a new \"created\" and \"expires\") if the regression is "
                  "still accepted, or remove it");
      continue;
    }
    if (today < waiver.created) {
      found.add({Severity::warning, waiver.source, std::nullopt, waiver.pointer,
                 describe(waiver) + " is dated " + waiver.created.text() + ", after today (" +
                     today.text() + ")",
                 "\"created\" is the day the waiver was granted"});
    }
    const long left = waiver.expires.days() - today.days();
    if (left <= 7) {
      found.add({Severity::warning, waiver.source, std::nullopt, waiver.pointer,
                 describe(waiver) + " expires in " + std::to_string(left) + " day" +
                     (left == 1 ? "" : "s"),
                 "fix the regression, or renew the waiver under review before it fails the gate"});
    }
  }
  return found;
}

namespace detail {

namespace {

// The change in the metric's bad direction (a rise of a time, a fall of a throughput).
std::optional<double> bad_change(const Decision& d) {
  if (!d.change || !std::isfinite(*d.change)) {
    return std::nullopt;
  }
  return d.direction == Direction::lower_is_better ? *d.change : -*d.change;
}

// A limit read from a file (12 -> 0.12) and a change computed from samples may differ in the
// last bits; a change this close to the limit is within it.
constexpr double k_limit_tolerance = 1e-9;

std::string limit_text(const Waiver& waiver) {
  return percent_text(waiver.max_change());
}

}  // namespace

void apply_waivers(std::vector<Decision>& decisions, GateResult& result,
                   const std::vector<Waiver>& waivers, const Date& today) {
  if (waivers.empty()) {
    return;
  }
  std::vector<NamePattern> patterns;
  patterns.reserve(waivers.size());
  for (const Waiver& waiver : waivers) {
    // The readers compiled every pattern: one that does not compile is a broken invariant.
    patterns.push_back(NamePattern::compile(waiver.benchmark).value());
  }
  // Per waiver: how many decisions it matched, and what it did to them.
  struct Tally {
    std::size_t matched = 0;
    std::map<WaiverStatus, std::size_t> statuses;
  };
  std::vector<Tally> tallies(waivers.size());
  const std::size_t decided = decisions.size();
  for (std::size_t i = 0; i < decided; ++i) {
    Decision& d = decisions[i];
    if (d.metric.empty()) {
      continue;
    }
    std::size_t index = 0;
    while (index < waivers.size() &&
           !(waivers[index].metric == d.metric && patterns[index].full_match(d.benchmark))) {
      ++index;
    }
    if (index == waivers.size()) {
      continue;
    }
    const Waiver& waiver = waivers[index];
    Tally& tally = tallies[index];
    ++tally.matched;
    std::optional<WaiverStatus> status;
    if (today > waiver.expires) {
      status = WaiverStatus::expired;
      add_note(d, describe(waiver) + " expired and no longer applies");
    } else if (d.verdict == Verdict::fail) {
      const auto bad = bad_change(d);
      if (bad && *bad <= waiver.max_change() + k_limit_tolerance) {
        status = WaiverStatus::in_force;
        d.verdict = Verdict::waived;
        add_note(d, "waived: the change " + percent_text(*bad) + " is within the " +
                        limit_text(waiver) + " that " + describe(waiver) +
                        " allows; reason: " + waiver.reason);
      } else {
        status = WaiverStatus::exceeded;
        add_note(d, bad ? "the change " + percent_text(*bad) + " exceeds the " +
                              limit_text(waiver) + " that " + describe(waiver) +
                              " allows: the waiver's limit was exceeded, so it still fails"
                        : describe(waiver) +
                              " cannot apply: there is no change against a baseline to hold to "
                              "its limit, so it still fails");
      }
    } else if ((d.verdict == Verdict::pass || d.verdict == Verdict::warn ||
                d.verdict == Verdict::improved) &&
               !d.undecided) {
      status = WaiverStatus::ready_to_retire;
      add_note(d, describe(waiver) + " is ready to retire: this passes without it");
    }
    if (status) {
      d.waiver = WaiverUse{waiver, *status};
      ++tally.statuses[*status];
    }
  }

  for (std::size_t index = 0; index < waivers.size(); ++index) {
    const Waiver& waiver = waivers[index];
    const Tally& tally = tallies[index];
    if (tally.matched == 0) {
      continue;  // another gate's waiver
    }
    const auto count = [&](WaiverStatus status) {
      const auto it = tally.statuses.find(status);
      return it == tally.statuses.end() ? std::size_t{0} : it->second;
    };
    WaiverStatus status = WaiverStatus::in_force;
    if (today > waiver.expires) {
      status = WaiverStatus::expired;
    } else if (count(WaiverStatus::exceeded) > 0) {
      status = WaiverStatus::exceeded;
    } else if (count(WaiverStatus::in_force) == 0 &&
               count(WaiverStatus::ready_to_retire) == tally.matched) {
      status = WaiverStatus::ready_to_retire;
    }
    result.waivers.push_back(WaiverUse{waiver, status});
    if (status == WaiverStatus::expired) {
      // The gate fails, in a decision of its own that names the waiver: an expired waiver is
      // renewed under review or removed, never left to lapse in silence.
      Decision& d = decisions.emplace_back();
      d.benchmark = waiver.benchmark;
      d.verdict = Verdict::fail;
      d.waiver = WaiverUse{waiver, status};
      d.note = describe(waiver) + " expired on " + waiver.expires.text() + " (today is " +
               today.text() + ") and matches " + std::to_string(tally.matched) +
               " decision(s) of this gate: renew it under review (a new \"created\" and "
               "\"expires\") or remove it from " +
               waiver.source;
    } else if (status == WaiverStatus::ready_to_retire) {
      result.notes.push_back(Diagnostic{
          Severity::warning, waiver.source, std::nullopt, waiver.pointer,
          describe(waiver) + " is ready to retire: every decision it matches passes without it",
          "remove it under review"});
    }
  }
}

}  // namespace detail

}  // namespace perfgate
