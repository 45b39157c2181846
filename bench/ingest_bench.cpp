// rrr-bench-ingest: parse and import throughput of a 1M-row Binance kline CSV made from real
// rows (shared/data's BTC perpetual 1m bars, written in Binance's 12-column layout with
// consecutive minutes). Beside each figure, a baseline measured in the same run: for parsing,
// one pass that only finds the line ends (what any reader must do at least); for importing, raw
// prepared SQLite inserts of the same rows in one transaction.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "bench_process.h"
#include "common/fixed_point.h"
#include "ingest/history_import.h"
#include "ingest/market_file.h"
#include "store/bar_import.h"
#include "store/store_files.h"

namespace {

namespace fs = std::filesystem;
using rrr::bench::steadyNs;
constexpr std::int64_t kMinuteMs = 60'000;

// The real rows, as the strings the file holds: open, high, low, close, volume.
std::vector<std::array<std::string, 5>> realRows(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::array<std::string, 5>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string time;
    std::getline(fields, time, ',');
    auto& row = rows.emplace_back();
    for (auto& field : row) std::getline(fields, field, ',');
  }
  return rows;
}

std::string klineCsv(const std::vector<std::array<std::string, 5>>& real, std::size_t rows) {
  std::string text;
  text.reserve(rows * 130);
  const std::int64_t start_ms = 1'704'067'200'000;   // 2024-01-01
  char line[512];
  for (std::size_t i = 0; i < rows; ++i) {
    const auto& r = real[i % real.size()];
    const std::int64_t open_ms = start_ms + static_cast<std::int64_t>(i) * kMinuteMs;
    const double quote = std::stod(r[4]) * std::stod(r[3]);
    const int length = std::snprintf(line, sizeof(line), "%lld,%s,%s,%s,%s,%s,%lld,%.8f,%zu,%s,%.8f,0\n",
                                     static_cast<long long>(open_ms), r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str(),
                                     r[4].c_str(), static_cast<long long>(open_ms + kMinuteMs - 1), quote, 100 + i % 900,
                                     r[4].c_str(), quote / 2);
    text.append(line, static_cast<std::size_t>(length));
  }
  return text;
}

std::size_t countLines(std::string_view text) {
  std::size_t lines = 0;
  for (const char* at = text.data(); (at = static_cast<const char*>(std::memchr(at, '\n', text.data() + text.size() - at))) != nullptr; ++at) {
    ++lines;
  }
  return lines;
}

double seconds(std::int64_t from_ns) { return static_cast<double>(steadyNs() - from_ns) / 1e9; }

double rawSqliteRowsPerSecond(const fs::path& dir, const std::vector<rrr::store::BarRecord>& bars) {
  auto db = rrr::store::openStoreDatabase(dir / "market_data_2024_01.db", rrr::store::kMarketMigrations, rrr::store::Durability::kNormal);
  const auto start = steadyNs();
  (void)db->exec("BEGIN");
  auto* insert = db->cached("INSERT INTO market_data VALUES (?,?,?,?,?,?,?,?,?,?,NULL,NULL) ON CONFLICT DO NOTHING").value();
  for (const auto& bar : bars) {
    (void)insert->bind(1, std::string_view("BTCUSDT")).bind(2, std::int64_t{60}).bind(3, bar.open_time_ns).bind(4, bar.open_e8)
        .bind(5, bar.high_e8).bind(6, bar.low_e8).bind(7, bar.close_e8).bind(8, bar.volume_e8).bind(9, bar.quote_volume_e8)
        .bind(10, bar.trade_count).run();
  }
  (void)db->exec("COMMIT");
  return static_cast<double>(bars.size()) / seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rrr-bench-ingest: parse and import throughput of a Binance kline CSV"};
  std::size_t rows = 1'000'000;
  int rounds = 3;
  fs::path real = fs::path(RRR_SHARED_DATA) / "ohlcv/nautilus_trader/btc-perp-20211231-20220201_1m.csv";
  app.add_option("--rows", rows)->capture_default_str();
  app.add_option("--rounds", rounds, "best of N rounds")->capture_default_str();
  app.add_option("--real", real, "a CSV of real 1m bars with a header (timestamp, open, high, low, close, volume)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  const auto source = realRows(real);
  if (source.empty()) {
    std::fprintf(stderr, "rrr-bench-ingest: no rows in %s\n", real.c_str());
    return 2;
  }
  const auto dir = fs::temp_directory_path() / ("rrr-bench-ingest-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const auto csv_path = dir / "BTCUSDT-1m-2024.csv";
  const auto text = klineCsv(source, rows);
  std::ofstream(csv_path, std::ios::binary) << text;
  std::printf("file: %zu rows (%zu real rows repeated), %.1f MB, %s\n\n", rows, source.size(), static_cast<double>(text.size()) / 1e6,
              csv_path.c_str());

  double best_scan = 0, best_parse = 0, best_read = 0;
  const rrr::ingest::MarketFileSpec spec{csv_path, rrr::ingest::FileFormat::kBinanceKlines};
  for (int round = 0; round < rounds; ++round) {
    auto start = steadyNs();
    const auto lines = countLines(text);
    best_scan = std::max(best_scan, static_cast<double>(lines) / seconds(start));
    start = steadyNs();
    const auto parsed = rrr::ingest::parseMarketText(text, spec, "bench");
    best_parse = std::max(best_parse, static_cast<double>(parsed->bars.size()) / seconds(start));
    start = steadyNs();
    const auto read = rrr::ingest::readMarketFile(spec);
    best_read = std::max(best_read, static_cast<double>(read->bars.size()) / seconds(start));
    if (parsed->bars.size() != rows || read->bars.size() != rows) {
      std::fprintf(stderr, "rrr-bench-ingest: parsed %zu rows, expected %zu\n", parsed->bars.size(), rows);
      return 1;
    }
  }
  std::printf("%-44s %14s %10s\n", "parse (one core)", "rows/s", "target");
  std::printf("%-44s %14.0f %10s\n", "baseline: find the line ends only", best_scan, "");
  std::printf("%-44s %14.0f %10s  (%.0f%% of the baseline)\n", "parse from memory (rrr::ingest parser)", best_parse, ">= 2M",
              100.0 * best_parse / best_scan);
  std::printf("%-44s %14.0f %10s\n\n", "read file + parse", best_read, "");

  std::vector<rrr::store::BarRecord> bars;
  const auto parsed = rrr::ingest::parseMarketText(text, spec, "bench");
  for (const auto& row : parsed->bars) {
    bars.push_back({row.open_time_ns, row.open_e8, row.high_e8, row.low_e8, row.close_e8, row.volume_e8, row.quote_volume_e8, row.trade_count});
  }
  double best_raw = 0, best_import = 0, best_again = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto raw_dir = dir / ("raw" + std::to_string(round));
    const auto import_dir = dir / ("import" + std::to_string(round));
    fs::create_directories(raw_dir);
    fs::create_directories(import_dir);
    best_raw = std::max(best_raw, rawSqliteRowsPerSecond(raw_dir, bars));
    rrr::store::MarketShards shards(import_dir);
    auto start = steadyNs();
    const auto imported = rrr::ingest::importFile(shards, csv_path, {});
    best_import = std::max(best_import, static_cast<double>(imported->rows) / seconds(start));
    start = steadyNs();
    const auto again = rrr::ingest::importFile(shards, csv_path, {});
    best_again = std::max(best_again, static_cast<double>(again->rows) / seconds(start));
    if (!imported.ok() || imported->added != rows || again->present != rows) {
      std::fprintf(stderr, "rrr-bench-ingest: import wrote %llu rows\n", static_cast<unsigned long long>(imported.ok() ? imported->added : 0));
      return 1;
    }
    fs::remove_all(raw_dir);
    fs::remove_all(import_dir);
  }
  std::printf("%-44s %14s %10s\n", "import into SQLite (market_data)", "rows/s", "target");
  std::printf("%-44s %14.0f %10s\n", "baseline: raw prepared inserts, parsed rows", best_raw, "");
  std::printf("%-44s %14.0f %10s  (%.0f%% of the baseline)\n", "rrr-ingest import (read, validate, write)", best_import, ">= 500k",
              100.0 * best_import / best_raw);
  std::printf("%-44s %14.0f %10s\n", "the same file again (all rows present)", best_again, "");
  fs::remove_all(dir);
  return 0;
}
