#pragma once
// rrr-risk: one RiskDecision per OrderIntent (intent ring -> decision ring) through the RiskGate,
// with the limits of its settings, the last prices from the md ring (as a lossy reader: only the
// newest price matters), and the kill switch and halt from data/risk (risk_switches.h). A change
// of either is published as a RiskEvent on the decision ring, with the cause of the last
// decision, so a restart resumes exactly. A breach that halts trading is written to data/risk.
//
// Positions, open orders and equity come from the engine's PortfolioSnapshots on the exec ring
// (lossy: only the newest matters), read again before every decision, plus the orders risk
// approved since (account_tracker.h). Daily loss and drawdown are also checked on every snapshot:
// a breach halts trading at once, not at the next intent. The limits are published once at start
// (RiskLimitSet) for the store's risk_limits table. An intent the store already holds a decision
// for (the engine regenerating after the rings were made anew) gets that decision again
// (prior_decisions.h).
//
// The hot path (docs/ARCHITECTURE.md): on rrr-ingest's heads-up ~1 ms before a bar, rrr-risk
// rehearses: it decodes the last message of each input again (of exec, the last few, the newest
// snapshot applied to a copy of its account), checks its last intent against a copy of the gate
// and encodes the decision, publishing nothing, so that the bar's intent finds
// the code and data warm. Then it polls for the intent, yielding the core, and within that burst it
// polls again for 300 us after each decision (the close's next symbol's intent is near).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/os/burst_cpu.h"
#include "common/process/transform_agent.h"
#include "risk/account_tracker.h"
#include "risk/prior_decisions.h"
#include "risk/risk_gate.h"
#include "risk/risk_switches.h"
#include "risk/switch_waker.h"
#include "risk/switch_watch.h"

namespace rrr::risk {

class RiskAgent : public process::TransformAgent {
 public:
  static std::unique_ptr<RiskAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  void prepareForBurst() override {
    TransformAgent::prepareForBurst();
    market_.consumer().prefaultAhead();
    exec_.consumer().prefaultAhead();
  }
  std::vector<process::RingLagReport> ringLags() const override;
  // Degraded while a halt is in force that data/risk does not hold yet, or the switch state it
  // announced last is not in data/risk/kill_switch_applied.
  bool degraded() const override { return unwritten_halt_.has_value() || unwritten_applied_.has_value(); }
  std::string degradedReason() const override;

 protected:
  Outcome handle(const msg::Envelope& input, std::uint64_t sequence, process::OutputStream& output) override;

 private:
  RiskAgent(process::InputStream intents, process::OutputStream decisions, process::InputStream market, process::InputStream exec,
            RiskLimits limits, RiskSwitches switches);
  int readPrices();
  void notePrice(const msg::Envelope& envelope);
  // The last prices on md at this process's start, from its newest messages: they include what an
  // earlier rrr-risk had read, and what rrr-ingest published before this one attached (a new lossy
  // reader starts at the ring's end). Without them, intents on those bars were refused, "no last
  // price", until md's next message.
  void seedPrices();
  int readAccount();
  bool publishLimits();
  // Applies a changed switch state to the gate and publishes it; false if held back (retried).
  bool refreshSwitches();
  // Writes the switch state announced last to data/risk (the commands that turn the switch wait for
  // it), once nothing of it is held back and only when it changed.
  void recordApplied();
  // What the last re-arm measures daily loss and drawdown from, for the log and its RiskEvent.
  std::string rearmedFrom() const;
  bool publishEvent(msg::RiskRule rule, msg::Severity severity, double limit, double observed, bool killed, bool halted,
                    std::string_view detail);
  // Checks daily loss and drawdown on a new account record, halts on a breach and publishes it;
  // false if the RiskEvent is held back (retried).
  bool haltOnAccountBreach();
  // Writes a halt to data/risk; announce: publish the switch state as a RiskEvent too. A halt
  // that cannot be written holds in this process and is written again every second until it is
  // on disk (a restart of rrr-risk would otherwise lift it, and `rrr-risk rearm` could not).
  void recordHalt(const std::string& breach, bool announce);
  void retryUnwrittenHalt();
  std::optional<PriorDecision> priorDecision(const IntentView& intent);
  void rehearse();
  void pollForIntent(std::chrono::nanoseconds window);

  process::InputStream market_;
  process::InputStream exec_;
  AccountTracker tracker_;
  bool limits_pending_ = true;
  RiskGate gate_;
  RiskSwitches switches_;
  SwitchWatch switch_watch_;   // of switches_.dir(); applied_ is read again after it saw a change
  SwitchWaker switch_waker_;   // wakes idle() on a change: a heads-up on the intent ring
  SwitchState applied_;
  bool event_pending_ = false;
  AppliedSwitch recorded_;           // data/risk/kill_switch_applied as this process last read or wrote it
  std::uint64_t turns_applied_;      // the kill switch's turns announced (their RiskEvent out)
  bool unseen_on_pending_ = false;   // a turn on and off again not announced yet
  bool rearm_pending_ = false;       // a re-arm applied, its RiskEvent not out yet
  bool rearms_told_ = false;         // a RiskEvent (each carries applied_.rearms) went out since the start
  bool account_read_ = false;                        // a snapshot came since the account rules ran
  std::optional<Verdict> breach_pending_;            // a halting breach whose RiskEvent is not out yet
  AccountView account_;
  std::optional<std::pair<std::uint64_t, Verdict>> decided_;   // kept while its decision is held back
  std::optional<IntentView> last_intent_;
  PriorDecisions prior_;   // from the start until the first intent the store holds no decision for
  // A heads-up after this long without work is rrr-ingest's, ahead of a bar.
  static constexpr auto kIdleBeforeBurst = std::chrono::milliseconds(5);
  // From rrr-ingest's heads-up: covers its lead (~1 ms) and the close's intents.
  static constexpr auto kBurstWindow = std::chrono::milliseconds(2);
  static constexpr auto kPollAfterDecision = std::chrono::microseconds(300);
  // How many of exec's newest messages a rehearsal verifies again: a close's records of both
  // symbols (fills, updates, orders, snapshots) and the accepted orders' after them.
  static constexpr std::size_t kExecRehearsed = 12;
  // How many of md's newest messages seedPrices() reads: every symbol's last bar, with a few
  // intervals and trades in between.
  static constexpr std::size_t kPriceSeedMessages = 4096;

  std::optional<std::string> unwritten_halt_;   // the breach, while data/risk/halt does not hold it
  std::string unwritten_error_;
  bool unwritten_kept_ = false;   // halt_applied holds it: a restart writes it again
  std::chrono::steady_clock::time_point halt_retry_at_;
  std::optional<std::string> unwritten_applied_;   // why kill_switch_applied could not be written, while it cannot
  std::chrono::steady_clock::time_point applied_retry_at_;
  static constexpr auto kWriteRetry = std::chrono::seconds(1);

  bool rehearsed_ = false;   // since the last work done: one rehearsal per burst
  os::BurstCpu burst_cpu_{os::BurstCpu::Side::kOthers};   // the cores it shares with rrr-infer in a paced burst
  std::chrono::steady_clock::time_point last_work_;
  std::chrono::steady_clock::time_point burst_heads_up_at_;
};

}  // namespace rrr::risk
