// Reader for waiver files ("perfgate.waivers/1") and for the "waivers" array of a policy
// (docs/waivers.md). Every problem names the file, the JSON pointer and what was expected.
#include <perfgate/model.hpp>
#include <perfgate/pattern.hpp>
#include <perfgate/waiver.hpp>

#include "json_support.hpp"
#include "waiver_reader.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <set>
#include <string>
#include <utility>

namespace perfgate {

namespace {

namespace json = boost::json;

// The largest max_change_pct a waiver may allow: beyond a tenfold slowdown a waiver is not
// tracking a regression, it is switching the gate off.
constexpr double k_max_change_pct_limit = 1000;

class WaiverReader : detail::ReaderBase {
 public:
  WaiverReader(const std::string& source, Diagnostics& diagnostics, int max_days,
               std::string max_days_origin)
      : ReaderBase(source, diagnostics),
        m_max_days(max_days),
        m_max_days_origin(std::move(max_days_origin)) {}

  std::vector<Waiver> read_list(const json::value& value, const std::string& pointer) {
    std::vector<Waiver> waivers;
    if (!value.is_array()) {
      error(pointer, "expected an array of waivers, got " + detail::describe(value),
            "see docs/waivers.md");
      return waivers;
    }
    std::set<std::pair<std::string, std::string>> seen;
    std::size_t index = 0;
    for (const auto& item : value.get_array()) {
      const std::string at = detail::pointer_append(pointer, index++);
      if (!item.is_object()) {
        error(at, "expected a waiver object, got " + detail::describe(item));
        continue;
      }
      if (auto waiver = read_waiver(item.get_object(), at)) {
        if (!seen.emplace(waiver->benchmark, waiver->metric).second) {
          error(at,
                "benchmark \"" + waiver->benchmark + "\" and metric \"" + waiver->metric +
                    "\" are waived twice",
                "keep one waiver per benchmark pattern and metric");
        }
        waivers.push_back(std::move(*waiver));
      }
    }
    return waivers;
  }

 private:
  std::optional<Waiver> read_waiver(const json::object& object, const std::string& pointer) {
    detail::check_keys(object,
                       {"benchmark", "metric", "max_change_pct", "owner", "reason", "tracking",
                        "created", "expires"},
                       m_source, pointer, m_diagnostics);
    const std::size_t errors_before = m_diagnostics.error_count();
    Waiver waiver;
    waiver.source = m_source;
    waiver.pointer = pointer;
    waiver.benchmark = string_member(object, pointer, "benchmark", true);
    if (!waiver.benchmark.empty()) {
      if (const auto pattern = NamePattern::compile(waiver.benchmark); !pattern) {
        const Diagnostic why = pattern.error().items().front();  // error() is a copy
        error(pointer + "/benchmark", why.message, why.hint);
      }
    }
    waiver.metric = string_member(object, pointer, "metric", true);
    if (!waiver.metric.empty() && !metric_traits(waiver.metric).known) {
      const std::vector<std::string_view> names = builtin_metrics();
      const auto match = detail::closest_match(waiver.metric, names);
      error(pointer + "/metric", "unknown metric \"" + waiver.metric + "\"",
            match ? "did you mean \"" + *match + "\"? (user counters are \"counter:<name>\")"
                  : "a metric a policy rule can name, or \"counter:<name>\"");
    }
    read_max_change(object, pointer, waiver);
    waiver.owner = string_member(object, pointer, "owner", true);
    waiver.reason = string_member(object, pointer, "reason", true);
    waiver.tracking = string_member(object, pointer, "tracking", true);
    const auto created = date_member(object, pointer, "created");
    const auto expires = date_member(object, pointer, "expires");
    if (created && expires) {
      waiver.created = *created;
      waiver.expires = *expires;
      const long span = expires->days() - created->days();
      if (span < 0) {
        error(pointer + "/expires",
              "expires " + expires->text() + " before it was created (" + created->text() + ")");
      } else if (span > m_max_days) {
        error(pointer + "/expires",
              "runs " + std::to_string(span) + " days (" + created->text() + " to " +
                  expires->text() + "), more than the " + std::to_string(m_max_days) +
                  " days a waiver may run (" + m_max_days_origin + ")",
              "a waiver is short by design: renew it under review with a new \"created\" and "
              "an \"expires\" at most " +
                  std::to_string(m_max_days) + " days later, or fix the regression");
      }
    }
    if (m_diagnostics.error_count() != errors_before) {
      return std::nullopt;
    }
    return waiver;
  }

  void read_max_change(const json::object& object, const std::string& pointer, Waiver& waiver) {
    const auto* value = object.if_contains("max_change_pct");
    const std::string at = pointer + "/max_change_pct";
    if (value == nullptr) {
      error(pointer, "missing \"max_change_pct\"",
            "the largest change allowed, in per cent in the metric's bad direction, e.g. 12");
      return;
    }
    const auto number = value->is_string() ? std::nullopt : detail::number_of(*value);
    if (!number || !std::isfinite(*number)) {
      error(at, "expected a number of per cent (12 for 12%), got " + detail::describe(*value),
            "a plain number in the metric's bad direction: 12, not \"+12%\"");
      return;
    }
    if (*number <= 0 || *number > k_max_change_pct_limit) {
      error(at, "expected more than 0 and at most 1000 per cent, got " + detail::describe(*value));
      return;
    }
    waiver.max_change_pct = *number;
  }

  std::optional<Date> date_member(const json::object& object, const std::string& pointer,
                                  const char* key) {
    if (!object.contains(key)) {
      error(pointer, std::string("missing \"") + key + "\": expected a date YYYY-MM-DD",
            "every waiver has a \"created\" and an \"expires\" date (docs/waivers.md)");
      return std::nullopt;
    }
    const std::string text = string_member(object, pointer, key, true);
    if (text.empty()) {
      return std::nullopt;  // string_member said why
    }
    auto date = Date::parse(text);
    if (!date) {
      error(detail::pointer_append(pointer, key),
            "expected a date YYYY-MM-DD, got \"" + text + "\"", "e.g. \"2026-12-31\"");
    }
    return date;
  }

  int m_max_days;
  std::string m_max_days_origin;
};

}  // namespace

namespace detail {

std::vector<Waiver> read_waiver_list(const json::value& value, const std::string& source,
                                     const std::string& pointer, int max_days,
                                     const std::string& max_days_origin, Diagnostics& diagnostics) {
  return WaiverReader(source, diagnostics, max_days, max_days_origin).read_list(value, pointer);
}

}  // namespace detail

Result<std::vector<Waiver>> parse_waivers(std::string_view text, const std::string& source,
                                          int max_days) {
  const std::string origin =
      max_days == k_default_waiver_max_days ? "the default" : "the policy's waiver_max_days";
  return detail::read_document<std::vector<Waiver>>(
      text, {"perfgate.waivers", 1, "a waiver file object", "see docs/waivers.md"}, source,
      [&](const json::object& root, Diagnostics& diagnostics) {
        detail::check_keys(root, {"schema", "waivers"}, source, "", diagnostics);
        const auto* list = root.if_contains("waivers");
        if (list == nullptr) {
          diagnostics.error(source, "", "missing \"waivers\": expected an array of waivers",
                            "an empty array is fine: {\"schema\": \"perfgate.waivers/1\", "
                            "\"waivers\": []}");
          return std::vector<Waiver>{};
        }
        return detail::read_waiver_list(*list, source, "/waivers", max_days, origin, diagnostics);
      });
}

bool is_waiver_file(std::string_view text) {
  Diagnostics ignored;
  const auto root = detail::parse_json_object(text, "an object", {}, "", ignored);
  if (!root) {
    return false;
  }
  const auto* schema = root->if_contains("schema");
  return schema != nullptr && schema->is_string() &&
         schema->get_string().subview().substr(0, 17) == "perfgate.waivers/";
}

}  // namespace perfgate
