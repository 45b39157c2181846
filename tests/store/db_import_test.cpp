// rrr-db import: real files from ../shared/data, malformed rows of each kind, idempotence.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../supervisor/rrr_system.h"
#include "common/fixed_point.h"
#include "store/sqlite.h"
#include "support/shared_data.h"

namespace rrr::testing {
namespace {

const char* kMinimalConfig = "paths: {root: \".\"}\nprocesses:\n  store: {binary: rrr-store}\n";

std::vector<std::int64_t> storedRow(const std::filesystem::path& shard, const std::string& order) {
  auto db = store::Database::openReadOnly(shard).value();
  auto select = db.prepare("SELECT open_time_ns, open_e8, high_e8, low_e8, close_e8, volume_e8, count(*) OVER () FROM market_data "
                           "ORDER BY open_time_ns " + order + " LIMIT 1").value();
  if (!select.step().value()) return {};
  std::vector<std::int64_t> row;
  for (int i = 0; i < 7; ++i) row.push_back(select.columnInt(i));
  return row;
}

TEST(DbImport, FreqtradeCandlesAreImportedExactlyAndASecondImportAddsNothing) {
  RRR_REQUIRE_SHARED_DATA();
  const auto file = sharedData() / "ohlcv" / "freqtrade" / "json" / "UNITTEST_BTC-1m.json";
  std::ifstream in(file);
  const auto candles = nlohmann::json::parse(in);
  RrrSystem sut(kMinimalConfig);
  const auto first = sut.db({"import", file.string(), "--symbol", "UNITTEST/BTC"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto count = std::to_string(candles.size());
  EXPECT_NE(first.output.find(count + " rows, " + count + " accepted; gaps 538; " + count + " bars made"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find(count + " bars of UNITTEST/BTC: " + count + " new, 0 already present"), std::string::npos) << first.output;
  const auto shard = sut.root() / "data" / "db" / "market_data_2017_11.db";
  for (const auto& [order, candle] : {std::pair{"ASC", candles.front()}, std::pair{"DESC", candles.back()}}) {
    const auto row = storedRow(shard, order);
    ASSERT_EQ(row.size(), 7u);
    EXPECT_EQ(row[0], candle[0].get<std::int64_t>() * 1'000'000);
    for (int k = 1; k <= 5; ++k) EXPECT_EQ(row[k], toFixed(candle[k].get<double>())) << "field " << k;
    EXPECT_EQ(row[6], static_cast<std::int64_t>(candles.size()));
  }
  const auto again = sut.db({"import", file.string(), "--symbol", "UNITTEST/BTC"});
  EXPECT_NE(again.output.find("0 new, " + count + " already present"), std::string::npos) << again.output;
}

TEST(DbImport, BinanceKlinesAreImportedWithQuoteVolumeAndTrades) {
  RRR_REQUIRE_SHARED_DATA();
  const auto file = sharedData() / "ohlcv" / "nautilus_trader" / "ADABTC-1m-2021-11-27.csv";
  RrrSystem sut(kMinimalConfig);
  const auto result = sut.db({"import", file.string(), "--symbol", "ADABTC"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto rows = sut.db({"query", "SELECT open_time_ns, open_e8, close_e8, quote_volume_e8, trade_count FROM market_data "
                                     "ORDER BY open_time_ns LIMIT 1", "--db", "market_data_2021_11", "--format", "csv"});
  // 1637971200000,0.00002853,0.00002854,0.00002851,0.00002854,36304.2,1637971259999,1.03547608,79,...
  EXPECT_NE(rows.output.find("1637971200000000000,2853,2854,103547608,79"), std::string::npos) << rows.output;
}

TEST(DbImport, EachKindOfBadRowIsDroppedCountedAndNamedByFileAndLine) {
  RrrSystem sut(kMinimalConfig);
  const auto file = sut.root() / "bad.csv";
  std::ofstream(file) << "open_time,open,high,low,close,volume\n"
                         "1704067200000,10,11,9,10.5,1\n"        // 2 good
                         "1704067260000,10,11,9,abc,1\n"         // 3 unparsable
                         "1704067260000,10,11,9,10.5,1\n"        // 4 good
                         "1704067200000,10,11,9,10.5,1\n"        // 5 out of order
                         "1704067260000,10,11,9,10.5,1\n"        // 6 duplicate
                         "1704067320000,0,11,9,10.5,1\n"         // 7 non-positive price
                         "1704067320000,10,9,11,10,1\n"          // 8 high below low
                         "1704067320000,12,11,9,10.5,1\n"        // 9 open outside range
                         "1704067320000,10,11,9,10.5,-1\n"       // 10 negative volume
                         "1704067440000,10,11,9,10.5,1\n"        // 11 good, after a one-bar gap
                         "only,three,fields\n";                  // 12 unparsable
  const auto result = sut.db({"import", file.string(), "--symbol", "TEST"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("11 rows, 3 accepted; dropped: unparsable 2, out of order 1, duplicate 1, non-positive or NaN price 1, "
                               "high below low 1, open or close outside [low, high] 1, negative volume 1; gaps 1; 3 bars made"),
            std::string::npos)
      << result.output;
  for (int line : {3, 5, 6, 7, 8, 9, 10, 12}) {
    EXPECT_NE(result.output.find(file.string() + ":" + std::to_string(line) + ": dropped"), std::string::npos) << line;
  }
}

TEST(DbImport, TradesAreAggregatedIntoExactlyTheReferenceBars) {
  RRR_REQUIRE_SHARED_DATA();
  RrrSystem sut(kMinimalConfig);
  const auto trades = sharedData() / "ohlcv" / "freqtrade" / "trades" / "XRP_ETH-trades.json.gz";
  const auto result = sut.db({"import", trades.string(), "--symbol", "XRP/ETH"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("12477 trades; 2469 bars made"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("2469 bars of XRP/ETH: 2469 new"), std::string::npos) << result.output;
  const auto stored = sut.db({"export", "market_data", "--db", "market_data_2019_10"});
  std::ifstream reference(sharedData() / "ohlcv" / "freqtrade" / "derived" / "XRP_ETH-1m_from_feather.csv");
  std::string expected_line;
  std::getline(reference, expected_line);
  std::istringstream lines(stored.output);
  std::string line;
  std::getline(lines, line);  // header
  int compared = 0;
  while (std::getline(reference, expected_line) && std::getline(lines, line)) {
    // symbol,interval_s,open_time_ns,open_e8,high_e8,low_e8,close_e8,volume_e8,...
    std::vector<std::string> got, want;
    for (std::stringstream split(line); std::getline(split, got.emplace_back(), ',');) {}
    for (std::stringstream split(expected_line); std::getline(split, want.emplace_back(), ',');) {}
    ASSERT_EQ(std::stoll(got[2]), std::stoll(want[0]) * 1'000'000) << compared;
    for (int k = 0; k < 5; ++k) ASSERT_EQ(std::stoll(got[3 + k]), parseFixed(want[1 + k]).value()) << compared << " field " << k;
    ++compared;
  }
  EXPECT_EQ(compared, 2469);
}

TEST(DbImport, IsRefusedWhileRrrRuns) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto file = sut.root() / "one.csv";
  std::ofstream(file) << "1704067200000,10,11,9,10.5,1\n";
  const auto result = sut.db({"import", file.string(), "--symbol", "TEST"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("rrr is running"), std::string::npos) << result.output;
}

TEST(DbImport, UnreadableJsonIsAClearErrorAndOtherFilesStillImport) {
  RrrSystem sut(kMinimalConfig);
  std::ofstream(sut.root() / "broken.json") << "[[1704067200000, 10, 11, 9";
  std::ofstream(sut.root() / "good.csv") << "1704067200000,10,11,9,10.5,1\n";
  const auto result = sut.db({"import", (sut.root() / "broken.json").string(), (sut.root() / "good.csv").string(), "--symbol", "T"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("broken.json: not a JSON array of candles"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("good.csv): 1 rows, 1 accepted; 1 bars made"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("good.csv: 1 bars of T: 1 new"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace rrr::testing
