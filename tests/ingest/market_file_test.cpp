// The readers on the real files of shared/data: row counts, first and last rows and totals,
// checked against the files as an independent reading sees them; the generic CSV mapping; .zip.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <zip.h>
#include <zlib.h>

#include <fstream>
#include <sstream>

#include "common/fixed_point.h"
#include "ingest/market_file.h"
#include "support/file_text.h"
#include "support/shared_data.h"
#include "support/unique_name.h"

namespace rrr::ingest {
namespace {

namespace fs = std::filesystem;
using rrr::testing::fileText;
using rrr::testing::sharedData;

std::vector<std::vector<std::string>> csvLines(const fs::path& path, bool header) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> lines;
  std::string line;
  if (header) std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto& fields = lines.emplace_back();
    for (std::stringstream split(line); std::getline(split, fields.emplace_back(), ',');) {}
    fields.pop_back();
  }
  return lines;
}

std::int64_t fixed(const std::string& text) { return parseFixed(text).value(); }

void expectSameBar(const OhlcvRow& row, std::int64_t time_ns, const std::vector<std::string>& ohlcv) {
  EXPECT_EQ(row.open_time_ns, time_ns);
  EXPECT_EQ(row.open_e8, fixed(ohlcv[0]));
  EXPECT_EQ(row.high_e8, fixed(ohlcv[1]));
  EXPECT_EQ(row.low_e8, fixed(ohlcv[2]));
  EXPECT_EQ(row.close_e8, fixed(ohlcv[3]));
  EXPECT_EQ(row.volume_e8, fixed(ohlcv[4]));
}

TEST(MarketFile, FreqtradeCandlesMatchTheFileRowByRowInTotal) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = sharedData() / "ohlcv/freqtrade/json/UNITTEST_BTC-1m.json";
  const auto candles = nlohmann::json::parse(fileText(path));
  const auto file = readMarketFile({path, FileFormat::kFreqtradeCandles});
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->bars.size(), 13'681u);
  ASSERT_EQ(file->bars.size(), candles.size());
  std::int64_t volume = 0, expected_volume = 0;
  for (std::size_t i = 0; i < candles.size(); ++i) {
    volume += file->bars[i].volume_e8;
    expected_volume += toFixed(candles[i][5].get<double>());
  }
  EXPECT_EQ(volume, expected_volume);
  for (const auto i : {std::size_t{0}, candles.size() - 1}) {
    EXPECT_EQ(file->bars[i].open_time_ns, candles[i][0].get<std::int64_t>() * 1'000'000);
    EXPECT_EQ(file->bars[i].close_e8, toFixed(candles[i][4].get<double>()));
  }
}

TEST(MarketFile, BinanceKlinesMatchTheFileWithQuoteVolumeAndTradeCounts) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = sharedData() / "ohlcv/nautilus_trader/ADABTC-1m-2021-11-27.csv";
  const auto lines = csvLines(path, false);
  const auto file = readMarketFile({path, guessFormat(path).value()});
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->bars.size(), lines.size());
  std::int64_t quote = 0, expected_quote = 0, trades = 0, expected_trades = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_FALSE(file->bars[i].parse_error) << *file->bars[i].parse_error;
    quote += file->bars[i].quote_volume_e8;
    expected_quote += fixed(lines[i][7]);
    trades += file->bars[i].trade_count;
    expected_trades += std::stoll(lines[i][8]);
  }
  EXPECT_EQ(quote, expected_quote);
  EXPECT_EQ(trades, expected_trades);
  for (const auto i : {std::size_t{0}, lines.size() - 1}) {
    expectSameBar(file->bars[i], std::stoll(lines[i][0]) * 1'000'000, {lines[i].begin() + 1, lines[i].begin() + 6});
  }
}

TEST(MarketFile, GenericCsvWithAHeaderMappingAndDateTimesReadsTheWholePerpetualFile) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = sharedData() / "ohlcv/nautilus_trader/btc-perp-20211231-20220201_1m.csv";
  MarketFileSpec spec{path, FileFormat::kCsv};
  spec.csv.time_unit = TimeUnit::kDateTime;
  spec.csv.columns = {{"time", "timestamp"}, {"open", "open"}, {"high", "high"}, {"low", "low"}, {"close", "close"}, {"volume", "volume"}};
  const auto file = readMarketFile(spec);
  ASSERT_TRUE(file.ok()) << file.error().message;
  const auto lines = csvLines(path, true);
  ASSERT_EQ(file->bars.size(), 45'031u);
  ASSERT_EQ(file->bars.size(), lines.size());
  std::uint64_t volume = 0, expected_volume = 0;   // sums modulo 2^64: the total overflows an int64
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_FALSE(file->bars[i].parse_error) << i << ": " << *file->bars[i].parse_error;
    volume += static_cast<std::uint64_t>(file->bars[i].volume_e8);
    expected_volume += static_cast<std::uint64_t>(fixed(lines[i][5]));
  }
  EXPECT_EQ(volume, expected_volume);
  // 2021-12-31 23:01:00 UTC and 2022-02-01 05:31:00 UTC
  expectSameBar(file->bars.front(), 1'640'991'660'000'000'000, {lines.front().begin() + 1, lines.front().end()});
  expectSameBar(file->bars.back(), 1'643'693'460'000'000'000, {lines.back().begin() + 1, lines.back().end()});
}

TEST(MarketFile, GenericCsvOfTradesWithoutAHeaderMapsColumnsByIndex) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = sharedData() / "ohlcv/freqtrade/trades/kraken_BCHEUR.csv";
  MarketFileSpec spec{path, FileFormat::kCsv};
  spec.csv.header = false;
  spec.csv.time_unit = TimeUnit::kSeconds;
  spec.csv.columns = {{"time", "0"}, {"price", "1"}, {"quantity", "2"}};
  const auto file = readMarketFile(spec);
  ASSERT_TRUE(file.ok()) << file.error().message;
  const auto lines = csvLines(path, false);
  ASSERT_EQ(file->kind, FileKind::kTrades);
  ASSERT_EQ(file->trades.size(), lines.size());
  EXPECT_EQ(file->rejected_trades, 0u);
  std::int64_t quantity = 0, expected = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    quantity += file->trades[i].tick.quantity_e8;
    expected += fixed(lines[i][2]);
  }
  EXPECT_EQ(quantity, expected);
  EXPECT_EQ(file->trades.front().tick.time_ns, 1'672'531'436'000'000'000);
  EXPECT_EQ(file->trades.front().tick.price_e8, fixed("90.540000"));
  EXPECT_EQ(file->trades.back().tick.time_ns, std::stoll(lines.back()[0]) * 1'000'000'000);
}

TEST(MarketFile, FreqtradeTradesMatchTheFile) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = sharedData() / "ohlcv/freqtrade/trades/XRP_ETH-trades.json.gz";
  ASSERT_EQ(guessFormat(path).value(), FileFormat::kFreqtradeTrades);
  const auto file = readMarketFile({path, FileFormat::kFreqtradeTrades});
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->trades.size(), 12'477u);
  const auto& first = file->trades.front();
  EXPECT_EQ(first.tick.time_ns, 1'570'752'011'620'000'000);
  EXPECT_EQ(first.trade_id, 13'519'807u);
  EXPECT_EQ(first.aggressor, 2);   // "sell"
  EXPECT_EQ(first.tick.price_e8, fixed("0.00141342"));
  EXPECT_EQ(first.tick.quantity_e8, fixed("23.0"));
}

TEST(MarketFile, AMappingThatNamesAMissingColumnIsAClearError) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = sharedData() / "ohlcv/nautilus_trader/btc-perp-20211231-20220201_1m.csv";
  MarketFileSpec spec{path, FileFormat::kCsv};
  spec.csv.columns = {{"time", "ts"}, {"open", "open"}, {"high", "high"}, {"low", "low"}, {"close", "close"}, {"volume", "volume"}};
  const auto file = readMarketFile(spec);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("btc-perp-20211231-20220201_1m.csv:1: field 'time' maps to column 'ts'"), std::string::npos)
      << file.error().message;
  spec.csv.columns.erase("volume");
  spec.csv.columns["time"] = "timestamp";
  const auto missing = readMarketFile(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("has no 'volume'"), std::string::npos) << missing.error().message;
}

// A zip archive with the given entries, made with libzip.
void writeZip(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  for (const auto& [name, text] : entries) {
    zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
    ASSERT_GE(zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

TEST(MarketFile, ZipOfBinanceKlinesIsReadDirectlyAndEqualsThePlainFile) {
  RRR_REQUIRE_SHARED_DATA();
  const auto plain_path = sharedData() / "ohlcv/nautilus_trader/ADABTC-1m-2021-11-28.csv";
  const auto dir = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-zip");
  fs::create_directories(dir);
  const auto zipped_path = dir / "ADABTC-1m-2021-11-28.zip";
  writeZip(zipped_path, {{"ADABTC-1m-2021-11-28.csv", fileText(plain_path)}});
  ASSERT_EQ(guessFormat(zipped_path).value(), FileFormat::kBinanceKlines);
  const auto zipped = readMarketFile({zipped_path, FileFormat::kBinanceKlines});
  const auto plain = readMarketFile({plain_path, FileFormat::kBinanceKlines});
  ASSERT_TRUE(zipped.ok()) << zipped.error().message;
  ASSERT_EQ(zipped->bars.size(), plain->bars.size());
  ASSERT_GT(plain->bars.size(), 0u);
  for (std::size_t i = 0; i < plain->bars.size(); ++i) {
    EXPECT_EQ(std::tie(zipped->bars[i].open_time_ns, zipped->bars[i].close_e8, zipped->bars[i].quote_volume_e8),
              std::tie(plain->bars[i].open_time_ns, plain->bars[i].close_e8, plain->bars[i].quote_volume_e8));
  }
  writeZip(dir / "two.zip", {{"a.csv", "1,2,3,4,5,6\n"}, {"b.csv", "1,2,3,4,5,6\n"}});
  const auto two = readMarketFile({dir / "two.zip", FileFormat::kBinanceKlines});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("must hold exactly one file; it holds 2"), std::string::npos) << two.error().message;
  auto bytes = fileText(zipped_path);
  std::ofstream(dir / "cut.zip", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const auto cut = readMarketFile({dir / "cut.zip", FileFormat::kBinanceKlines});
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("cut.zip"), std::string::npos) << cut.error().message;
  fs::remove_all(dir);
}

TEST(MarketFile, NanPricesAndBadTimesComeBackAsRowsTheValidatorNames) {
  const std::string text = "timestamp;o;h;l;c;v\n"
                           "2024-01-01T00:00:00Z;10;11;9;10;1\n"
                           "2024-01-01T00:01:00Z;NaN;11;9;10;1\n"
                           "2024-01-01 25:02:00;10;11;9;10;1\n"
                           "2024-01-01 00:03:00.5;10;11;9;10;1\n";
  MarketFileSpec spec{"x.csv", FileFormat::kCsv};
  spec.csv.delimiter = ';';
  spec.csv.time_unit = TimeUnit::kDateTime;
  spec.csv.columns = {{"time", "timestamp"}, {"open", "o"}, {"high", "h"}, {"low", "l"}, {"close", "c"}, {"volume", "v"}};
  const auto file = parseMarketText(text, spec, "x.csv");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->bars.size(), 4u);
  EXPECT_EQ(file->bars[0].open_time_ns, 1'704'067'200'000'000'000);
  EXPECT_TRUE(file->bars[1].nan_price);
  ASSERT_TRUE(file->bars[2].parse_error);
  EXPECT_NE(file->bars[2].parse_error->find("the time is not a time"), std::string::npos);
  EXPECT_EQ(file->bars[3].open_time_ns, 1'704'067'380'500'000'000);
  BarValidator validator(60, {}, file->naming);
  for (const auto& row : file->bars) validator.take(row);
  EXPECT_EQ(validator.summary().by_rule[static_cast<std::size_t>(BarRule::kNonPositivePrice)], 1u);
  EXPECT_EQ(validator.summary().by_rule[static_cast<std::size_t>(BarRule::kUnparsable)], 1u);
  EXPECT_EQ(validator.summary().accepted, 2u);
}

TEST(MarketFile, TimesOutsideTheReadersRangeAreRowsThatCannotBeParsedNotOverflows) {
  const auto klines = parseMarketText("open_time,open,high,low,close,volume\n9223372036854775807,1,1,1,1,1\n-5,1,1,1,1,1\n"
                                      "1704067200000,1,1,1,1,1\n1735689600000123,1,1,1,1,1\n1735689660000000,1,1\n",
                                      {"k.csv", FileFormat::kBinanceKlines}, "k.csv");
  ASSERT_TRUE(klines.ok());
  ASSERT_EQ(klines->bars.size(), 5u);
  ASSERT_TRUE(klines->bars[0].parse_error);
  EXPECT_NE(klines->bars[0].parse_error->find("not a time from 1970 to 2100"), std::string::npos);
  EXPECT_EQ(klines->bars[0].line, 2u) << "the header is line 1";
  EXPECT_TRUE(klines->bars[1].parse_error);
  EXPECT_EQ(klines->bars[2].open_time_ns, 1'704'067'200'000'000'000) << "milliseconds";
  EXPECT_EQ(klines->bars[3].open_time_ns, 1'735'689'600'000'123'000) << "microseconds (2025 spot files)";
  ASSERT_TRUE(klines->bars[4].parse_error);
  EXPECT_EQ(*klines->bars[4].parse_error, "expected at least 6 fields, got 3");
  const auto candles = parseMarketText("[[9223372036854775807,1,1,1,1,1],[1704067200000,1,1,1,1,1]]",
                                       {"c.json", FileFormat::kFreqtradeCandles}, "c.json");
  ASSERT_TRUE(candles.ok());
  EXPECT_TRUE(candles->bars[0].parse_error);
  EXPECT_FALSE(candles->bars[1].parse_error);
  MarketFileSpec spec{"d.csv", FileFormat::kCsv};
  spec.csv.header = false;
  spec.csv.time_unit = TimeUnit::kDateTime;
  spec.csv.columns = {{"time", "0"}, {"price", "1"}, {"quantity", "2"}};
  const auto trades = parseMarketText("9999-12-31 23:59:59,1,1\n2024-01-01 00:00:00,1,1\n", spec, "d.csv");
  ASSERT_TRUE(trades.ok());
  EXPECT_EQ(trades->trades.size(), 1u);
  EXPECT_EQ(trades->rejected_trades, 1u);
}

TEST(MarketFile, FillForwardReplacesABadValueRowWithAFlatBarAtItsTime) {
  ValidationPolicy policy;
  policy[BarRule::kHighBelowLow] = RulePolicy::kFillForward;
  BarValidator sut(60, policy);
  OhlcvRow good;
  good.open_time_ns = 0;
  good.open_e8 = 10;
  good.high_e8 = 12;
  good.low_e8 = 9;
  good.close_e8 = 11;
  good.volume_e8 = 5;
  ASSERT_EQ(sut.take(good).size(), 1u);
  OhlcvRow bad = good;
  bad.open_time_ns = 60'000'000'000;
  bad.high_e8 = 8;
  const auto taken = sut.take(bad);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_TRUE(taken[0].filled);
  EXPECT_EQ(taken[0].open_time_ns, bad.open_time_ns);
  EXPECT_EQ(std::tie(taken[0].open_e8, taken[0].high_e8, taken[0].low_e8, taken[0].close_e8, taken[0].volume_e8),
            std::make_tuple(std::int64_t{11}, std::int64_t{11}, std::int64_t{11}, std::int64_t{11}, std::int64_t{0}));
  EXPECT_EQ(sut.summary().filled, 1u);
  EXPECT_EQ(sut.summary().accepted, 1u);
}

}  // namespace
}  // namespace rrr::ingest
