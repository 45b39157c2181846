#include <map>
#include <tuple>

#include "ingest/market_source.h"

namespace rrr::ingest {
namespace {

class ReplaySource : public MarketSource {
 public:
  struct Stream {
    std::vector<MarketFile> files;
    std::size_t file = 0;
    std::size_t row = 0;
    std::int64_t last_time_ns = INT64_MIN;
  };

  ReplaySource(std::vector<StreamInfo> infos, std::vector<Stream> streams)
      : infos_(std::move(infos)), streams_(std::move(streams)) {
    for (auto& stream : streams_) skipFinishedFiles(stream);
  }

  const std::vector<StreamInfo>& streams() const override { return infos_; }

  bool finished() const override {
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      if (head(i)) return false;
    }
    return true;
  }

  std::optional<SourceItem> next() override {
    std::optional<std::size_t> best;
    std::int64_t best_time = 0;
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      const auto time = headTime(i);
      if (time && (!best || *time < best_time)) {
        best = i;
        best_time = *time;
      }
    }
    if (!best) return std::nullopt;
    auto& stream = streams_[*best];
    const auto& file = stream.files[stream.file];
    SourceItem item;
    item.stream = *best;
    item.time_ns = best_time;
    item.naming = &file.naming;
    if (file.kind == FileKind::kBars) {
      item.bar = file.bars[stream.row];
    } else {
      item.trade = file.trades[stream.row];
    }
    stream.last_time_ns = best_time;
    ++stream.row;
    skipFinishedFiles(stream);
    return item;
  }

 private:
  static void skipFinishedFiles(Stream& stream) {
    while (stream.file < stream.files.size()) {
      const auto& file = stream.files[stream.file];
      if (stream.row < (file.kind == FileKind::kBars ? file.bars.size() : file.trades.size())) return;
      ++stream.file;
      stream.row = 0;
    }
  }

  bool head(std::size_t index) const { return streams_[index].file < streams_[index].files.size(); }

  // A row that has no time (it could not be parsed) takes its predecessor's, so that it is
  // handed out in its place and counted there.
  std::optional<std::int64_t> headTime(std::size_t index) const {
    if (!head(index)) return std::nullopt;
    const auto& stream = streams_[index];
    const auto& file = stream.files[stream.file];
    if (file.kind == FileKind::kTrades) return file.trades[stream.row].tick.time_ns;
    const auto& bar = file.bars[stream.row];
    if (bar.parse_error) return stream.last_time_ns;
    return bar.open_time_ns + infos_[index].interval_s * 1'000'000'000;
  }

  std::vector<StreamInfo> infos_;
  std::vector<Stream> streams_;
};

}  // namespace

Result<std::unique_ptr<MarketSource>, ReadError> makeReplaySource(const std::vector<ReplayFile>& files) {
  std::map<std::tuple<std::string, std::int64_t, FileKind>, std::size_t> index_of;
  std::vector<StreamInfo> infos;
  std::vector<ReplaySource::Stream> streams;
  for (const auto& file : files) {
    const auto key = std::make_tuple(file.symbol, file.interval_s, file.spec.kind());
    auto [at, added] = index_of.emplace(key, infos.size());
    if (added) {
      infos.push_back({file.symbol, file.interval_s, file.spec.kind(), file.spec.path.string()});
      streams.emplace_back();
    } else {
      infos[at->second].name += ", " + file.spec.path.string();
    }
    RRR_ASSIGN_OR_RETURN(auto read, readMarketFile(file.spec));
    streams[at->second].files.push_back(std::move(read));
  }
  return std::unique_ptr<MarketSource>(std::make_unique<ReplaySource>(std::move(infos), std::move(streams)));
}

}  // namespace rrr::ingest
