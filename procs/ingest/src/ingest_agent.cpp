#include "ingest/ingest_agent.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/process/process_settings.h"

namespace rrr::ingest {
namespace {

constexpr int kMaxPerCall = 256;

}  // namespace

std::unique_ptr<IngestAgent> IngestAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  auto config = loadIngestConfig(settings.value());
  if (!config.ok()) {
    spdlog::error("{}", config.error().message);
    return nullptr;
  }
  std::unique_ptr<MarketSource> source;
  if (config->source == IngestConfig::Source::kSynthetic) {
    source = makeSyntheticSource(config->synthetic);
  } else {
    auto replay = makeReplaySource(config->files);
    if (!replay.ok()) {
      spdlog::error("{}", replay.error().message);
      return nullptr;
    }
    source = std::move(replay).value();
  }
  auto pipeline = IngestPipeline::create(source->streams(), config->pipeline);
  if (!pipeline.ok()) {
    spdlog::error("{}", pipeline.error().message);
    return nullptr;
  }
  auto md = process::OutputStream::open(runtime, "md");
  if (!md.ok()) {
    spdlog::error("cannot open ring md: {}", md.error().message);
    return nullptr;
  }
  for (const auto& stream : source->streams()) spdlog::info("stream {} {}s from {}", stream.symbol, stream.interval_s, stream.name);
  auto agent = std::unique_ptr<IngestAgent>(
      new IngestAgent(std::move(md).value(), std::move(source), std::move(pipeline).value(), config->pacing));
  const auto skip = agent->to_skip_;
  agent->refill();   // regenerates what is on the ring already, before this process says it is ready
  spdlog::info("{} messages were already on ring md: resumed after them", skip);
  return agent;
}

IngestAgent::IngestAgent(process::OutputStream md, std::unique_ptr<MarketSource> source, IngestPipeline pipeline, Pacing pacing)
    : md_(std::move(md)),
      source_(std::move(source)),
      pipeline_(std::move(pipeline)),
      pacer_(pacing),
      to_skip_(md_.producer().nextSequence()) {}

std::string IngestAgent::degradedReason() const {
  std::string reason = "halted by validation:";
  for (const auto& halt : halts_) reason += " " + halt + ";";
  return reason;
}

bool IngestAgent::refill() {
  while (pending_.empty() && !finished_) {
    auto item = source_->next();
    scratch_.clear();
    if (item) {
      pipeline_.take(*item, scratch_);
    } else if (source_->finished()) {
      pipeline_.finish(scratch_);
      finished_ = true;
      spdlog::info("every row read; {} messages in all", md_.producer().nextSequence() + pending_.size() + scratch_.size());
      for (const auto& line : pipeline_.summary()) spdlog::info("summary: {}", line);
    } else {
      return false;   // a feed with nothing yet
    }
    if (item && halts_.size() != pipeline_.halts().size()) halts_ = pipeline_.halts();
    for (auto& message : scratch_) {
      if (to_skip_ > 0) {
        --to_skip_;
        continue;
      }
      pending_.push_back(std::move(message));
    }
  }
  return !pending_.empty();
}

int IngestAgent::doWork() {
  int done = 0;
  back_pressured_ = false;
  while (done < kMaxPerCall && refill()) {
    const auto& message = pending_.front();
    const auto due = pacer_.dueAt(message.event_time_ns);
    const auto now = Pacer::Clock::now();
    // The lag is how late the next message is: it grows while a full ring holds ingest back.
    if (pacer_.pacing().paced()) lag_ns_ = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(now - due).count());
    if (now < due) {
      wait_until_ = due;
      break;
    }
    if (!publish(message)) {
      back_pressured_ = true;
      break;
    }
    pending_.pop_front();
    ++done;
  }
  if (finished_ && pending_.empty() && !complete_) {
    complete_ = true;
    spdlog::info("replay complete: {} messages published on ring md", md_.producer().nextSequence());
  }
  return done;
}

bool IngestAgent::publish(const OutMessage& message) {
  const auto& symbol = pipeline_.streams()[message.stream].symbol;
  auto& fbb = md_.startMessage();
  if (message.kind == OutMessage::Kind::kTrade) {
    const auto& trade = message.trade;
    const auto body = msg::CreateTrade(fbb, fbb.CreateString(symbol), trade.trade_id, trade.tick.time_ns, trade.tick.price_e8,
                                       trade.tick.quantity_e8, static_cast<msg::AggressorSide>(trade.aggressor));
    return md_.publish(body, message.event_time_ns) == ring::PublishStatus::kOk;
  }
  const auto& bar = message.bar;
  const auto body = msg::CreateBar(fbb, fbb.CreateString(symbol), static_cast<std::uint32_t>(message.interval_s), bar.open_time_ns,
                                   bar.open_e8, bar.high_e8, bar.low_e8, bar.close_e8, bar.volume_e8, bar.quote_volume_e8,
                                   bar.trade_count, message.bar_sequence);
  return md_.publish(body, message.event_time_ns) == ring::PublishStatus::kOk;
}

void IngestAgent::idle(std::chrono::milliseconds max_wait) {
  const auto now = Pacer::Clock::now();
  auto until = now + max_wait;
  if (back_pressured_) {
    until = std::min(until, now + std::chrono::milliseconds(1));   // a durable reader is behind: retry soon
  } else if (!pending_.empty() && wait_until_ > now) {
    until = std::min(until, wait_until_);
  }
  std::this_thread::sleep_until(until);
}

}  // namespace rrr::ingest
