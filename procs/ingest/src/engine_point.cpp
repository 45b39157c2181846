#include "ingest/engine_point.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace rrr::ingest {

using nlohmann::json;

std::optional<std::int64_t> EnginePoint::resumeAfter(const std::string& symbol, std::int64_t interval_s) const {
  const auto bar = last_bar_close.find(symbol + "/" + std::to_string(interval_s));
  if (bar == last_bar_close.end()) return std::nullopt;
  const auto prediction = last_prediction.find(symbol);
  if (prediction == last_prediction.end()) return bar->second;
  // The engine takes a bar's prediction before the next bar of that series (engine_agent.h), so a
  // prediction it still waits for is of its last bar: the prediction before it is one interval
  // earlier, on the series' grid. Other series of the symbol (aggregates) make no predictions.
  const std::int64_t interval_ns = interval_s * 1'000'000'000;
  const bool of_this_series = prediction->second % interval_ns == 0 && prediction->second < bar->second &&
                              prediction->second >= bar->second - interval_ns;
  return of_this_series ? prediction->second : bar->second;
}

Result<std::optional<EnginePoint>, std::string> readEnginePoint(const std::filesystem::path& checkpoint) {
  std::error_code missing;
  if (!std::filesystem::exists(checkpoint, missing)) return std::optional<EnginePoint>();
  std::ifstream in(checkpoint);
  if (!in) return makeError("cannot read " + checkpoint.string());
  const auto document = json::parse(in, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return makeError(checkpoint.string() + ": not a JSON object");
  try {
    const auto& core = document.at("core");
    EnginePoint point;
    point.last_bar_close = core.at("last_bar_close").get<std::map<std::string, std::int64_t>>();
    if (core.contains("last_prediction")) point.last_prediction = core.at("last_prediction").get<std::map<std::string, std::int64_t>>();
    return std::optional<EnginePoint>(std::move(point));
  } catch (const json::exception& error) {
    return makeError(checkpoint.string() + ": " + error.what());
  }
}

}  // namespace rrr::ingest
