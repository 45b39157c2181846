// The indicators against published reference values (../shared/data/indicators): TA-Lib 0.4's
// regression tables (abs error < 0.01) and Tulip Indicators' test cases (abs error <= 0.001),
// each with its library's seeding convention. Every expected point of an indicator this library
// offers is checked, and so is where the first value appears.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "features/indicator_spec.h"
#include "support/shared_data.h"

namespace rrr::features {
namespace {

using rrr::testing::sharedData;

// Splits one CSV line; fields may be quoted with "" for a quote.
std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// Rows of a CSV file as column -> text.
std::vector<std::map<std::string, std::string>> csvRows(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const auto header = csvFields(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto fields = csvFields(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<Ohlcv> talibBars() {
  std::vector<Ohlcv> bars;
  for (const auto& row : csvRows(sharedData() / "indicators/talib_regtest/talib_reference_252bars.csv")) {
    bars.push_back({std::stoll(row.at("index")), std::stod(row.at("open")), std::stod(row.at("high")), std::stod(row.at("low")),
                    std::stod(row.at("close")), std::stod(row.at("volume"))});
  }
  return bars;
}

struct TalibCase {
  std::string spec;     // ours
  std::size_t lookback; // TA-Lib's, for where its computation starts
  std::map<std::string, std::string> columns;   // TA-Lib output -> our column
};

std::string number(const nlohmann::json& value) {
  std::ostringstream out;
  out << value.get<double>();
  return out.str();
}

// The TA-Lib function of a table row as one of ours, or nothing if this library does not offer
// it (other moving averages, MACDEXT/MACDFIX, Metastock compatibility, EMA-middled bands, ...).
std::optional<TalibCase> ourCase(const std::map<std::string, std::string>& row) {
  const auto params = nlohmann::json::parse(row.at("params_json"));
  const auto& function = row.at("function");
  const std::size_t unstable = std::stoul(row.at("unstablePeriod"));
  const bool metastock = row.at("compatibility") == "TA_COMPATIBILITY_METASTOCK";
  const std::string matype = params.value("matype", "");
  const std::map<std::string, std::string> real{{"real", ""}};
  if (function == "MA" && matype == "TA_MAType_SMA") {
    const auto p = params["timeperiod"].get<std::size_t>();
    return TalibCase{"sma:" + std::to_string(p), p - 1, real};
  }
  if (metastock) return std::nullopt;
  if (function == "MA" && matype == "TA_MAType_EMA") {
    const auto p = params["timeperiod"].get<std::size_t>();
    return TalibCase{"ema:" + std::to_string(p), p - 1 + unstable, real};
  }
  if (function == "RSI") {
    const auto p = params["timeperiod"].get<std::size_t>();
    return TalibCase{"rsi:" + std::to_string(p), p + unstable, real};
  }
  if (function == "ATR") {
    const auto p = params["timeperiod"].get<std::size_t>();
    return TalibCase{"atr:" + std::to_string(p), p + unstable, real};
  }
  if (function == "NATR") {
    const auto p = params["period1"].get<std::size_t>();
    return TalibCase{"natr:" + std::to_string(p), p + unstable, real};
  }
  if (function == "TRANGE") return TalibCase{"tr", 1, real};
  if (function == "STDDEV") {
    const auto p = params["timeperiod"].get<std::size_t>();
    return TalibCase{"stddev:" + std::to_string(p) + "," + number(params["nbdev"]), p - 1, real};
  }
  if (function == "BBANDS" && matype == "TA_MAType_SMA") {
    const auto p = params["timeperiod"].get<std::size_t>();
    return TalibCase{"bbands:" + std::to_string(p) + "," + number(params["nbdevup"]) + "," + number(params["nbdevdn"]), p - 1,
                     {{"lowerband", "bbands_lower"}, {"middleband", "bbands_middle"}, {"upperband", "bbands_upper"}}};
  }
  if (function == "MACD") {
    const auto fast = params["fastperiod"].get<std::size_t>();
    const auto slow = params["slowperiod"].get<std::size_t>();
    const auto signal = params["signalperiod"].get<std::size_t>();
    return TalibCase{"macd:" + std::to_string(fast) + "," + std::to_string(slow) + "," + std::to_string(signal),
                     std::max(fast, slow) - 1 + signal - 1,
                     {{"macd", "macd"}, {"macdsignal", "macd_signal"}, {"macdhist", "macd_hist"}}};
  }
  return std::nullopt;
}

// Runs spec over bars[start, ...] and returns each column's series (indexed by bar).
std::map<std::string, std::vector<std::optional<double>>> seriesOf(const std::string& text, Convention convention,
                                                                   const std::vector<Ohlcv>& bars, std::size_t start = 0) {
  auto spec = IndicatorSpec::parse(text, convention);
  EXPECT_TRUE(spec.ok()) << spec.error().message;
  std::map<std::string, std::vector<std::optional<double>>> series;
  for (const auto& column : spec->columns()) series[column].assign(bars.size(), std::nullopt);
  for (std::size_t i = start; i < bars.size(); ++i) {
    const auto values = spec->update(bars[i]);
    for (std::size_t c = 0; c < values.size(); ++c) series[spec->columns()[c]][i] = values[c];
  }
  return series;
}

TEST(IndicatorReference, TaLibRegressionTablesWithin001) {
  RRR_REQUIRE_SHARED_DATA();
  const auto bars = talibBars();
  ASSERT_EQ(bars.size(), 252u);
  std::map<std::string, int> checked;
  for (const auto& row : csvRows(sharedData() / "indicators/talib_regtest/talib_expected_points.csv")) {
    const auto ours = ourCase(row);
    if (!ours) continue;
    // TA-Lib starts computing at startIdx - lookback when the caller asks for a later start.
    const std::size_t start_idx = std::stoul(row.at("startIdx"));
    const std::size_t start = start_idx > ours->lookback ? start_idx - ours->lookback : 0;
    const auto series = seriesOf(ours->spec, Convention::kTaLib, bars, start);
    const auto& column = ours->columns.at(row.at("output"));
    const auto& values = series.at(column.empty() ? ours->spec : column);
    const std::size_t bar = std::stoul(row.at("input_bar_index"));
    const double expected = std::stod(row.at("expected_value"));
    ASSERT_TRUE(values.at(bar).has_value()) << ours->spec << " has no value at bar " << bar;
    EXPECT_LT(std::fabs(*values.at(bar) - expected), 0.01)
        << ours->spec << " (" << row.at("source_table") << " " << row.at("params_json") << ", start " << start_idx << ") at bar " << bar;
    // The first output is where TA-Lib's is (outBegIdx), when computing from bar 0.
    if (start == 0 && start_idx <= ours->lookback && std::stoul(row.at("unstablePeriod")) == 0) {
      const std::size_t first = std::stoul(row.at("expectedBegIdx"));
      EXPECT_TRUE(values.at(first).has_value()) << ours->spec << " at its first bar " << first;
      if (first > 0) {
        EXPECT_FALSE(values.at(first - 1).has_value()) << ours->spec << " before its first bar " << first;
      }
    }
    ++checked[row.at("function")];
  }
  for (const char* function : {"MA", "RSI", "ATR", "NATR", "TRANGE", "STDDEV", "BBANDS", "MACD"}) {
    EXPECT_GT(checked[function], 0) << function << " was never checked";
  }
  int total = 0;
  for (const auto& [function, count] : checked) total += count;
  EXPECT_EQ(total, 78) << "points of the TA-Lib tables this library can be checked on";
}

// Tulip's case files are <indicator>_untest_<options>.csv: index, inputs, expected_<output>...,
// blank before the first output.
TEST(IndicatorReference, TulipCasesWithin0001) {
  RRR_REQUIRE_SHARED_DATA();
  const std::map<std::string, std::string> ours{{"sma", "sma:"}, {"ema", "ema:"}, {"wilders", "wilders:"}, {"rsi", "rsi:"},
                                                {"stddev", "stddev:"}, {"tr", "tr"}, {"atr", "atr:"}, {"natr", "natr:"},
                                                {"macd", "macd:"}, {"bbands", "bbands:"}};
  const std::map<std::string, std::string> column_of{{"expected_macd", "macd"}, {"expected_macd_signal", "macd_signal"},
                                                     {"expected_macd_histogram", "macd_hist"}, {"expected_bbands_lower", "bbands_lower"},
                                                     {"expected_bbands_middle", "bbands_middle"}, {"expected_bbands_upper", "bbands_upper"}};
  int files = 0, points = 0;
  for (const auto& entry : std::filesystem::directory_iterator(sharedData() / "indicators/tulipindicators/csv")) {
    const auto stem = entry.path().stem().string();   // e.g. macd_untest_2_5_9
    const auto at = stem.find("_untest");
    const auto name = stem.substr(0, at);
    if (!ours.contains(name)) continue;
    std::string options = stem.substr(at + 7);
    if (!options.empty() && options[0] == '_') options = options.substr(1);
    std::replace(options.begin(), options.end(), '_', ',');
    const std::string spec = ours.at(name) + options;
    const auto rows = csvRows(entry.path());
    std::vector<Ohlcv> bars;
    for (const auto& row : rows) {
      const double real = row.contains("real") ? std::stod(row.at("real")) : std::stod(row.at("close"));
      bars.push_back({0, real, row.contains("high") ? std::stod(row.at("high")) : real, row.contains("low") ? std::stod(row.at("low")) : real,
                      real, 0});
    }
    const auto series = seriesOf(spec, Convention::kTulip, bars);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (const auto& [field, text] : rows[i]) {
        if (field.rfind("expected_", 0) != 0) continue;
        const auto column = column_of.contains(field) ? column_of.at(field) : spec;
        const auto& value = series.at(column)[i];
        if (text.empty()) {
          EXPECT_FALSE(value.has_value()) << spec << " " << field << " has a value at " << i << " before Tulip's first output";
          continue;
        }
        ASSERT_TRUE(value.has_value()) << spec << " " << field << " has no value at " << i;
        EXPECT_LE(std::fabs(*value - std::stod(text)), 0.001 + 1e-12) << spec << " " << field << " at " << i;
        ++points;
      }
    }
    ++files;
  }
  EXPECT_EQ(files, 10);
  EXPECT_GE(points, 100);
  RecordProperty("tulip_points", points);
}

TEST(IndicatorSpec, BadSpecsAreErrorsThatNameThem) {
  for (const char* bad : {"rsi", "rsi:0", "rsi:x", "macd:12,26", "bbands:", "frobnicate:3", "tr:5", "sma:2.5"}) {
    const auto spec = IndicatorSpec::parse(bad, Convention::kTaLib);
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_NE(spec.error().message.find(bad), std::string::npos) << spec.error().message;
  }
}

}  // namespace
}  // namespace rrr::features
