// The identity of a history series (history.hpp): the key its entries share and how it is named.
#include <perfgate/history.hpp>

namespace perfgate {

SeriesKey series_key(const HistoryEntry& entry) {
  return SeriesKey{entry.suite, entry.benchmark, entry.metric,
                   entry.rule,  entry.lane,      entry.runner_class};
}

// "example/BM_Sort/real_time (time, wall-time, <class>)": empty parts left out.
std::string to_string(const SeriesKey& key) {
  std::string text = key.suite.empty() ? std::string() : key.suite + "/";
  text += key.benchmark + "/" + key.metric;
  std::string context;
  for (const std::string* part : {&key.rule, &key.lane, &key.runner_class}) {
    if (!part->empty()) {
      context += (context.empty() ? "" : ", ") + *part;
    }
  }
  if (!context.empty()) {
    text += " (" + context + ")";
  }
  return text;
}

}  // namespace perfgate
