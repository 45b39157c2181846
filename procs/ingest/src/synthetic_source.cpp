#include <deque>

#include "ingest/market_source.h"

namespace rrr::ingest {
namespace {

class SyntheticSource : public MarketSource {
 public:
  SyntheticSource(SyntheticParams params, std::int64_t interval_s) : market_(std::move(params)) {
    for (const auto& symbol : market_.params().symbols) streams_.push_back({symbol, interval_s, FileKind::kTrades, "synthetic"});
  }

  const std::vector<StreamInfo>& streams() const override { return streams_; }
  bool finished() const override { return false; }

  std::optional<SourceItem> next() override {
    while (pending_.empty()) {
      for (auto& trade : market_.nextMinute()) pending_.push_back(std::move(trade));
    }
    SourceItem item;
    item.stream = pending_.front().symbol;
    item.trade = pending_.front().trade;
    item.time_ns = item.trade.tick.time_ns;
    item.naming = &naming_;
    pending_.pop_front();
    return item;
  }

 private:
  SyntheticMarket market_;
  std::vector<StreamInfo> streams_;
  std::deque<SyntheticTrade> pending_;
  RowNaming naming_{"synthetic", "trade"};
};

}  // namespace

std::unique_ptr<MarketSource> makeSyntheticSource(SyntheticParams params, std::int64_t interval_s) {
  return std::make_unique<SyntheticSource>(std::move(params), interval_s);
}

}  // namespace rrr::ingest
