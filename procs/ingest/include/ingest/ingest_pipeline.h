#pragma once
// What rrr-ingest does to rows between a source and the md ring: validation of bars (the shared
// BarValidator, one per stream), trades into bars, bars into longer bars (the one BarAggregator),
// and the event-time clock that closes bars. Deterministic: the same rows give the same messages
// in the same order, which replay determinism and resuming after a restart rely on.
//
// The clock: a row is complete at its time (a trade's time, a bar's close time). Before a row is
// taken, every open bar of every stream that ends at or before the row's start is closed (a trade
// on a boundary belongs to the next bar); after a bar is taken, so is every bar it completes. At
// the end of the data the open bars are closed as they are (finish()), as batch aggregation does.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ingest/bar_aggregator.h"
#include "ingest/bar_validation.h"
#include "ingest/market_source.h"

namespace rrr::ingest {

struct PipelineOptions {
  std::vector<std::int64_t> aggregate_s;   // longer intervals made of each stream's bars (multiples of its interval)
  bool publish_trades = true;              // trades go out as Trade messages as well as into bars
  ValidationPolicy policy;
};

struct OutMessage {
  enum class Kind { kBar, kTrade };
  Kind kind = Kind::kBar;
  std::size_t stream = 0;
  std::int64_t event_time_ns = 0;          // a bar's close time; a trade's time
  std::int64_t interval_s = 0;             // bars
  std::uint64_t bar_sequence = 0;          // bars: position in the (symbol, interval) series
  AggregatedBar bar;
  TradeRow trade;
};

class IngestPipeline {
 public:
  // An error names an aggregate interval that a stream's interval does not divide.
  static Result<IngestPipeline, std::string> create(const std::vector<StreamInfo>& streams, PipelineOptions options);

  // Appends to out what taking the row publishes, in order.
  void take(const SourceItem& item, std::vector<OutMessage>& out);
  // The end of the data: closes every open bar.
  void finish(std::vector<OutMessage>& out);

  // Streams halted by a rule with the halt policy ("BTCUSDT 1m: file:12 (gap)"), if any.
  std::vector<std::string> halts() const;
  // One line per stream: rows, accepted, dropped by rule, trades out of order, bars made.
  std::vector<std::string> summary() const;
  const std::vector<StreamInfo>& streams() const { return infos_; }

 private:
  struct Level {
    std::int64_t interval_s;
    BarAggregator aggregator;
    std::uint64_t sequence = 0;
  };
  struct Stream {
    std::optional<BarValidator> validator;        // bar streams
    std::optional<BarAggregator> from_trades;     // trade streams
    std::uint64_t base_sequence = 0;
    std::vector<Level> levels;
    const RowNaming* naming = nullptr;
    std::int64_t last_trade_ns = INT64_MIN;
    std::uint64_t trades = 0, trades_out_of_order = 0, bars = 0;
  };

  IngestPipeline(std::vector<StreamInfo> infos, std::vector<Stream> streams, bool publish_trades)
      : infos_(std::move(infos)), streams_(std::move(streams)), publish_trades_(publish_trades) {}

  void closeEnded(std::int64_t clock_ns, std::vector<OutMessage>& out);
  void emitBase(std::size_t index, const AggregatedBar& bar, std::vector<OutMessage>& out);
  void emitLevel(std::size_t index, Level& level, const AggregatedBar& bar, std::vector<OutMessage>& out);
  void takeTrade(const SourceItem& item, std::vector<OutMessage>& out);
  void takeBar(const SourceItem& item, std::vector<OutMessage>& out);

  std::vector<StreamInfo> infos_;
  std::vector<Stream> streams_;
  bool publish_trades_;
  std::vector<OhlcvRow> taken_;   // scratch for the validator's output
};

}  // namespace rrr::ingest
