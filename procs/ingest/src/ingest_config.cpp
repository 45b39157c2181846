#include "ingest/ingest_config.h"

#include <charconv>

namespace rrr::ingest {
namespace {

class ConfigReader {
 public:
  explicit ConfigReader(std::string where) : where_(std::move(where)) {}

  std::string at(const YAML::Node& node, const std::string& key) const {
    return where_ + ":" + std::to_string(node.Mark().line + 1) + ": settings." + key;
  }

  template <class T>
  Result<T, std::string> value(const YAML::Node& node, const std::string& key, T fallback) const {
    if (!node) return fallback;
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      return makeError(at(node, key) + " has the wrong type");
    }
  }

 private:
  std::string where_;
};

Result<std::int64_t, std::string> intervalOf(const ConfigReader& reader, const YAML::Node& node, const std::string& key) {
  if (!node) return std::int64_t{60};
  const auto seconds = node.IsScalar() ? parseIntervalSeconds(node.Scalar()) : std::nullopt;
  if (!seconds) return makeError(reader.at(node, key) + ": '" + (node.IsScalar() ? node.Scalar() : "?") + "' is not an interval (1m, 5m, 1h, 1d, or seconds)");
  return *seconds;
}

Result<SyntheticParams, std::string> syntheticOf(const ConfigReader& reader, const YAML::Node& node) {
  SyntheticParams params;
  if (!node) return params;
  RRR_ASSIGN_OR_RETURN(params.symbols, reader.value(node["symbols"], "synthetic.symbols", params.symbols));
  RRR_ASSIGN_OR_RETURN(params.start_prices, reader.value(node["start_prices"], "synthetic.start_prices", params.start_prices));
  RRR_ASSIGN_OR_RETURN(params.seed, reader.value(node["seed"], "synthetic.seed", params.seed));
  RRR_ASSIGN_OR_RETURN(auto start_s, reader.value(node["start_time_s"], "synthetic.start_time_s", params.start_time_ns / 1'000'000'000));
  if (start_s < 0 || start_s >= kLatestTimeNs / 1'000'000'000) {
    return makeError(reader.at(node["start_time_s"], "synthetic.start_time_s") + " must be a Unix time from 1970 to 2100");
  }
  params.start_time_ns = start_s * 1'000'000'000;
  const std::pair<const char*, double*> numbers[] = {
      {"correlation", &params.correlation},     {"minute_volatility", &params.minute_volatility},
      {"garch_alpha", &params.garch_alpha},     {"garch_beta", &params.garch_beta},
      {"trend_drift", &params.trend_drift},     {"trend_minutes", &params.trend_minutes},
      {"jump_probability", &params.jump_probability}, {"jump_sigma", &params.jump_sigma},
      {"volume_per_minute", &params.volume_per_minute}, {"trades_per_minute", &params.trades_per_minute}};
  for (const auto& [key, target] : numbers) {
    RRR_ASSIGN_OR_RETURN(*target, reader.value(node[key], std::string("synthetic.") + key, *target));
  }
  if (params.symbols.empty()) return makeError(reader.at(node, "synthetic.symbols") + " must name at least one symbol");
  if (!params.start_prices.empty() && params.start_prices.size() != params.symbols.size()) {
    return makeError(reader.at(node, "synthetic.start_prices") + " must have one price per symbol");
  }
  if (params.correlation < 0 || params.correlation > 1 || params.garch_alpha < 0 || params.garch_beta < 0 ||
      params.garch_alpha + params.garch_beta >= 1 || params.minute_volatility <= 0 || params.trend_minutes < 1) {
    return makeError(reader.at(node, "synthetic") +
                     ": needs correlation in [0, 1], garch_alpha + garch_beta < 1, minute_volatility > 0, trend_minutes >= 1");
  }
  return params;
}

Result<ReplayFile, std::string> fileOf(const ConfigReader& reader, const YAML::Node& node, std::size_t index,
                                       const std::filesystem::path& root) {
  const std::string key = "files[" + std::to_string(index) + "]";
  if (!node.IsMap()) return makeError(reader.at(node, key) + " must be a map with path and symbol");
  ReplayFile file;
  RRR_ASSIGN_OR_RETURN(auto path, reader.value<std::string>(node["path"], key + ".path", ""));
  RRR_ASSIGN_OR_RETURN(file.symbol, reader.value<std::string>(node["symbol"], key + ".symbol", ""));
  if (path.empty() || file.symbol.empty()) return makeError(reader.at(node, key) + " needs a path and a symbol");
  file.spec.path = std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : root / path;
  RRR_ASSIGN_OR_RETURN(file.interval_s, intervalOf(reader, node["interval"], key + ".interval"));
  RRR_ASSIGN_OR_RETURN(auto format_name, reader.value<std::string>(node["format"], key + ".format", ""));
  if (format_name.empty()) {
    auto guessed = guessFormat(file.spec.path);
    if (!guessed.ok()) return makeError(reader.at(node, key) + ": " + guessed.error().message);
    file.spec.format = guessed.value();
  } else if (auto format = formatFromName(format_name)) {
    file.spec.format = *format;
  } else {
    return makeError(reader.at(node["format"], key + ".format") + ": unknown format '" + format_name +
                     "' (binance_klines, binance_aggtrades, freqtrade_candles, freqtrade_trades, csv)");
  }
  auto& csv = file.spec.csv;
  RRR_ASSIGN_OR_RETURN(csv.header, reader.value(node["header"], key + ".header", csv.header));
  RRR_ASSIGN_OR_RETURN(auto delimiter, reader.value<std::string>(node["delimiter"], key + ".delimiter", ","));
  if (delimiter.size() != 1) return makeError(reader.at(node["delimiter"], key + ".delimiter") + " must be one character");
  csv.delimiter = delimiter[0];
  RRR_ASSIGN_OR_RETURN(auto unit, reader.value<std::string>(node["time"], key + ".time", "auto"));
  const auto time_unit = timeUnitFromName(unit);
  if (!time_unit) return makeError(reader.at(node["time"], key + ".time") + ": '" + unit + "' is not auto, s, ms, us, ns or datetime");
  csv.time_unit = *time_unit;
  RRR_ASSIGN_OR_RETURN(csv.columns, reader.value(node["columns"], key + ".columns", csv.columns));
  if (file.spec.format == FileFormat::kCsv && csv.columns.empty()) {
    return makeError(reader.at(node, key) + ": a csv file needs columns (field: column name or 0-based index)");
  }
  return file;
}

Result<ValidationPolicy, std::string> policyOf(const ConfigReader& reader, const YAML::Node& node) {
  ValidationPolicy policy;
  if (!node) return policy;
  if (!node.IsMap()) return makeError(reader.at(node, "validation") + " must map rules to policies");
  for (const auto& entry : node) {
    const auto rule_name = entry.first.as<std::string>("");
    const auto rule = ruleFromConfigName(rule_name);
    const auto policy_name = entry.second.IsScalar() ? entry.second.Scalar() : "";
    const auto chosen = policyFromConfigName(policy_name);
    if (!rule) {
      return makeError(reader.at(entry.first, "validation") + ": unknown rule '" + rule_name +
                       "' (unparsable, out_of_order, duplicate, bad_price, high_below_low, outside_range, negative_volume, gap)");
    }
    if (!chosen) return makeError(reader.at(entry.second, "validation." + rule_name) + ": '" + policy_name + "' is not drop, fill_forward or halt");
    if (*chosen == RulePolicy::kFillForward && !fillsForward(*rule)) {
      return makeError(reader.at(entry.second, "validation." + rule_name) + ": a row with no usable time cannot be filled forward; use drop or halt");
    }
    policy[*rule] = *chosen;
  }
  return policy;
}

}  // namespace

std::optional<std::int64_t> parseIntervalSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 1;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3'600; break;
    case 'd': unit = 86'400; break;
    default: unit = 0;
  }
  if (unit != 0) text.remove_suffix(1);
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count <= 0 || count > 366 * 86'400) return std::nullopt;
  return count * (unit == 0 ? 1 : unit);
}

std::optional<std::map<std::string, std::string>> parseColumnList(std::string_view text) {
  std::map<std::string, std::string> columns;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto pair = text.substr(0, comma);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == pair.size()) return std::nullopt;
    columns[std::string(pair.substr(0, equals))] = std::string(pair.substr(equals + 1));
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
  }
  return columns;
}

Result<IngestConfig, std::string> loadIngestConfig(const process::ProcessSettings& settings) {
  const ConfigReader reader(settings.where());
  IngestConfig config;
  RRR_ASSIGN_OR_RETURN(auto source, reader.value<std::string>(settings.node("source"), "source", "synthetic"));
  if (source != "synthetic" && source != "replay") {
    return makeError(reader.at(settings.node("source"), "source") + ": '" + source + "' is not synthetic or replay");
  }
  config.source = source == "replay" ? IngestConfig::Source::kReplay : IngestConfig::Source::kSynthetic;
  RRR_ASSIGN_OR_RETURN(auto pace, reader.value<std::string>(settings.node("pace"), "pace", "300x"));
  const auto pacing = parsePacing(pace);
  if (!pacing) return makeError(reader.at(settings.node("pace"), "pace") + ": '" + pace + "' is not fast, realtime or <N>x");
  config.pacing = *pacing;
  RRR_ASSIGN_OR_RETURN(auto aggregate, reader.value(settings.node("aggregate"), "aggregate", std::vector<std::string>{}));
  for (const auto& text : aggregate) {
    const auto seconds = parseIntervalSeconds(text);
    if (!seconds) return makeError(reader.at(settings.node("aggregate"), "aggregate") + ": '" + text + "' is not an interval");
    config.pipeline.aggregate_s.push_back(*seconds);
  }
  RRR_ASSIGN_OR_RETURN(config.pipeline.publish_trades,
                       reader.value(settings.node("publish_trades"), "publish_trades", config.source == IngestConfig::Source::kReplay));
  RRR_ASSIGN_OR_RETURN(config.pipeline.policy, policyOf(reader, settings.node("validation")));
  RRR_ASSIGN_OR_RETURN(config.synthetic, syntheticOf(reader, settings.node("synthetic")));
  const auto files = settings.node("files");
  const auto root = std::filesystem::path(settings.where()).parent_path();
  if (files && !files.IsSequence()) return makeError(reader.at(files, "files") + " must be a list");
  for (std::size_t i = 0; files && i < files.size(); ++i) {
    RRR_ASSIGN_OR_RETURN(auto file, fileOf(reader, files[i], i, root));
    config.files.push_back(std::move(file));
  }
  if (config.source == IngestConfig::Source::kReplay && config.files.empty()) {
    return makeError(reader.at(settings.node("source"), "files") + ": a replay needs at least one file");
  }
  return config;
}

}  // namespace rrr::ingest
