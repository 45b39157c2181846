#include "ingest/ingest_agent.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/os/durable_file.h"
#include "common/process/process_settings.h"
#include "common/ring/before_blocking.h"

namespace rrr::ingest {
namespace {

constexpr int kMaxPerCall = 256;
// How long before a paced message is due its readers are woken (the sleep overshoots by ~60 us).
constexpr auto kHeadsUpLead = std::chrono::microseconds(150);
// The hot path's readers (rrr-infer, rrr-engine, rrr-risk) are told earlier: waking takes ~100 us
// on these VMs, and each then rehearses its part of the path once to warm it (infer_agent.h,
// engine_agent.h, risk_agent.h).
constexpr auto kRehearsalLead = std::chrono::microseconds(1000);
// After a paced burst with a bar, the path it starts through the hot path's stages (prediction,
// intent, decision, fills: ~100 us) needs the cores: the next messages are made (~20 us for the
// synthetic market) and the tap's copies sent only this long after it.
constexpr auto kQuietAfterBar = std::chrono::microseconds(500);

}  // namespace

Result<IngestAgent::Feed, std::string> IngestAgent::makeFeed(const IngestConfig& config) {
  std::unique_ptr<MarketSource> source;
  if (config.source == IngestConfig::Source::kSynthetic) {
    source = makeSyntheticSource(config.synthetic);
  } else {
    auto replay = makeReplaySource(config.files);
    if (!replay.ok()) return makeError(replay.error().message);
    source = std::move(replay).value();
  }
  auto pipeline = IngestPipeline::create(source->streams(), config.pipeline);
  if (!pipeline.ok()) return makeError(pipeline.error().message);
  return Feed{std::move(source), std::move(pipeline).value()};
}

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
  auto feed = makeFeed(config.value());
  if (!feed.ok()) {
    spdlog::error("{}", feed.error().message);
    return nullptr;
  }
  auto md = process::OutputStream::open(runtime, "md");
  if (!md.ok()) {
    spdlog::error("cannot open ring md: {}", md.error().message);
    return nullptr;
  }
  for (const auto& stream : feed->source->streams()) spdlog::info("stream {} {}s from {}", stream.symbol, stream.interval_s, stream.name);
  auto agent = std::unique_ptr<IngestAgent>(new IngestAgent(std::move(md).value(), std::move(config).value(), std::move(feed).value()));
  if (auto segment = ring::RingSegment::open(runtime.context().ringName("pred")); segment.ok()) agent->pred_ = std::move(segment).value();
  if (auto segment = ring::RingSegment::open(runtime.context().ringName("intent")); segment.ok()) agent->intent_ = std::move(segment).value();
  const auto skip = agent->to_skip_;
  agent->resume_path_ = runtime.context().data_dir / "ingest" / "resume.json";
  agent->loadStoreResume(runtime.context().data_dir / "db", runtime.context().engineCheckpointPath());
  agent->refill();   // regenerates what is on the ring already, before this process says it is ready
  if (agent->to_skip_ == 0 && skip > 0) spdlog::info("{} messages were already on ring md: resumed after them", skip);
  if (agent->stored_skipped_ > 0 && skip == 0) {
    spdlog::info("ring md is new: {} messages the store already holds were not published again; resumed after them",
                 agent->stored_skipped_);
  } else if (agent->stored_skipped_ > 0) {
    spdlog::info("{} messages the store held when ring md was made were left out again, as then", agent->stored_skipped_);
  }
  return agent;
}

IngestAgent::IngestAgent(process::OutputStream md, IngestConfig config, Feed feed)
    : md_(std::move(md)),
      config_(std::move(config)),
      feed_(std::move(feed)),
      pacer_(config_.pacing),
      to_skip_(md_.producer().nextSequence()),
      last_on_ring_(md_.producer().lastPublished()) {}

std::string IngestAgent::degradedReason() const {
  std::string reason = "halted by validation:";
  for (const auto& halt : halts_) reason += " " + halt + ";";
  return reason;
}

// On a new ring: the store's last bar of each series, or the engine checkpoint's place where it is
// earlier (store_resume.h), kept in resume_path_ before anything is published. On a ring with
// messages: those kept when it was new, if they were for this ring. Without them (or their file),
// the ring holds the source from its start, as before.
void IngestAgent::loadStoreResume(const std::filesystem::path& db_dir, const std::filesystem::path& engine_checkpoint) {
  const auto instance = md_.producer().segment().instanceId();
  if (to_skip_ > 0) {
    auto kept = readStoreResume(resume_path_);
    if (!kept.ok()) {
      spdlog::warn("{}; the ring is taken to hold the source from its start", kept.error().message);
    } else if (*kept && (*kept)->ring_instance == instance) {
      stored_ = std::move((*kept)->last_stored);
    }
    return;
  }
  std::vector<std::pair<std::string, std::int64_t>> series;
  for (const auto& stream : feed_->pipeline.streams()) {
    series.emplace_back(stream.symbol, stream.interval_s);
    for (const auto interval_s : config_.pipeline.aggregate_s) series.emplace_back(stream.symbol, interval_s);
  }
  // Without them, publishing all again loses nothing: the store keeps a bar once (its natural
  // key), and the engine skips what its state reflects.
  auto resume = resumePlaces(db_dir, engine_checkpoint, series);
  if (!resume.ok()) {
    spdlog::warn("{}: publishing the source from its start", resume.error().message);
    return;
  }
  if (const int moved = resume->moved_back; moved > 0) {
    spdlog::info("{} series resume where rrr-engine's checkpoint stands, before the store's last bar (a cut-off since it was "
                 "written): the engine sees every bar after it",
                 moved);
  }
  if (auto written = writeStoreResume(resume_path_, StoreResume{instance, resume->places}); !written.ok()) {
    spdlog::warn("{}: publishing the source from its start", written.error().message);
    return;
  }
  stored_ = std::move(resume->places);
}

bool IngestAgent::alreadyStored(const OutMessage& message) {
  const auto& symbol = feed_->pipeline.streams()[message.stream].symbol;
  if (message.kind == OutMessage::Kind::kTrade) {
    const auto found = stored_.find({symbol, feed_->pipeline.streams()[message.stream].interval_s});
    return found != stored_.end() && message.trade.tick.time_ns < found->second.open_time_ns + found->second.interval_s * 1'000'000'000;
  }
  const auto found = stored_.find({symbol, message.interval_s});
  if (found == stored_.end()) return false;
  if (message.bar.open_time_ns > found->second.open_time_ns) {   // the source goes on past the store (or starts after it)
    stored_.erase(found);
    return false;
  }
  if (message.bar.open_time_ns == found->second.open_time_ns) {
    const auto& kept = found->second;
    const auto& made = message.bar;
    if (kept.open_e8 != made.open_e8 || kept.high_e8 != made.high_e8 || kept.low_e8 != made.low_e8 || kept.close_e8 != made.close_e8 ||
        kept.volume_e8 != made.volume_e8) {
      stored_mismatch_ = symbol + " " + std::to_string(message.interval_s) + "s";
      return false;
    }
    stored_.erase(found);   // passed: what follows in this series is new
  }
  return true;
}

void IngestAgent::startSourceAgain(const char* why) {
  spdlog::warn("{}: the source changed since those messages were published; publishing this source from its start, "
               "after them", why);
  auto feed = makeFeed(config_);
  if (!feed.ok()) {
    spdlog::error("{}", feed.error().message);
    finished_ = true;
    return;
  }
  feed_.emplace(std::move(feed).value());
  to_skip_ = 0;
  finished_ = false;
  pending_.clear();
}

bool IngestAgent::refill(bool look_ahead) {
  for (;;) {
    while (pending_.empty() && !finished_) {
      if (!pullOne()) return false;   // a feed with nothing yet
    }
    // Every message of the front's event time (the other symbols' bars of a close) and the first
    // one after them: a burst then goes out without making anything in between, and what follows
    // it is made after it (doWork; for the synthetic market ~20 us of the next minute's trades).
    while (look_ahead && !finished_ && !pending_.empty() && pending_.back().event_time_ns == pending_.front().event_time_ns) {
      if (!pullOne()) break;
    }
    if (!pending_.empty() || finished_) return !pending_.empty();   // empty: the source started again
  }
}

bool IngestAgent::pullOne() {
  auto item = feed_->source->next();
  scratch_.clear();
  if (item) {
    feed_->pipeline.take(*item, scratch_);
  } else if (feed_->source->finished()) {
    feed_->pipeline.finish(scratch_);
    finished_ = true;
  } else {
    return false;
  }
  if (item && halts_.size() != feed_->pipeline.halts().size()) halts_ = feed_->pipeline.halts();
  bool changed = false;
  // What the store held when the ring was made is filtered out first: the ring holds the rest.
  for (auto& message : scratch_) {
    if (!stored_.empty() && alreadyStored(message)) {
      ++stored_skipped_;
    } else if (!stored_mismatch_.empty()) {
      break;
    } else if (to_skip_ == 0) {
      pending_.push_back(std::move(message));
    } else if (to_skip_ == 1 && !sameAsLastOnRing(message)) {
      changed = true;
      break;
    } else {
      --to_skip_;
    }
  }
  if (!stored_mismatch_.empty() || (finished_ && !stored_.empty())) {
    const auto why = stored_mismatch_.empty() ? "the store holds bars past the end of this source"
                                              : "the store's last bar of " + stored_mismatch_ + " is not what this source makes at its place";
    stored_.clear();
    stored_mismatch_.clear();
    stored_skipped_ = 0;
    if (auto removed = os::removeFileDurably(resume_path_); !removed.ok()) spdlog::warn("{}", removed.error().message);
    startSourceAgain(why.c_str());
    return true;
  }
  if (changed || (finished_ && to_skip_ > 0)) {
    startSourceAgain(changed ? "the last message on ring md is not what this source makes at its place"
                             : "ring md holds more messages than this source makes");
    return true;
  }
  if (finished_) {
    spdlog::info("every row read; {} messages in all", md_.producer().nextSequence() + pending_.size());
    for (const auto& line : feed_->pipeline.summary()) spdlog::info("summary: {}", line);
  }
  return true;
}

int IngestAgent::doWork() {
  if (quiet_until_) {
    if (Pacer::Clock::now() < *quiet_until_) return 0;
    quiet_until_.reset();
    burst_cpu_.leave();
    ring::runBeforeBlocking();   // the tap's copies of the burst
  }
  int done = 0;
  back_pressured_ = false;
  bool bar_published = false;
  while (done < kMaxPerCall && refill(/*look_ahead=*/!bar_published)) {
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
    bar_published = bar_published || message.kind != OutMessage::Kind::kTrade;
    pending_.pop_front();
    ++done;
  }
  if (bar_published && pacer_.pacing().paced()) {
    const auto now = Pacer::Clock::now();
    const auto armed = quiet_timer_.deadline();
    quiet_until_ = armed && *armed > now ? *armed : now + kQuietAfterBar;
  }
  if (finished_ && pending_.empty() && !complete_) {
    complete_ = true;
    spdlog::info("replay complete: {} messages published on ring md", md_.producer().nextSequence());
  }
  return done;
}

bool IngestAgent::nextBurstHasBar() const {
  if (pending_.empty()) return false;
  const auto time = pending_.front().event_time_ns;
  for (const auto& message : pending_) {
    if (message.event_time_ns != time) break;
    if (message.kind != OutMessage::Kind::kTrade) return true;
  }
  return false;
}

bool IngestAgent::sameAsLastOnRing(const OutMessage& message) const {
  if (!last_on_ring_) return false;
  auto envelope = messages::decode(*last_on_ring_);
  if (!envelope.ok() || envelope.value()->event_time_ns() != message.event_time_ns) return false;
  const auto& symbol = feed_->pipeline.streams()[message.stream].symbol;
  if (message.kind == OutMessage::Kind::kTrade) {
    const auto* trade = envelope.value()->body_as_Trade();
    return trade != nullptr && trade->symbol()->string_view() == symbol && trade->trade_id() == message.trade.trade_id &&
           trade->price_e8() == message.trade.tick.price_e8 && trade->quantity_e8() == message.trade.tick.quantity_e8;
  }
  const auto* bar = envelope.value()->body_as_Bar();
  return bar != nullptr && bar->symbol()->string_view() == symbol && bar->interval_s() == message.interval_s &&
         bar->open_time_ns() == message.bar.open_time_ns && bar->close_e8() == message.bar.close_e8 &&
         bar->volume_e8() == message.bar.volume_e8 && bar->sequence() == message.bar_sequence;
}

// The first message of the next event time, built and its slot warmed, nothing published: after
// ~100 ms asleep the publish path's code and data are cold, and the first publish of a close took
// ~8 us against ~4 us warm (idle cores halting; the stages after it wait for it).
void IngestAgent::rehearseNextBurst() {
  if (pending_.empty()) return;
  buildAndSend(pending_.front(), /*send=*/false);
}

bool IngestAgent::publish(const OutMessage& message) { return buildAndSend(message, /*send=*/true); }

bool IngestAgent::buildAndSend(const OutMessage& message, bool send) {
  const auto& symbol = feed_->pipeline.streams()[message.stream].symbol;
  auto& fbb = md_.startMessage();
  const auto finish = [&](auto body) {
    if (!send) {
      md_.rehearse(body, message.event_time_ns);
      return true;
    }
    return md_.publish(body, message.event_time_ns) == ring::PublishStatus::kOk;
  };
  if (message.kind == OutMessage::Kind::kTrade) {
    const auto& trade = message.trade;
    return finish(msg::CreateTrade(fbb, fbb.CreateString(symbol), trade.trade_id, trade.tick.time_ns, trade.tick.price_e8,
                                   trade.tick.quantity_e8, static_cast<msg::AggressorSide>(trade.aggressor)));
  }
  const auto& bar = message.bar;
  return finish(msg::CreateBar(fbb, fbb.CreateString(symbol), static_cast<std::uint32_t>(message.interval_s), bar.open_time_ns,
                               bar.open_e8, bar.high_e8, bar.low_e8, bar.close_e8, bar.volume_e8, bar.quote_volume_e8,
                               bar.trade_count, message.bar_sequence));
}

void IngestAgent::idle(std::chrono::milliseconds max_wait) {
  const auto now = Pacer::Clock::now();
  auto until = now + max_wait;
  if (quiet_until_) {
    if (*quiet_until_ > until) {
      std::this_thread::sleep_until(until);
      return;
    }
    if (quiet_timer_.deadline() != quiet_until_) quiet_timer_.arm(*quiet_until_);
    quiet_timer_.wait();
    return;
  }
  ring::runBeforeBlocking();   // the tap's copies of what went out since the last sleep
  if (back_pressured_) {
    until = std::min(until, now + std::chrono::milliseconds(1));   // a durable reader is behind: retry soon
  } else if (!pending_.empty() && wait_until_ > now) {
    until = std::min(until, wait_until_);
    // A heads-up to the whole hot path (md's, pred's and intent's readers that accept one: infer,
    // engine, risk) before the next message is due, so that each stage is warm and spinning when
    // its input comes instead of paying a futex wake-up and cold caches each.
    if (until == wait_until_ && wait_until_ - now > kRehearsalLead) {
      std::this_thread::sleep_until(wait_until_ - kRehearsalLead);
      // Only for a burst with a bar: the quiet after its bar is where rrr-ingest leaves its side.
      if (pacer_.pacing().paced() && nextBurstHasBar()) burst_cpu_.enter();
      md_.producer().headsUp();
      if (pred_) ring::headsUp(*pred_);
      if (intent_) ring::headsUp(*intent_);
    }
    if (until == wait_until_ && wait_until_ - Pacer::Clock::now() > kHeadsUpLead) {
      std::this_thread::sleep_until(wait_until_ - kHeadsUpLead);
      md_.producer().headsUp();   // for md's readers that only spin (rrr-engine without an ml strategy)
      // The sleep after a bar's burst, armed now: armed as it blocks, it would hold the core the
      // path's next stage is waiting for ~10 us longer (os/deadline_timer.h).
      if (pacer_.pacing().paced() && nextBurstHasBar()) {
        quiet_timer_.arm(wait_until_ + kQuietAfterBar);
        rehearseNextBurst();
      }
    }
  }
  std::this_thread::sleep_until(until);
}

}  // namespace rrr::ingest
