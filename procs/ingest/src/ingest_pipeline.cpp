#include "ingest/ingest_pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace rrr::ingest {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

AggregatedBar barOf(const OhlcvRow& row) {
  return {row.open_time_ns, row.open_e8, row.high_e8, row.low_e8, row.close_e8, row.volume_e8, row.quote_volume_e8, row.trade_count};
}

std::string intervalName(std::int64_t seconds) {
  if (seconds % 86'400 == 0) return std::to_string(seconds / 86'400) + "d";
  if (seconds % 3'600 == 0) return std::to_string(seconds / 3'600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace

Result<IngestPipeline, std::string> IngestPipeline::create(const std::vector<StreamInfo>& infos, PipelineOptions options) {
  auto intervals = options.aggregate_s;
  std::sort(intervals.begin(), intervals.end());
  intervals.erase(std::unique(intervals.begin(), intervals.end()), intervals.end());
  std::vector<Stream> streams;
  for (const auto& info : infos) {
    Stream stream;
    if (info.kind == FileKind::kBars) {
      stream.validator.emplace(info.interval_s, options.policy);
    } else {
      stream.from_trades.emplace(info.interval_s * kSecondNs);
    }
    for (const auto interval : intervals) {
      if (interval == info.interval_s) continue;
      if (interval < info.interval_s || interval % info.interval_s != 0) {
        return makeError(info.symbol + " (" + info.name + "): " + intervalName(interval) + " bars cannot be made of " +
                         intervalName(info.interval_s) + " bars (not a multiple)");
      }
      stream.levels.push_back({interval, BarAggregator(interval * kSecondNs)});
    }
    streams.push_back(std::move(stream));
  }
  return IngestPipeline(infos, std::move(streams), options.publish_trades);
}

void IngestPipeline::take(const SourceItem& item, std::vector<OutMessage>& out) {
  auto& stream = streams_[item.stream];
  if (item.naming != nullptr && item.naming != stream.naming) {
    stream.naming = item.naming;
    if (stream.validator) stream.validator->setNaming(*item.naming);
  }
  if (stream.from_trades) {
    takeTrade(item, out);
  } else {
    takeBar(item, out);
  }
}

void IngestPipeline::takeTrade(const SourceItem& item, std::vector<OutMessage>& out) {
  auto& stream = streams_[item.stream];
  const auto& trade = item.trade;
  if (trade.tick.time_ns < stream.last_trade_ns) {
    ++stream.trades_out_of_order;
    spdlog::warn("{}: trade dropped (out of order): time {} is before the previous trade's",
                 stream.naming != nullptr ? stream.naming->place(trade.line) : infos_[item.stream].name, trade.tick.time_ns);
    return;
  }
  closeEnded(trade.tick.time_ns, out);
  stream.last_trade_ns = trade.tick.time_ns;
  ++stream.trades;
  if (publish_trades_) {
    OutMessage message;
    message.kind = OutMessage::Kind::kTrade;
    message.stream = item.stream;
    message.event_time_ns = trade.tick.time_ns;
    message.trade = trade;
    out.push_back(message);
  }
  if (auto closed = stream.from_trades->addTrade(trade.tick)) emitBase(item.stream, *closed, out);
}

void IngestPipeline::takeBar(const SourceItem& item, std::vector<OutMessage>& out) {
  auto& stream = streams_[item.stream];
  if (!item.bar.parse_error) closeEnded(item.bar.open_time_ns, out);
  taken_.clear();
  stream.validator->take(item.bar, taken_);
  for (const auto& row : taken_) emitBase(item.stream, barOf(row), out);
  if (!item.bar.parse_error) closeEnded(item.time_ns, out);
}

void IngestPipeline::closeEnded(std::int64_t clock_ns, std::vector<OutMessage>& out) {
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    auto& stream = streams_[i];
    if (stream.from_trades) {
      if (auto closed = stream.from_trades->closeIfEnded(clock_ns)) emitBase(i, *closed, out);
    }
    for (auto& level : stream.levels) {
      if (auto closed = level.aggregator.closeIfEnded(clock_ns)) emitLevel(i, level, *closed, out);
    }
  }
}

void IngestPipeline::emitBase(std::size_t index, const AggregatedBar& bar, std::vector<OutMessage>& out) {
  auto& stream = streams_[index];
  const auto interval_s = infos_[index].interval_s;
  OutMessage message;
  message.stream = index;
  message.interval_s = interval_s;
  message.event_time_ns = bar.open_time_ns + interval_s * kSecondNs;
  message.bar_sequence = stream.base_sequence++;
  message.bar = bar;
  out.push_back(message);
  ++stream.bars;
  for (auto& level : stream.levels) {
    if (auto closed = level.aggregator.addBar(bar)) emitLevel(index, level, *closed, out);
  }
}

void IngestPipeline::emitLevel(std::size_t index, Level& level, const AggregatedBar& bar, std::vector<OutMessage>& out) {
  OutMessage message;
  message.stream = index;
  message.interval_s = level.interval_s;
  message.event_time_ns = bar.open_time_ns + level.interval_s * kSecondNs;
  message.bar_sequence = level.sequence++;
  message.bar = bar;
  out.push_back(message);
  ++streams_[index].bars;
}

void IngestPipeline::finish(std::vector<OutMessage>& out) {
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    auto& stream = streams_[i];
    if (stream.from_trades) {
      if (auto last = stream.from_trades->flush()) emitBase(i, *last, out);
    }
    for (auto& level : stream.levels) {
      if (auto last = level.aggregator.flush()) emitLevel(i, level, *last, out);
    }
  }
}

std::vector<std::string> IngestPipeline::halts() const {
  std::vector<std::string> halts;
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const auto& validator = streams_[i].validator;
    if (validator && validator->halted()) {
      halts.push_back(infos_[i].symbol + " " + intervalName(infos_[i].interval_s) + ": " + *validator->summary().halted);
    }
  }
  return halts;
}

std::vector<std::string> IngestPipeline::summary() const {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const auto& stream = streams_[i];
    std::string line = infos_[i].symbol + " " + intervalName(infos_[i].interval_s) + " (" + infos_[i].name + "): ";
    if (stream.validator) {
      line += stream.validator->summary().describe();
    } else {
      line += std::to_string(stream.trades) + " trades";
      if (stream.trades_out_of_order > 0) line += ", " + std::to_string(stream.trades_out_of_order) + " out of order dropped";
      if (stream.from_trades->late() > 0) line += ", " + std::to_string(stream.from_trades->late()) + " late";
    }
    lines.push_back(line + "; " + std::to_string(stream.bars) + " bars made");
  }
  return lines;
}

}  // namespace rrr::ingest
