#include "ingest/ingest_agent.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/process/process_settings.h"

namespace rrr::ingest {

std::unique_ptr<IngestAgent> IngestAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  const auto symbols = settings->get<std::vector<std::string>>("symbols", {"BTCUSDT", "ETHUSDT"});
  const auto seed = settings->get<std::uint64_t>("seed", 42);
  const auto interval = settings->get<int>("bar_interval_ms", 200);
  const auto start = settings->get<std::int64_t>("start_time_s", 1'704'067'200);  // 2024-01-01T00:00:00Z
  if (settings->error() || symbols.empty() || interval <= 0) {
    spdlog::error("bad settings: {}", settings->error().value_or("symbols must be non-empty and bar_interval_ms positive"));
    return nullptr;
  }
  auto md = process::OutputStream::open(runtime, "md");
  if (!md.ok()) {
    spdlog::error("cannot open ring md: {}", md.error().message);
    return nullptr;
  }
  SyntheticFeed feed(symbols, seed, start * 1'000'000'000);
  feed.skipTo(md->producer().nextSequence());
  spdlog::info("synthetic feed of {} symbols resumes at bar {}", symbols.size(), feed.produced());
  return std::unique_ptr<IngestAgent>(new IngestAgent(std::move(md).value(), std::move(feed), symbols.size(), std::chrono::milliseconds(interval)));
}

IngestAgent::IngestAgent(process::OutputStream md, SyntheticFeed feed, std::size_t symbol_count,
                         std::chrono::milliseconds interval)
    : md_(std::move(md)),
      feed_(std::move(feed)),
      symbol_count_(symbol_count),
      interval_(interval),
      next_bar_(std::chrono::steady_clock::now()) {}

int IngestAgent::doWork() {
  if (std::chrono::steady_clock::now() < next_bar_) return 0;
  if (!pending_) pending_ = feed_.next();
  const auto& bar = *pending_;
  auto& fbb = md_.startMessage();
  const auto body = msg::CreateBar(fbb, fbb.CreateString(bar.symbol), 60, bar.open_time_ns, bar.open_e8, bar.high_e8,
                                   bar.low_e8, bar.close_e8, bar.volume_e8, 0, bar.trade_count, bar.index);
  if (md_.publish(body, bar.open_time_ns) != ring::PublishStatus::kOk) return 0;  // held back; same bar next time
  pending_.reset();
  if (feed_.produced() % symbol_count_ == 0) next_bar_ += interval_;  // one step of every symbol per interval
  return 1;
}

void IngestAgent::idle(std::chrono::milliseconds max_wait) {
  const auto until = std::min(next_bar_, std::chrono::steady_clock::now() + max_wait);
  std::this_thread::sleep_until(until);
}

}  // namespace rrr::ingest
