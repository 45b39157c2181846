#pragma once
// Where market data comes from: a synthetic market, files, and (later) exchange feeds. A source
// has streams, each one series (a symbol's bars of one interval, or a symbol's trades), and hands
// out their rows merged in event-time order. A feed that has nothing yet returns nullopt without
// being finished; file and synthetic sources always have the next row until they are finished.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/market_file.h"
#include "ingest/synthetic_market.h"

namespace rrr::ingest {

struct StreamInfo {
  std::string symbol;
  std::int64_t interval_s = 60;   // bars: their interval; trades: the bars made from them
  FileKind kind = FileKind::kBars;
  std::string name;               // for messages: the file(s) or "synthetic"
};

struct SourceItem {
  std::size_t stream = 0;
  std::int64_t time_ns = 0;       // when the row is complete: a bar's close time, a trade's time
  RowNaming const* naming = nullptr;   // how to name the row in messages
  OhlcvRow bar;                   // kBars streams
  TradeRow trade;                 // kTrades streams
};

class MarketSource {
 public:
  virtual ~MarketSource() = default;
  virtual const std::vector<StreamInfo>& streams() const = 0;
  // The next row in event-time order; nullopt when there is none now (see finished()).
  virtual std::optional<SourceItem> next() = 0;
  virtual bool finished() const = 0;
};

// The synthetic market's trades, one trade stream per symbol (bars of interval_s made from them).
std::unique_ptr<MarketSource> makeSyntheticSource(SyntheticParams params, std::int64_t interval_s = 60);

// Files to replay: files with the same symbol, interval and kind are one stream, read one after
// another in the order given (monthly files of one symbol, say).
struct ReplayFile {
  MarketFileSpec spec;
  std::string symbol;
  std::int64_t interval_s = 60;
};

// Reads every file first; an unreadable file is an error naming it (nothing is replayed then).
Result<std::unique_ptr<MarketSource>, ReadError> makeReplaySource(const std::vector<ReplayFile>& files);

}  // namespace rrr::ingest
