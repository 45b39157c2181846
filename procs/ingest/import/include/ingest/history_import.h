#pragma once
// `rrr-ingest import` (and `rrr-db import`): history files into market_data through the same
// readers, validation and aggregation as live ingest, written by the store's bulk path
// (store/bar_import.h). Idempotent: importing a file again adds nothing. Only while rrr is
// stopped: while it runs, rrr-store is the only writer.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ingest/ingest_pipeline.h"
#include "ingest/market_file.h"
#include "store/store_files.h"

namespace rrr::ingest {

struct ImportRequest {
  std::optional<std::string> symbol;        // default: from the file's name ("BTCUSDT-1m-2024-01.zip")
  std::optional<std::int64_t> interval_s;   // bars: the file's; trades: the bars made; default: from the name, else 1m
  std::optional<FileFormat> format;         // default: from the name
  CsvMapping csv;                           // for FileFormat::kCsv
  ValidationPolicy policy;
  std::vector<std::int64_t> aggregate_s;    // longer bars to import as well
};

struct FileImport {
  std::string symbol;
  std::uint64_t rows = 0;            // rows (bars or trades) read
  std::uint64_t bars = 0;            // bars written or found present, all intervals
  std::uint64_t added = 0;
  std::uint64_t present = 0;
  std::vector<std::string> summary;  // the pipeline's summary
};

// The symbol and interval a file's name tells: "BTCUSDT-1m-2024-01.csv" -> BTCUSDT, 60.
std::optional<std::pair<std::string, std::optional<std::int64_t>>> seriesFromName(const std::filesystem::path& path);

Result<FileImport, std::string> importFile(store::MarketShards& shards, const std::filesystem::path& file, const ImportRequest& request);

// Every file; its summary on stdout, errors on stderr. Exit code: 0 all imported, 1 a file failed
// (the others are still imported) or rrr is running.
int importHistory(const std::filesystem::path& db_dir, const std::filesystem::path& run_dir,
                  const std::vector<std::filesystem::path>& files, const ImportRequest& request);

}  // namespace rrr::ingest
