// Validation policies on real files with real gaps, and bytes that are no file at all.
#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <fstream>
#include <random>
#include <tuple>

#include "ingest/bar_validation.h"
#include "ingest/ingest_pipeline.h"
#include "ingest/market_file.h"
#include "support/file_text.h"
#include "support/shared_data.h"
#include "support/unique_name.h"

namespace rrr::ingest {
namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

Result<std::vector<OhlcvRow>, ReadError> readBars(const std::filesystem::path& path, FileFormat format) {
  RRR_ASSIGN_OR_RETURN(auto file, readMarketFile({path, format}));
  return std::move(file.bars);
}

std::vector<OhlcvRow> unittestBtc1m() {
  return readBars(rrr::testing::sharedData() / "ohlcv/freqtrade/json/UNITTEST_BTC-1m.json", FileFormat::kFreqtradeCandles).value();
}

TEST(BarValidation, FillForwardMakesTheRealGapsOfUnittestBtcContinuous) {
  RRR_REQUIRE_SHARED_DATA();
  const auto rows = unittestBtc1m();
  ValidationPolicy policy;
  policy[BarRule::kGap] = RulePolicy::kFillForward;
  BarValidator sut(60, policy);
  std::vector<OhlcvRow> series;
  for (const auto& row : rows) {
    for (auto& taken : sut.take(row)) series.push_back(std::move(taken));
  }
  const auto span = (rows.back().open_time_ns - rows.front().open_time_ns) / kMinuteNs + 1;
  ASSERT_EQ(static_cast<std::int64_t>(series.size()), span);
  EXPECT_EQ(sut.summary().accepted, rows.size());
  EXPECT_EQ(sut.summary().filled, static_cast<std::uint64_t>(span) - rows.size());
  EXPECT_EQ(sut.summary().by_rule[static_cast<std::size_t>(BarRule::kGap)], 538u);
  for (std::size_t i = 1; i < series.size(); ++i) {
    ASSERT_EQ(series[i].open_time_ns, series[i - 1].open_time_ns + kMinuteNs) << i;
    if (series[i].filled) {
      EXPECT_EQ(series[i].volume_e8, 0);
      EXPECT_EQ(series[i].open_e8, series[i - 1].close_e8);
      EXPECT_EQ(series[i].high_e8, series[i - 1].close_e8);
      EXPECT_EQ(series[i].low_e8, series[i - 1].close_e8);
      EXPECT_EQ(series[i].close_e8, series[i - 1].close_e8);
    }
  }
}

TEST(BarValidation, DefaultPolicyKeepsEveryRowAndCountsTheGaps) {
  RRR_REQUIRE_SHARED_DATA();
  BarValidator sut(60);
  for (const auto& row : unittestBtc1m()) sut.take(row);
  EXPECT_EQ(sut.summary().accepted, sut.summary().rows);
  EXPECT_EQ(sut.summary().by_rule[static_cast<std::size_t>(BarRule::kGap)], 538u);
  EXPECT_EQ(sut.summary().filled, 0u);
}

TEST(BarValidation, HaltRefusesTheBadRowAndEverythingAfterIt) {
  ValidationPolicy policy;
  policy[BarRule::kOutOfOrder] = RulePolicy::kHalt;
  BarValidator sut(60, policy, RowNaming{"f", ""});
  auto row = [](std::int64_t minute, std::uint64_t line) {
    OhlcvRow r;
    r.line = line;
    r.open_time_ns = minute * kMinuteNs;
    r.open_e8 = r.high_e8 = r.low_e8 = r.close_e8 = 100;
    return r;
  };
  EXPECT_TRUE(sut.accept(row(1, 1)));
  EXPECT_TRUE(sut.accept(row(2, 2)));
  EXPECT_FALSE(sut.accept(row(1, 3)));
  EXPECT_FALSE(sut.accept(row(3, 4)));
  ASSERT_TRUE(sut.halted());
  EXPECT_EQ(*sut.summary().halted, "f:3 (out of order)");
  EXPECT_NE(sut.summary().describe().find("halted at f:3 (out of order)"), std::string::npos);
}

TEST(BarValidation, RandomBytesNeverCrashAReaderAndEveryRowIsAccountedFor) {
  spdlog::set_level(spdlog::level::err);  // thousands of dropped-row warnings full of random bytes
  std::mt19937 random(5);
  const auto path = std::filesystem::temp_directory_path() / (rrr::testing::uniqueName("rrr-noise") + ".csv");
  for (int round = 0; round < 200; ++round) {
    std::string bytes(1 + random() % 4096, '\0');
    for (auto& byte : bytes) byte = static_cast<char>(random() % 4 == 0 ? ',' : random() % 4 == 0 ? '\n' : random() % 256);
    std::ofstream(path, std::ios::binary) << bytes;
    for (auto format : {FileFormat::kBinanceKlines, FileFormat::kFreqtradeCandles}) {
      const auto rows = readBars(path, format);
      if (!rows.ok()) continue;  // a clear file-level error is a fine answer
      BarValidator sut(60);
      for (const auto& row : rows.value()) sut.take(row);
      EXPECT_EQ(sut.summary().accepted + sut.summary().dropped(), sut.summary().rows);
    }
  }
  std::filesystem::remove(path);
  spdlog::set_level(spdlog::level::info);
}

TEST(BarValidation, RandomBytesNeverCrashTheTradeAndMappedCsvReadersNorThePipeline) {
  spdlog::set_level(spdlog::level::err);
  std::mt19937 random(11);
  MarketFileSpec mapped_bars{"noise.csv", FileFormat::kCsv};
  mapped_bars.csv.header = false;
  mapped_bars.csv.time_unit = TimeUnit::kDateTime;
  mapped_bars.csv.columns = {{"time", "0"}, {"open", "1"}, {"high", "2"}, {"low", "3"}, {"close", "4"}, {"volume", "5"}};
  MarketFileSpec mapped_trades{"noise.csv", FileFormat::kCsv};
  mapped_trades.csv.header = false;
  mapped_trades.csv.columns = {{"time", "0"}, {"price", "1"}, {"quantity", "2"}, {"side", "3"}};
  const MarketFileSpec specs[] = {{"noise.csv", FileFormat::kBinanceAggTrades}, {"noise.json", FileFormat::kFreqtradeTrades},
                                  mapped_bars, mapped_trades};
  for (int round = 0; round < 200; ++round) {
    std::string bytes(1 + random() % 4096, '\0');
    for (auto& byte : bytes) {
      const auto roll = random() % 8;
      byte = static_cast<char>(roll == 0 ? ',' : roll == 1 ? '\n' : roll == 2 ? '0' + random() % 10 : random() % 256);
    }
    for (const auto& spec : specs) {
      const auto file = parseMarketText(bytes, spec, "noise");
      if (!file.ok()) continue;   // a clear file-level error is a fine answer
      for (const auto& trade : file->trades) {
        ASSERT_GT(trade.tick.price_e8, 0);
        ASSERT_GT(trade.tick.quantity_e8, 0);
      }
      auto pipeline = IngestPipeline::create({{"X", 60, file->kind, "noise"}}, {{300, 3600}, true, {}}).value();
      std::vector<OutMessage> out;
      SourceItem item;
      item.naming = &file->naming;
      for (const auto& bar : file->bars) {
        item.bar = bar;
        item.time_ns = bar.open_time_ns;
        pipeline.take(item, out);
      }
      for (const auto& trade : file->trades) {
        item.trade = trade;
        item.time_ns = trade.tick.time_ns;
        pipeline.take(item, out);
      }
      pipeline.finish(out);
    }
  }
  spdlog::set_level(spdlog::level::info);
}

}  // namespace
}  // namespace rrr::ingest

namespace rrr::ingest {
namespace {

// UNITTEST_BTC-8m.json.gz holds the same 1m rows as UNITTEST_BTC-1m.json (shared/data FORMATS.md).
TEST(OhlcvReaders, GzippedCandlesAreReadDirectlyAndEqualThePlainFile) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = rrr::testing::sharedData() / "ohlcv/freqtrade/json/UNITTEST_BTC-8m.json.gz";
  ASSERT_EQ(guessFormat(path).value(), FileFormat::kFreqtradeCandles);
  const auto gzipped = readBars(path, FileFormat::kFreqtradeCandles);
  ASSERT_TRUE(gzipped.ok()) << gzipped.error().message;
  const auto plain = unittestBtc1m();
  ASSERT_EQ(gzipped->size(), plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const auto& a = gzipped->at(i);
    const auto& b = plain[i];
    ASSERT_EQ(std::tie(a.open_time_ns, a.open_e8, a.high_e8, a.low_e8, a.close_e8, a.volume_e8),
              std::tie(b.open_time_ns, b.open_e8, b.high_e8, b.low_e8, b.close_e8, b.volume_e8)) << "row " << i;
  }
}

TEST(OhlcvReaders, TruncatedGzipIsAClearError) {
  RRR_REQUIRE_SHARED_DATA();
  const auto source = rrr::testing::sharedData() / "ohlcv/freqtrade/json/UNITTEST_BTC-8m.json.gz";
  const auto path = std::filesystem::temp_directory_path() / (rrr::testing::uniqueName("rrr-cut") + ".json.gz");
  const auto bytes = rrr::testing::fileText(source);
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const auto rows = readBars(path, FileFormat::kFreqtradeCandles);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find(path.string()), std::string::npos) << rows.error().message;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rrr::ingest

namespace rrr::ingest {
namespace {

TEST(TradeReaders, AggTradesCsvReadsMillisecondAndMicrosecondTimesAndCountsBadRows) {
  const auto path = std::filesystem::temp_directory_path() / (rrr::testing::uniqueName("rrr-agg") + ".csv");
  std::ofstream(path) << "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match\n"
                         "1,42000.50,0.01000000,10,11,1704067200123,true,true\n"          // ms
                         "2,42001.00,0.02000000,12,12,1735689600000123,false,true\n"      // us (2025 spot files)
                         "3,-1,0.5,13,13,1735689600000200,false,true\n"                   // non-positive price
                         "4,abc,0.5,14,14,1735689600000300,false,true\n";                 // not a number
  ASSERT_EQ(guessFormat(path).value(), FileFormat::kBinanceKlines);   // the name does not say aggTrades
  const auto file = readMarketFile({path, FileFormat::kBinanceAggTrades});
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->trades.size(), 2u);
  EXPECT_EQ(file->rejected_trades, 2u);
  EXPECT_EQ(file->trades[0].tick.time_ns, 1'704'067'200'123'000'000);
  EXPECT_EQ(file->trades[1].tick.time_ns, 1'735'689'600'000'123'000);
  EXPECT_EQ(file->trades[0].tick.price_e8, 4'200'050'000'000);
  EXPECT_EQ(file->trades[1].tick.quantity_e8, 2'000'000);
  EXPECT_EQ(file->trades[0].aggressor, 2);   // the buyer was the maker: a sell
  EXPECT_EQ(file->trades[1].trade_id, 2u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rrr::ingest
