// Waivers: a known regression let through, in writing, until a date (docs/waivers.md). A waiver
// names a benchmark pattern and a metric, the largest change it allows, who owns it, why, where it
// is tracked, when it was granted and when it expires. They live in a waiver file
// ("perfgate.waivers/1", e.g. gates/waivers.json) or in a policy's "waivers" array. Pure: no
// clock; the caller passes today's date in (EvaluateOptions::today).
#pragma once

#include <perfgate/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// A calendar day of the proleptic Gregorian calendar, written YYYY-MM-DD.
struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  // Exactly "YYYY-MM-DD" naming a real day (2026-02-30 is not one); nullopt otherwise.
  static std::optional<Date> parse(std::string_view text);
  // Days since 1970-01-01 (negative before it).
  [[nodiscard]] long days() const;
  [[nodiscard]] std::string text() const;  // "2026-12-07"
};

inline bool operator==(const Date& a, const Date& b) {
  return a.days() == b.days();
}
inline bool operator!=(const Date& a, const Date& b) {
  return !(a == b);
}
inline bool operator<(const Date& a, const Date& b) {
  return a.days() < b.days();
}
inline bool operator>(const Date& a, const Date& b) {
  return b < a;
}
inline bool operator<=(const Date& a, const Date& b) {
  return !(b < a);
}

// How long a waiver may run (expires - created, in days) unless the policy says otherwise
// ("waiver_max_days"), and the most a policy may allow.
inline constexpr int k_default_waiver_max_days = 30;
inline constexpr int k_waiver_max_days_limit = 90;

struct Waiver {
  std::string benchmark;  // NamePattern (RE2, whole name), as a policy rule's "benchmarks"
  std::string metric;     // exact metric name, as a policy rule's "metric"
  // The largest change allowed, in per cent in the metric's bad direction, as written (12 = 12%).
  double max_change_pct = 0;
  [[nodiscard]] double max_change() const { return max_change_pct / 100.0; }
  std::string owner;
  std::string reason;
  std::string tracking;  // a link or a ticket id
  Date created;
  Date expires;         // in force up to and including this day
  std::string source;   // the file it was read from
  std::string pointer;  // where in it: "/waivers/2"
};

// What a waiver did in one gate:
//   in_force         it let a failing decision through (waived)
//   exceeded         a decision it matches changed beyond its max_change: it still fails
//   expired          today is after its expiry date: the gate fails until it is renewed or removed
//   ready_to_retire  every decision it matches passes without it (a warning)
enum class WaiverStatus { in_force, exceeded, expired, ready_to_retire };
std::string_view to_string(WaiverStatus status);  // "in_force", "exceeded", ...

struct WaiverUse {
  Waiver waiver;
  WaiverStatus status = WaiverStatus::in_force;
};

// "waiver 'BM_Sort.*' real_time (owner alice, expires 2026-12-31, tracking PERF-12)"
std::string describe(const Waiver& waiver);

// A waiver file ("perfgate.waivers/1": {"schema", "waivers": [...]}). `max_days` is the longest a
// waiver may run (the policy's waiver_max_days). Every problem is reported with the file, the
// JSON pointer and what was expected.
Result<std::vector<Waiver>> parse_waivers(std::string_view text, const std::string& source,
                                          int max_days = k_default_waiver_max_days);

// True when `text` is a JSON object whose "schema" names a waiver file ("perfgate.waivers/<n>"):
// what `perfgate policy check` uses to tell a waiver file from a policy.
bool is_waiver_file(std::string_view text);

// What `perfgate policy check` says about waivers on `today`: an error for each expired one (it
// would fail every gate it matches), a warning for one created after today or expiring within a
// week.
Diagnostics check_waivers(const std::vector<Waiver>& waivers, const Date& today);

}  // namespace perfgate
