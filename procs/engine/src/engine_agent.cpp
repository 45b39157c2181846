#include "engine/engine_agent.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"
#include "common/ring/before_blocking.h"
#include "engine/engine_messages.h"

namespace rrr::engine {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kMaxInputsPerCall = 64;
constexpr auto kInferWaitReported = 2s;
// Spin windows of the hot path (common/ring/idle_policy.h): long enough to cover a heads-up's lead
// and one stage's work, short enough to cost little between bursts.
constexpr auto kDecisionSpin = 300us;
constexpr auto kPredictionSpin = 300us;
constexpr auto kRehearsalPoll = 2ms;   // after a heads-up: covers rrr-ingest's lead and rrr-infer's work
// After an input of the hot path, the next is near: a bar's prediction follows it within ~15 us,
// the next symbol's bar and prediction within tens of microseconds.
constexpr auto kBurstPoll = 300us;
// A heads-up after this long without input is rrr-ingest's, ahead of a bar, and caches are cold:
// rehearse. One sooner is rrr-infer's or comes between unpaced inputs: a rehearsal would only
// delay the input.
constexpr auto kRehearseAfterIdle = 5ms;
constexpr auto kMarketSpin = 500us;   // after rrr-ingest's heads-up: the bar is due
// From rrr-ingest's heads-up, ~1 ms before a bar, until that bar's orders are decided.
constexpr auto kBurstQuiet = 5ms;
// A checkpoint does not start this close to a paced feed's next heads-up (bursts up to
// kSteadyBurstsWithin apart count as paced).
constexpr auto kCheckpointLead = 5ms;
constexpr auto kSteadyBurstsWithin = 10s;

std::uint64_t instanceOf(const process::InputStream& input) { return input.consumer().segment().instanceId(); }
std::uint64_t instanceOf(const process::OutputStream& output) { return output.producer().segment().instanceId(); }

}  // namespace

std::unique_ptr<EngineAgent> EngineAgent::create(process::ProcessRuntime& runtime) {
  auto loaded = process::ProcessSettings::load(runtime.context());
  if (!loaded.ok()) {
    spdlog::error("{}", loaded.error().message);
    return nullptr;
  }
  auto settings = loadEngineSettings(*loaded);
  auto rehearsal_settings = loadEngineSettings(*loaded);   // strategies are owned: a second set
  if (!settings.ok() || !rehearsal_settings.ok()) {
    spdlog::error("{}", settings.ok() ? rehearsal_settings.error().message : settings.error().message);
    return nullptr;
  }
  auto market = process::attachInput(runtime, "md");
  auto predictions = process::attachInput(runtime, "pred");
  auto decisions = process::attachInput(runtime, "decision");
  auto intents = process::openOutput(runtime, "intent");
  auto exec = process::openOutput(runtime, "exec");
  if (!market || !predictions || !decisions || !intents || !exec) return nullptr;
  std::unique_ptr<EngineAgent> agent(new EngineAgent(runtime, std::move(settings).value(), std::move(*market), std::move(*predictions),
                                                     std::move(*decisions), std::move(*intents), std::move(*exec)));
  agent->rehearsal_core_ = std::make_unique<TradingCore>(rehearsal_settings->core, std::move(rehearsal_settings->strategies));
  if (auto status = agent->restore(); !status.ok()) {
    spdlog::error("{}", status.error().message);
    return nullptr;
  }
  spdlog::info("{} strategies; {}", agent->core_->strategies(),
               agent->needs_predictions_ ? "predictions from rrr-infer are awaited in order" : "no strategy uses predictions");
  return agent;
}

EngineAgent::EngineAgent(process::ProcessRuntime& runtime, EngineSettings settings, process::InputStream market,
                         process::InputStream predictions, process::InputStream decisions, process::OutputStream intents,
                         process::OutputStream exec)
    : checkpoint_every_(settings.checkpoint_every),
      decision_timeout_(settings.decision_timeout),
      core_(std::make_unique<TradingCore>(settings.core, std::move(settings.strategies))),
      market_(std::move(market)),
      predictions_(std::move(predictions)),
      decisions_(std::move(decisions)),
      intents_{std::move(intents)},
      exec_{std::move(exec)},
      checkpoint_path_(runtime.context().data_dir / "engine" / "checkpoint.json"),
      needs_predictions_(core_->needsPredictions()),
      last_checkpoint_(Clock::now()) {
  for (auto* output : {&intents_, &exec_}) output->next = output->held_end = output->stream.producer().nextSequence();
}

// Puts the state of the last checkpoint back and moves each ring to where it stood then. A ring
// made anew since (a whole-system restart) starts where it is; the state carries over.
Status<std::string> EngineAgent::restore() {
  RRR_ASSIGN_OR_RETURN(auto checkpoint, readCheckpoint(checkpoint_path_));
  if (!checkpoint) {
    const bool never_read = market_.consumer().cursor() == 0 && predictions_.consumer().cursor() == 0 && decisions_.consumer().cursor() == 0;
    if (never_read) {
      // Never checkpointed, so never committed: the inputs are read again from their start, and
      // whatever the output rings hold came from them.
      intents_.next = exec_.next = 0;
    } else {
      spdlog::warn("{} is missing but the rings were read before: starting from a fresh state after what they hold",
                   checkpoint_path_.string());
    }
    return {};
  }
  if (auto status = core_->restore(std::move(checkpoint->core)); !status.ok()) {
    return makeError(checkpoint_path_.string() + " does not fit the configured strategies: " + status.error().message);
  }
  const auto position = [&](const std::string& ring, std::uint64_t instance) -> std::optional<std::uint64_t> {
    const auto found = checkpoint->rings.find(ring);
    if (found == checkpoint->rings.end() || found->second.instance != instance) return std::nullopt;
    return found->second.next;
  };
  for (auto [name, input] : {std::pair{"md", &market_}, std::pair{"pred", &predictions_}, std::pair{"decision", &decisions_}}) {
    const auto next = position(name, instanceOf(*input));
    if (!next) continue;
    if (input->consumer().cursor() > *next) {
      return makeError(std::string("ring ") + name + " was committed past the checkpoint (" + std::to_string(input->consumer().cursor()) +
                       " > " + std::to_string(*next) + "): the checkpoint is older than the engine's own commits");
    }
    if (*next > 0) input->consumer().skipThrough(*next - 1);
  }
  for (auto [name, output] : {std::pair{"intent", &intents_}, std::pair{"exec", &exec_}}) {
    if (const auto next = position(name, instanceOf(output->stream))) output->next = std::min(*next, output->held_end);
  }
  if (position("decision", instanceOf(decisions_))) decisions_applied_ = checkpoint->decisions_applied;
  if (!position("exec", instanceOf(exec_.stream)) && exec_.held_end == 0) {
    // The rings were made anew (a reboot) while the state carried over: rrr-risk's view of the
    // account comes from the exec ring, now empty, so the account goes out before any intent.
    CoreOutput out;
    core_->snapshotNow(out);
    queue(std::move(out));
  }
  spdlog::info("restored the checkpoint at event time {}: {} orders not final, {} intents awaiting a decision; replaying {} intents and {} "
               "exec messages already published",
               core_->nowNs(), core_->ordersInFlight(), core_->awaitingDecisions(), intents_.held_end - intents_.next,
               exec_.held_end - exec_.next);
  return {};
}

int EngineAgent::doWork() {
  int work = 0;
  if (!flush()) return 0;
  work += readDecisions();
  if (!flush()) return work;
  work += handleInputs();
  flush();
  reportSkipped();
  if (core_->awaitingDecisions() > 0) {
    if (!awaiting_since_) awaiting_since_ = Clock::now();
  } else {
    awaiting_since_.reset();
    if (pending_.empty()) checkpoint(false);
  }
  return work;
}

// Decisions are taken in ring order: each for an awaited intent, RiskEvents as they come. While
// replaying, a decision for an intent not regenerated yet stays on the ring until it is.
int EngineAgent::readDecisions() {
  int taken = 0;
  std::uint64_t sequence = 0;
  while (const auto* envelope = decisions_.peek(sequence)) {
    if (const auto* decision = envelope->body_as_RiskDecision()) {
      const auto id = decision->client_order_id()->str();
      if (core_->awaits(id)) {
        CoreOutput out;
        core_->onDecision(id, decision->approved(), decision->detail() ? decision->detail()->str() : "", out);
        decisions_applied_ = sequence;
        queue(std::move(out));
      } else if (replaying()) {
        break;
      } else {
        spdlog::warn("decision {} is for {}, an intent this engine does not await; ignored", sequence, id);
      }
    } else if (const auto* event = envelope->body_as_RiskEvent()) {
      const bool killed = event->kill_switch_active() && !kill_switch_;
      if (killed || (event->trading_halted() && !halted_)) {
        const char* why = killed ? "kill switch" : "trading halted";
        spdlog::warn("{}: cancelling every open order", why);
        CoreOutput out;
        core_->cancelAll(why + (event->detail() ? ": " + event->detail()->str() : std::string()), out);
        queue(std::move(out));
        force_checkpoint_ = true;
      }
      kill_switch_ = event->kill_switch_active();
      halted_ = event->trading_halted();
    }
    decisions_.take();
    ++inputs_since_checkpoint_;
    ++taken;
  }
  return taken;
}

bool EngineAgent::marketAllowed(std::uint64_t market_sequence, const msg::Envelope* next_prediction) const {
  if (!needs_predictions_) return true;
  if (next_prediction != nullptr) return true;   // its cause is at or after this bar (checked by the caller)
  const auto infer = market_.consumer().segment().consumerCursor("infer");
  return !infer || *infer >= market_sequence;    // rrr-infer has read every bar before this one
}

int EngineAgent::handleInputs() {
  int handled = 0;
  while (handled < kMaxInputsPerCall && core_->awaitingDecisions() == 0 && pending_.empty()) {
    std::uint64_t market_sequence = 0, prediction_sequence = 0;
    const auto* bar = market_.peek(market_sequence);
    const auto* prediction = predictions_.peek(prediction_sequence);
    if (prediction != nullptr && (!needs_predictions_ || prediction->body_as_Prediction() == nullptr)) {
      predictions_.take();   // nothing here uses it
      ++handled;
      continue;
    }
    const auto cause = prediction != nullptr ? prediction->cause_sequence() : std::nullopt;
    if (prediction != nullptr && (!cause || bar == nullptr || market_sequence > *cause)) {
      handlePrediction(*prediction);
      predictions_.take();
      ++handled;
      continue;
    }
    if (bar == nullptr) break;
    if (!marketAllowed(market_sequence, prediction)) {
      if (!gated_since_) gated_since_ = Clock::now();
      break;
    }
    gated_since_.reset();
    handleMarket(*bar);
    market_.take();
    ++handled;
  }
  inputs_since_checkpoint_ += static_cast<std::uint64_t>(handled);
  if (handled > 0) {
    rehearsed_ = false;
    last_input_ = Clock::now();
  }
  return handled;
}

// A feed that started again from its beginning (its ring made anew while this state carried over)
// brings bars and predictions the state already reflects; the core skips them. Said at most once a
// second, so that the log shows it without a line per bar.
void EngineAgent::reportSkipped() {
  const auto skipped = core_->skippedBars() + core_->skippedPredictions();
  if (skipped == skipped_reported_ || Clock::now() - skipped_reported_at_ < 1s) return;
  spdlog::warn("skipped {} bars and {} predictions no newer than what the state already reflects (event time {}): a feed that "
               "started again from its beginning? Input after that time is taken as usual",
               core_->skippedBars(), core_->skippedPredictions(), core_->nowNs());
  skipped_reported_ = skipped;
  skipped_reported_at_ = Clock::now();
}

void EngineAgent::handleMarket(const msg::Envelope& envelope) {
  const auto* bar = envelope.body_as_Bar();
  if (bar == nullptr) return;   // trades: the venue fills on bars
  const BarEvent event{bar->symbol()->str(), static_cast<std::int64_t>(bar->interval_s()), bar->open_time_ns(), bar->open_e8(),
                       bar->high_e8(), bar->low_e8(), bar->close_e8(), bar->volume_e8()};
  // Without an ml strategy an intent may follow this bar within microseconds: wake rrr-risk now.
  if (!needs_predictions_) intents_.stream.producer().headsUp();
  last_bar_ = event;
  CoreOutput out;
  core_->onBar(event, out);
  queue(std::move(out));
}

void EngineAgent::handlePrediction(const msg::Envelope& envelope) {
  const auto* prediction = envelope.body_as_Prediction();
  const PredictionEvent event{prediction->symbol()->str(), envelope.event_time_ns(), prediction->score(), prediction->confidence()};
  intents_.stream.producer().headsUp();   // an intent may follow within microseconds: wake rrr-risk now
  last_prediction_ = event;
  CoreOutput out;
  core_->onPrediction(event, out);
  queue(std::move(out));
}

// The intents go out right after the last snapshot (which rrr-risk must see before them) and
// before the rest of the exec records (new orders' records), which no one waits for.
void EngineAgent::queue(CoreOutput output) {
  std::size_t through_snapshot = 0;
  for (std::size_t i = 0; i < output.exec.size(); ++i) {
    if (std::holds_alternative<SnapshotRecord>(output.exec[i])) through_snapshot = i + 1;
  }
  for (std::size_t i = 0; i < through_snapshot; ++i) pending_.emplace_back(std::move(output.exec[i]));
  for (auto& intent : output.intents) pending_.emplace_back(std::move(intent));
  for (std::size_t i = through_snapshot; i < output.exec.size(); ++i) pending_.emplace_back(std::move(output.exec[i]));
}

bool EngineAgent::flush() {
  while (!pending_.empty()) {
    if (!publish(pending_.front())) return false;
    pending_.pop_front();
  }
  return true;
}

// Publishes one output, or, while replaying what the ring already holds, checks it against the
// ring and moves on.
bool EngineAgent::publish(const Pending& item) {
  const auto* intent = std::get_if<IntentOut>(&item);
  auto& output = intent != nullptr ? intents_ : exec_;
  // Built only when needed: a few string allocations per message otherwise.
  const auto keyOf = [&] { return intent != nullptr ? replayKey(*intent) : replayKey(std::get<ExecRecord>(item)); };
  if (output.next < output.held_end) {
    const auto key = keyOf();
    if (const auto held = output.stream.producer().segment().copyPublished(output.next)) {
      const auto decoded = messages::decode(*held);
      if (!decoded.ok() || replayKey(*decoded.value()) != key) {
        // Not what this engine published: stop replaying and publish from here on.
        ++replay_mismatches_;
        spdlog::error("replay differs from what the ring holds at {}: regenerated {}, held {}; publishing anew after the ring's end",
                      output.next, key, decoded.ok() ? replayKey(*decoded.value()) : decoded.error().message);
        for (auto* each : {&intents_, &exec_}) each->next = each->held_end = each->stream.producer().nextSequence();
        return publish(item);
      }
    }
    ++output.next;
    return true;
  }
  const auto status = intent != nullptr ? publishIntent(output.stream, *intent)
                                        : publishExec(output.stream, std::get<ExecRecord>(item), decisions_applied_);
  if (status == ring::PublishStatus::kMessageTooLarge) {
    spdlog::error("{} does not fit a ring slot; dropped", keyOf());
  } else if (status != ring::PublishStatus::kOk) {
    return false;
  }
  ++output.next;
  return true;
}

void EngineAgent::checkpoint(bool force) {
  force = force || force_checkpoint_;
  if (inputs_since_checkpoint_ == 0 && !force) return;
  const auto now = Clock::now();
  if (!force && now - last_checkpoint_ < checkpoint_every_) return;
  // A checkpoint takes 0.5-1 ms plus its disk flushes (~1 ms here): not from rrr-ingest's heads-up
  // to the end of its burst, nor just before the next heads-up of a paced feed, unless it is a
  // whole interval late (the inputs' commits wait for it).
  if (!force && (now - heads_up_at_ < kBurstQuiet || burstDueSoon(now)) && now - last_checkpoint_ < 2 * checkpoint_every_) return;
  EngineCheckpoint checkpoint;
  checkpoint.core = core_->save();
  checkpoint.decisions_applied = decisions_applied_;
  for (auto [name, input] : {std::pair{"md", &market_}, std::pair{"pred", &predictions_}, std::pair{"decision", &decisions_}}) {
    checkpoint.rings[name] = RingPosition{instanceOf(*input), input->consumer().cursor()};
  }
  checkpoint.rings["intent"] = RingPosition{instanceOf(intents_.stream), intents_.next};
  checkpoint.rings["exec"] = RingPosition{instanceOf(exec_.stream), exec_.next};
  if (auto status = writeCheckpoint(checkpoint_path_, checkpoint); !status.ok()) {
    spdlog::error("checkpoint not written (the inputs stay uncommitted): {}", status.error().message);
    return;
  }
  // Only now may the producers reuse what the checkpoint covers.
  for (auto* input : {&market_, &predictions_, &decisions_}) {
    if (input->consumer().cursor() > 0) input->commitThrough(input->consumer().cursor() - 1);
  }
  inputs_since_checkpoint_ = 0;
  force_checkpoint_ = false;
  last_checkpoint_ = Clock::now();
}

// A paced feed's bursts come one period apart: whether the next is due within kCheckpointLead
// (or a little overdue).
bool EngineAgent::burstDueSoon(Clock::time_point now) const {
  if (burst_period_ <= Clock::duration::zero() || burst_period_ > kSteadyBurstsWithin) return false;
  const auto until_next = burst_at_ + burst_period_ - now;
  return until_next < kCheckpointLead && until_next > -kBurstQuiet;
}

void EngineAgent::idle(std::chrono::milliseconds max_wait) {
  if (!pending_.empty()) {   // an output ring is full: its readers must move first
    ring::runBeforeBlocking();
    std::this_thread::sleep_for(std::min(max_wait, std::chrono::milliseconds(1)));
  } else if (core_->awaitingDecisions() > 0) {
    decisions_.waitForMessage(std::min(max_wait, std::chrono::milliseconds(10)), ring::IdlePolicy::spinWindow(kDecisionSpin));
  } else if (gated_since_) {
    // rrr-infer commits after it publishes; its prediction (or its cursor) is microseconds away.
    predictions_.waitForMessage(std::min(max_wait, std::chrono::milliseconds(1)), ring::IdlePolicy::spinWindow(kPredictionSpin));
  } else if (needs_predictions_) {
    // The hot path runs through predictions: on rrr-ingest's heads-up (~1 ms before a bar) rehearse,
    // then poll for the bar and its prediction, yielding the core (rrr-infer may need it), so that
    // the bar's fills are done while rrr-infer works. Bars with no prediction are handled at the
    // latest 50 ms later, as is the kill switch.
    // Only in a paced burst: with an unpaced feed no heads-up comes, and the engine blocks between
    // inputs (under realtime_priority a poll would keep rrr-store off the core).
    if (const auto now = Clock::now(); now - last_input_ < kBurstPoll && now - heads_up_at_ < kRehearsalPoll) {
      pollInputs(last_input_ + kBurstPoll);
      return;
    }
    const auto woke = predictions_.waitForMessageOrHeadsUp(std::min(max_wait, std::chrono::milliseconds(50)));
    if (woke != ring::RingConsumer::Wake::kHeadsUp) return;
    const auto now = Clock::now();
    if (now - heads_up_at_ >= kBurstQuiet) {   // the first of a burst
      burst_period_ = now - burst_at_;
      burst_at_ = now;
    }
    heads_up_at_ = now;
    if (!rehearsed_ && Clock::now() - last_input_ >= kRehearseAfterIdle) rehearse();
    pollInputs(Clock::now() + kRehearsalPoll);
  } else {
    market_.waitForMessage(std::min(max_wait, std::chrono::milliseconds(50)), ring::IdlePolicy::headsUp(kMarketSpin));
  }
}

// Until md or pred has a message or `until`, yielding the core every few polls.
void EngineAgent::pollInputs(Clock::time_point until) {
  ring::Backoff backoff(ring::IdlePolicy::spinWindow(until - Clock::now()));
  while (!market_.consumer().available() && !predictions_.consumer().available()) {
    if (backoff.shouldBlock()) return;
  }
}

// Decodes the last message of md and pred again, then runs the next bar of the last series and a
// prediction of the opposite sign (so that a signal strategy acts) through a copy of the state,
// and encodes the output. Nothing is published and core_ is untouched.
void EngineAgent::rehearse() {
  rehearsed_ = true;
  for (const auto* input : {&market_, &predictions_}) (void)input->copyNewest();
  if (!last_bar_ || !last_prediction_ || !rehearsal_core_->restore(core_->save()).ok()) return;
  const std::int64_t step_ns = last_bar_->interval_s * 1'000'000'000;
  auto bar = *last_bar_;
  bar.open_time_ns += step_ns;
  auto prediction = *last_prediction_;
  prediction.time_ns += step_ns;
  prediction.score = -prediction.score;
  CoreOutput out;
  rehearsal_core_->onBar(bar, out);
  rehearsal_core_->onPrediction(prediction, out);
  (void)encodeForRehearsal(out, rehearsal_builder_);
}

std::vector<process::RingLagReport> EngineAgent::ringLags() const {
  return {market_.lag(), predictions_.lag(), decisions_.lag()};
}

bool EngineAgent::degraded() const { return !degradedReason().empty(); }

std::string EngineAgent::degradedReason() const {
  const auto now = Clock::now();
  if (awaiting_since_ && now - *awaiting_since_ > decision_timeout_) {
    return "fail closed: " + std::to_string(core_->awaitingDecisions()) + " intents have waited " +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now - *awaiting_since_).count()) +
           " ms for rrr-risk; nothing is executed until it decides";
  }
  if (gated_since_ && now - *gated_since_ > kInferWaitReported) {
    return "waiting " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now - *gated_since_).count()) +
           " ms for rrr-infer to read the next bar (an ml strategy needs its prediction first)";
  }
  if (replay_mismatches_ > 0) {
    return std::to_string(replay_mismatches_) + " messages regenerated after a restart differ from what the rings held (see the log)";
  }
  return {};
}

void EngineAgent::onStop() {
  flush();
  if (core_->awaitingDecisions() == 0 && pending_.empty()) checkpoint(true);
}

}  // namespace rrr::engine
