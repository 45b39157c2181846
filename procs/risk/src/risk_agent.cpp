#include "risk/risk_agent.h"

#include "common/fixed_point.h"
#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"
#include "common/ring/ring_producer.h"
#include "risk/prior_decisions.h"
#include "risk/risk_limits_config.h"
#include "risk/risk_recovery.h"
#include "store/store_files.h"

namespace rrr::risk {

std::unique_ptr<RiskAgent> RiskAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  auto limits = loadRiskLimits(settings->node("limits"), settings->where());
  if (!limits.ok()) {
    spdlog::error("{}", limits.error().message);
    return nullptr;
  }
  auto intents = process::attachInput(runtime, "intent");
  auto decisions = process::openOutput(runtime, "decision");
  auto market = process::attachInput(runtime, "md", ring::ConsumerKind::kLossy);
  auto exec = process::attachInput(runtime, "exec", ring::ConsumerKind::kLossy);
  if (!intents || !decisions || !market || !exec) return nullptr;
  RiskSwitches switches(runtime.context().data_dir / "risk");
  auto agent = std::unique_ptr<RiskAgent>(new RiskAgent(std::move(*intents), std::move(*decisions), std::move(*market), std::move(*exec),
                                                        std::move(limits).value(), std::move(switches)));
  recoverFromRings(agent->exec_.consumer().segment(), agent->output().producer().segment(), agent->input().consumer().segment(),
                   agent->tracker_, agent->gate_);
  // At every start, not only on a new decision ring: a restart of rrr-risk while the engine still
  // regenerates after a power cut finds a ring that holds only part of what was decided.
  if (auto prior = PriorDecisions::open(store::tradingDatabase(runtime.context().data_dir / "db")); !prior.ok()) {
    spdlog::warn("the decisions stored before cannot be read ({}): every intent is decided afresh", prior.error().message);
  } else {
    agent->prior_ = std::move(prior).value();
  }
  agent->seedPrices();
  agent->refreshSwitches();   // before the first intent, and before this process says it is ready
  agent->recordApplied();     // the state found at start is applied too, changed or not
  return agent;
}

RiskAgent::RiskAgent(process::InputStream intents, process::OutputStream decisions, process::InputStream market,
                     process::InputStream exec, RiskLimits limits, RiskSwitches switches)
    : TransformAgent(std::move(intents), std::move(decisions)),
      market_(std::move(market)),
      exec_(std::move(exec)),
      gate_(std::move(limits)),
      switches_(std::move(switches)),
      switch_watch_(switches_.dir()),
      switch_waker_(switches_.dir(), [&segment = input().consumer().segment()] { ring::headsUp(segment); }),
      recorded_(switches_.applied()),
      turns_applied_(recorded_.kill_switch_turns) {
  applied_.rearms = recorded_.rearms;   // a re-arm counted on disk beyond this is one not acted on yet
  tracker_.rearm(recorded_.rearms, recorded_.rearm_equity_e8);
}

void RiskAgent::notePrice(const msg::Envelope& envelope) {
  if (const auto* bar = envelope.body_as_Bar()) account_.last_prices_e8[bar->symbol()->str()] = bar->close_e8();
  if (const auto* trade = envelope.body_as_Trade()) account_.last_prices_e8[trade->symbol()->str()] = trade->price_e8();
}

int RiskAgent::readPrices() {
  return market_.poll([this](const msg::Envelope& envelope, std::uint64_t) {
    notePrice(envelope);
    return true;
  });
}

void RiskAgent::seedPrices() {
  for (const auto& copy : market_.copyNewest(kPriceSeedMessages)) notePrice(*copy.envelope);   // oldest first: the newest wins
  if (!account_.last_prices_e8.empty()) spdlog::info("last prices of {} symbols from md's newest messages", account_.last_prices_e8.size());
}

int RiskAgent::readAccount() {
  return exec_.poll([this](const msg::Envelope& envelope, std::uint64_t) {
    if (const auto* snapshot = envelope.body_as_PortfolioSnapshot()) {
      tracker_.onSnapshot(*snapshot);
      account_read_ = true;
    }
    return true;
  });
}

bool RiskAgent::publishLimits() {
  if (!limits_pending_) return true;
  auto& fbb = output().startMessage();
  std::vector<flatbuffers::Offset<msg::RiskLimitValue>> values;
  for (const auto& [name, value] : limitRows(gate_.limits())) values.push_back(msg::CreateRiskLimitValue(fbb, fbb.CreateString(name), value));
  const auto body = msg::CreateRiskLimitSet(fbb, fbb.CreateVector(values));
  if (output().publish(body, messages::wallClockNs(), lastCause()) != ring::PublishStatus::kOk) return false;
  limits_pending_ = false;
  return true;
}

bool RiskAgent::refreshSwitches() {
  // Called on every poll: nothing is read or copied unless the folder changed.
  if (switch_watch_.changed()) {
    auto state = switches_.read();
    if (!state.halt && state.rearms == applied_.rearms && !unwritten_halt_) {
      // Removed without a re-arm's count: by hand (while this process ran, or before its start), or
      // by a re-arm that counted before this process halted again and then removed the new halt.
      // Only a counted re-arm lifts a halt; halt_applied holds the one in force across restarts.
      if (const auto in_force = switches_.haltApplied()) {
        spdlog::warn("data/risk/halt was removed without `rrr-risk rearm`: trading stays halted ({}); the file is written again",
                     *in_force);
        const bool announce = !gate_.halted();   // at the start, as a halt found on disk is
        gate_.halt(*in_force);
        recordHalt(*in_force, announce);
        state.halt = *in_force;
      }
    }
    if (state != applied_) {
      // Off, with a turn on never announced (risk_switches.h): turned on and off again unseen, or an
      // on read while its RiskEvent was held back by a full ring. Announced as an on before the off.
      if (!state.kill_switch && state.kill_switch_turns != turns_applied_) unseen_on_pending_ = true;
      gate_.setKillSwitch(state.kill_switch.has_value());
      if (state.rearms > applied_.rearms) {
        // A halt still on disk here is the one the re-arm removes next (the count is written first):
        // taken as removed, so that its removal is no change of state and no second RiskEvent.
        state.halt.reset();
        gate_.rearm();
        tracker_.rearm(state.rearms, std::nullopt);
        // Before the count is recorded as applied: the other order, interrupted, would leave a
        // halt a restart takes for one removed by hand.
        if (auto cleared = switches_.clearHaltApplied(); !cleared.ok()) {
          spdlog::error("the re-arm is applied, but {}: the next start of rrr-risk halts again", cleared.error().message);
        }
        rearm_pending_ = true;
        spdlog::warn("re-armed by hand (re-arm {}): the halt is lifted, and daily loss and drawdown are measured afresh from {}",
                     state.rearms, rearmedFrom());
      } else if (state.halt) {
        gate_.halt(*state.halt);
      }
      spdlog::warn("kill switch {}{}; trading {}{}", state.kill_switch ? "on: " : "off", state.kill_switch.value_or(""),
                   gate_.halted() ? "halted: " : "not halted", gate_.haltReason());
      applied_ = std::move(state);
      event_pending_ = true;
    }
  }
  if (unseen_on_pending_) {
    if (!publishEvent(msg::RiskRule::KillSwitch, msg::Severity::Critical, 0, 0, true, gate_.halted(),
                      "kill switch on, and off again before rrr-risk looked")) {
      return false;
    }
    spdlog::warn("the kill switch was turned on and off again before this process looked: applied as an on and an off");
    unseen_on_pending_ = false;
  }
  // An engine whose account reflects fewer re-arms (its decision ring made anew since): any event
  // tells it the count, once per start of this process.
  const bool catch_up = !rearms_told_ && tracker_.engineBehindRearms() && !rearm_pending_;
  if (catch_up) event_pending_ = true;
  if (!event_pending_) return true;
  // The gate's state: a halt rrr-risk could not write to data/risk still holds in this process.
  const bool killed = gate_.killSwitch(), halted = gate_.halted();
  const std::string rearmed =
      rearm_pending_ ? "re-armed by hand; daily loss and drawdown measured afresh from " + rearmedFrom() + "; "
      : catch_up     ? "the engine's account predates re-arm " + std::to_string(applied_.rearms) + " (done while it was down): told the count; "
                     : std::string();
  const std::string detail = rearmed +
                             (killed ? "kill switch on: " + applied_.kill_switch.value_or("") : std::string("kill switch off")) +
                             (halted ? "; halted: " + gate_.haltReason() : std::string(""));
  const auto rule = killed ? msg::RiskRule::KillSwitch
                    : halted ? msg::RiskRule::TradingHalted
                             : (rearm_pending_ || catch_up ? msg::RiskRule::Rearmed : msg::RiskRule::KillSwitch);
  if (!publishEvent(rule, killed || halted ? msg::Severity::Critical : msg::Severity::Warning, 0, 0, killed, halted, detail)) {
    return false;
  }
  event_pending_ = false;
  rearm_pending_ = false;
  recordApplied();
  return true;
}

std::string RiskAgent::rearmedFrom() const {
  return tracker_.rearmEquity() ? "equity " + formatFixed(*tracker_.rearmEquity()) : std::string("the next snapshot's equity");
}

// An account-wide RiskEvent (no symbol, no order id); false if the ring held it back.
bool RiskAgent::publishEvent(msg::RiskRule rule, msg::Severity severity, double limit, double observed, bool killed, bool halted,
                             std::string_view detail) {
  auto& fbb = output().startMessage();
  const auto event = msg::CreateRiskEvent(fbb, rule, severity, 0, 0, limit, observed, killed, halted,
                                          fbb.CreateString(detail.substr(0, 512)), applied_.rearms);
  if (output().publish(event, messages::wallClockNs(), lastCause()) != ring::PublishStatus::kOk) return false;
  rearms_told_ = true;
  return true;
}

// Not written, the count is acted on once more after a restart (open orders are cancelled again),
// and the command that turned the switch is not told it took effect: so it is written again every
// second until it is, and the process reports Degraded meanwhile.
void RiskAgent::recordApplied() {
  if (event_pending_ || unseen_on_pending_) return;
  turns_applied_ = applied_.kill_switch_turns;
  const AppliedSwitch now{turns_applied_, gate_.killSwitch(), applied_.rearms, tracker_.rearmEquity()};
  if (now == recorded_) {
    unwritten_applied_.reset();
    return;
  }
  if (auto status = switches_.recordApplied(now); !status.ok()) {
    if (!unwritten_applied_) {
      spdlog::error("the kill switch state applied is not on disk: {}; retrying every second (until then a restart of rrr-risk "
                    "applies the last on again, and the commands that turn the switch are not told it took effect)",
                    status.error().message);
    }
    unwritten_applied_ = status.error().message;
    applied_retry_at_ = std::chrono::steady_clock::now() + kWriteRetry;
    return;
  }
  if (unwritten_applied_) spdlog::info("the kill switch state applied is on disk now: {}", (switches_.dir() / "kill_switch_applied").string());
  unwritten_applied_.reset();
  recorded_ = now;
}

// Before any waiting intent (doWork) and again as each intent is decided (handle, for a snapshot
// read in between), so that a breach the snapshot shows is reported as such (with no order id)
// and halts before that intent is decided. Without account limits there is nothing to
// check, and the account is filled only for the intents.
bool RiskAgent::haltOnAccountBreach() {
  if (!gate_.hasAccountLimits()) account_read_ = false;
  if (!breach_pending_ && account_read_) {
    account_read_ = false;
    tracker_.fill(account_);
    breach_pending_ = gate_.checkAccount(account_);
    if (breach_pending_) {
      spdlog::warn("trading halted: {}", breach_pending_->detail);
      recordHalt(breach_pending_->detail, false);   // the breach's RiskEvent says trading is halted
    }
  }
  if (!breach_pending_) return true;
  const auto& breach = *breach_pending_;
  if (!publishEvent(breach.rule, msg::Severity::Critical, breach.limit, breach.observed, gate_.killSwitch(), true, breach.detail)) {
    return false;
  }
  breach_pending_.reset();
  return true;
}

// Taken as applied once on disk, so that the switch folder's watch does not report it again.
void RiskAgent::recordHalt(const std::string& breach, bool announce) {
  if (announce) event_pending_ = true;
  if (auto status = switches_.recordHalt(breach); !status.ok()) {
    if (!unwritten_halt_) spdlog::error("trading halted, but the halt is not on disk: {}; retrying every second", status.error().message);
    unwritten_halt_ = breach;
    unwritten_error_ = status.error().message;
    unwritten_kept_ = switches_.haltApplied() == breach;
    halt_retry_at_ = std::chrono::steady_clock::now() + kWriteRetry;
    return;
  }
  if (unwritten_halt_) spdlog::info("the halt is on disk now: {}", (switches_.dir() / "halt").string());
  unwritten_halt_.reset();
  applied_.halt = breach;
}

void RiskAgent::retryUnwrittenHalt() {
  if (std::chrono::steady_clock::now() < halt_retry_at_) return;
  const std::string breach = *unwritten_halt_;
  recordHalt(breach, false);
}

std::string RiskAgent::degradedReason() const {
  std::string reason;
  if (unwritten_halt_) {
    reason = "trading halted (" + unwritten_halt_->substr(0, 200) + "), but the halt is not on disk: " + unwritten_error_ +
             "; retrying every second" +
             (unwritten_kept_ ? " (halt_applied holds it: a restart of rrr-risk keeps it)" : " (until then a restart of rrr-risk would lift it)");
  }
  if (unwritten_applied_) {
    reason += (reason.empty() ? "" : "; ") + std::string("the kill switch state applied (") + (gate_.killSwitch() ? "on" : "off") +
              ", turn " + std::to_string(turns_applied_) + ") is not on disk: " + *unwritten_applied_ +
              "; retrying every second (the commands that turn the switch are not told it took effect)";
  }
  return reason;
}

int RiskAgent::doWork() {
  if (unwritten_halt_) retryUnwrittenHalt();
  if (unwritten_applied_ && std::chrono::steady_clock::now() >= applied_retry_at_) recordApplied();
  const int prices = readPrices() + readAccount();
  // These go out before any decision.
  if (!publishLimits() || !refreshSwitches() || !haltOnAccountBreach()) return prices;
  const int work = prices + TransformAgent::doWork();
  if (work > 0) {
    rehearsed_ = false;
    last_work_ = std::chrono::steady_clock::now();
  }
  return work;
}

// A heads-up comes from rrr-ingest ~1 ms before a bar (after an idle spell: rehearse, then poll for
// the intent) and from the engine as it takes a prediction (an intent may follow within
// microseconds: only poll; so too between unpaced inputs). Within a paced burst, a decision is
// followed by polling too: the close's next symbol's intent comes within tens of microseconds,
// and the engine's heads-up for it comes too late to cover a futex wake-up (~30-300 us).
void RiskAgent::idle(std::chrono::milliseconds max_wait) {
  using Clock = std::chrono::steady_clock;
  if (const auto now = Clock::now(); now - burst_heads_up_at_ < kBurstWindow && now - last_work_ < kPollAfterDecision) {
    pollForIntent(last_work_ + kPollAfterDecision - now);
    return;
  }
  burst_cpu_.leave();
  if (input().waitForMessageOrHeadsUp(max_wait) != ring::RingConsumer::Wake::kHeadsUp) return;
  if (switch_waker_.takeWake()) return;   // the switch folder changed: doWork looks at it now
  if (const auto now = Clock::now(); now - last_work_ >= kIdleBeforeBurst) {
    burst_cpu_.enter();
    burst_heads_up_at_ = now;   // rrr-ingest's, ahead of a bar
    if (!rehearsed_) rehearse();
  }
  pollForIntent(kBurstWindow);
}

// Polls for the intent, yielding the core at every poll (the stages before this one may need it),
// and takes prices and account records as they come: the engine publishes the bar's fills and the
// snapshot an intent follows before the intent, so the intent finds them read already. The
// switches are looked at on every poll too: cold after a millisecond of polling, the look before
// a decision (then a stat of the folder) took 15-25 us on the decision path (0.7 us warm).
void RiskAgent::pollForIntent(std::chrono::nanoseconds window) {
  const auto until = std::chrono::steady_clock::now() + window;
  ring::Backoff backoff(ring::IdlePolicy{0, 1'000'000, ring::IdlePolicy::block_timeout_default()});
  while (!input().consumer().available() && std::chrono::steady_clock::now() < until) {
    readPrices();
    readAccount();
    (void)refreshSwitches();   // a change is published now; held back, doWork publishes it
    (void)backoff.shouldBlock();
  }
}

// While the kill switch or a halt is in force every new order is refused, stored decision or not.
std::optional<PriorDecision> RiskAgent::priorDecision(const IntentView& intent) {
  if (!prior_.active() || gate_.killSwitch() || gate_.halted()) return std::nullopt;
  auto found = prior_.find(intent);
  if (!found.ok()) {
    spdlog::warn("stored decisions unreadable ({}): {} given again, deciding afresh from intent {}", found.error().message, prior_.found(),
                 intent.client_order_id);
    return std::nullopt;
  }
  if (!found.value() && prior_.found() > 0) {
    spdlog::info("{} regenerated intents got their stored decisions again; intent {} and those after it are new", prior_.found(),
                 intent.client_order_id);
  } else if (found.value() && prior_.found() == 1) {
    spdlog::info("the store already holds a decision for intent {} (the engine regenerating what it did before): that "
                 "decision is given again, and to each regenerated intent after it", intent.client_order_id);
  }
  return std::move(found).value();
}

void RiskAgent::rehearse() {
  rehearsed_ = true;
  for (const auto* stream : {&input(), &market_}) (void)stream->copyNewest();
  // The engine's records of a close (fills, order updates, orders, a snapshot) come just before its
  // intent, and each is verified and the snapshot applied before the intent is decided.
  AccountTracker tracker = tracker_;
  for (const auto& copy : exec_.copyNewest(kExecRehearsed)) {
    if (const auto* snapshot = copy.envelope->body_as_PortfolioSnapshot()) tracker.onSnapshot(*snapshot);
  }
  if (!last_intent_) return;
  RiskGate gate = gate_;
  AccountView account = account_;
  tracker.fill(account);
  const auto verdict = gate.check(*last_intent_, account);
  auto& fbb = output().startMessage();
  const auto decision = msg::CreateRiskDecision(fbb, fbb.CreateString(last_intent_->client_order_id), verdict.approved, verdict.rule,
                                                verdict.limit, verdict.observed, fbb.CreateString(verdict.detail.substr(0, 512)));
  output().rehearse(decision, last_intent_->time_ns);
}

std::vector<process::RingLagReport> RiskAgent::ringLags() const {
  auto lags = TransformAgent::ringLags();
  lags.push_back(market_.lag());
  lags.push_back(exec_.lag());
  return lags;
}

process::TransformAgent::Outcome RiskAgent::handle(const msg::Envelope& input, std::uint64_t sequence,
                                                   process::OutputStream& output) {
  const auto* intent = input.body_as_OrderIntent();
  if (intent == nullptr) return Outcome::kDone;
  if (decided_ && decided_->first == sequence && decided_->second.approved && intent->action() != msg::IntentAction::Cancel &&
      (gate_.killSwitch() || gate_.halted())) {
    // Held back by a full ring while the kill switch came on or trading halted: its RiskEvent went
    // out first, and the engine, having cancelled every order, would place this one after it.
    spdlog::info("intent {}: approved, but held back by a full ring until the {} came: decided again",
                 intent->client_order_id()->str(), gate_.killSwitch() ? "kill switch" : "halt");
    gate_.withdrawApproval(intent->decision_time_ns());
    decided_.reset();
  }
  if (!decided_ || decided_->first != sequence) {
    IntentView view;
    view.client_order_id = intent->client_order_id()->str();
    view.symbol = intent->symbol()->str();
    view.action = intent->action();
    view.side = intent->side();
    view.type = intent->order_type();
    view.quantity_e8 = intent->quantity_e8();
    view.limit_price_e8 = intent->limit_price_e8();
    view.stop_price_e8 = intent->stop_price_e8();
    view.time_ns = intent->decision_time_ns();
    readAccount();   // the engine published the snapshot this intent follows before the intent
    // A breach that snapshot shows is the snapshot's, however it and the intent interleaved with
    // doWork's reads: it halts (with no order id) before this intent is decided.
    if (!haltOnAccountBreach()) return Outcome::kHeldBack;
    tracker_.fill(account_);
    const auto prior = priorDecision(view);
    decided_.emplace(sequence, prior ? gate_.adopt(view, prior->verdict, prior->approvals_before) : gate_.check(view, account_));
    last_intent_ = std::move(view);
    // The decision is the order's; the halt is published apart (the engine then cancels what rests).
    if (decided_->second.halts) recordHalt(decided_->second.detail, true);
  }
  const auto& verdict = decided_->second;
  if (!verdict.approved) spdlog::info("intent {} rejected: {}", intent->client_order_id()->str(), verdict.detail);
  auto& fbb = output.startMessage();
  const auto decision = msg::CreateRiskDecision(fbb, fbb.CreateString(intent->client_order_id()->string_view()), verdict.approved,
                                                verdict.rule, verdict.limit, verdict.observed,
                                                fbb.CreateString(verdict.detail.substr(0, 512)));
  const auto outcome = process::outcomeOf(output.publish(decision, input.event_time_ns(), sequence));
  if (outcome == Outcome::kDone) {
    if (verdict.approved && intent->action() != msg::IntentAction::Cancel) {
      tracker_.onApproved(output.producer().nextSequence() - 1, intent->symbol()->str(),
                          intent->side() == msg::Side::Buy ? intent->quantity_e8() : -intent->quantity_e8());
    }
    decided_.reset();
  }
  return outcome;
}

}  // namespace rrr::risk
