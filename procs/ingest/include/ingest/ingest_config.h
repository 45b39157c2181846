#pragma once
// rrr-ingest's settings (processes.ingest.settings in the config file):
//
//   source: synthetic            # synthetic (the default) | replay
//   pace: 300x                   # fast | realtime | <N>x
//   aggregate: [5m, 1h]          # longer bars made of each stream's bars
//   publish_trades: false        # trades go out as Trade messages too (default true for replay)
//   validation: {gap: fill_forward, duplicate: drop, out_of_order: halt}   # per rule: drop | fill_forward | halt
//   synthetic: {symbols: [BTCUSDT, ETHUSDT], seed: 42, start_time_s: 1704067200, correlation: 0.6, ...}
//   files:                       # for replay
//     - {path: data/BTCUSDT-1m-2024-01.zip, symbol: BTCUSDT, interval: 1m}      # format from the name
//     - {path: perp.csv, symbol: BTCPERP, format: csv, time: datetime,
//        columns: {time: timestamp, open: open, high: high, low: low, close: close, volume: volume}}
//
// A relative file path is relative to the config file's folder. Every mistake is an error naming
// the file, the line and the setting.

#include <string>
#include <vector>

#include "common/process/process_settings.h"
#include "common/result.h"
#include "ingest/ingest_pipeline.h"
#include "ingest/market_source.h"
#include "ingest/pacer.h"

namespace rrr::ingest {

struct IngestConfig {
  enum class Source { kSynthetic, kReplay };
  Source source = Source::kSynthetic;
  Pacing pacing{300};
  SyntheticParams synthetic;
  std::vector<ReplayFile> files;
  PipelineOptions pipeline;
};

Result<IngestConfig, std::string> loadIngestConfig(const process::ProcessSettings& settings);

// "1m", "5m", "15m", "1h", "4h", "1d", "30s" or a number of seconds; nullopt otherwise.
std::optional<std::int64_t> parseIntervalSeconds(std::string_view text);

// A column mapping from "time=timestamp,open=o,..." (the command line's spelling).
std::optional<std::map<std::string, std::string>> parseColumnList(std::string_view text);

}  // namespace rrr::ingest
