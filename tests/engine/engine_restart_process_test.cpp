// rrr-engine and rrr-risk as real processes across restarts: a deterministic replay gives the same
// orders, fills and positions whether or not the engine or risk is SIGKILLed on the way, the
// whole system is stopped and started on new rings, or the power is cut.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <thread>

#include "../supervisor/rrr_system.h"
#include "common/messages/envelope.h"
#include "common/ring/ring_segment.h"
#include "supervisor/config.h"
#include "support/shared_data.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

constexpr const char* kStrategies =
    "settings: {checkpoint_every_ms: 200, decision_timeout_ms: 300, strategies: ["
    "{id: model, type: ml_signal, symbols: [BTCUSDT], enter: 0.08, exit: 0.02, quantity: 0.01}, "
    "{id: trend, type: ma_cross, symbols: [BTCUSDT], fast: 5, slow: 20, quantity: 0.02, allow_short: true}, "
    "{id: revert, type: bollinger, symbols: [BTCUSDT], period: 20, width: 1.5, quantity: 0.01, order: limit, limit_offset_bps: 2}]}";

// 2000 minutes of a real BTC perpetual 1m file, replayed at 10000x (about 12 s, so that the kills
// still come mid-session after a slow start under sanitizers): the same bytes on md every run.
std::string replayConfig() {
  auto config = pipelineConfig();
  replaceOnce(config, "settings: {pace: 6000x}",
              "settings: {source: replay, pace: 10000x, aggregate: [5m], files: [{path: perp.csv, symbol: BTCUSDT, format: csv, "
              "time: datetime, columns: {time: timestamp, open: open, high: high, low: low, close: close, volume: volume}}]}");
  replaceOnce(config, "capacity: 4096, producer: ingest", "capacity: 65536, producer: ingest");
  replaceOnce(config, kPipelineStrategies, kStrategies);
  return config;
}

void writeFeed(const RrrSystem& sut) {
  std::ifstream in(sharedData() / "ohlcv/nautilus_trader/btc-perp-20211231-20220201_1m.csv");
  std::ofstream out(sut.root() / "perp.csv");
  std::string line;
  for (int n = 0; n <= 2000 && std::getline(in, line); ++n) out << line << '\n';
}

// What the run left: every order, order update, fill and position, and the last snapshot.
struct Outcome {
  std::string orders, updates, fills, positions, snapshot;
  std::string refusals;   // rrr-risk's, with rule and detail: what a difference in orders comes from
};

Outcome outcomeOf(const RrrSystem& sut) {
  return {query(sut, "SELECT client_order_id, status, quantity_e8, filled_quantity_e8, average_fill_price_e8 FROM orders ORDER BY 1"),
          query(sut, "SELECT client_order_id, previous_status, status, filled_quantity_e8, time_ns FROM order_updates ORDER BY 1, 5, 3"),
          query(sut, "SELECT fill_id, side, price_e8, quantity_e8, fee_e8, time_ns FROM trades ORDER BY 1"),
          query(sut, "SELECT symbol, quantity_e8, average_cost_e8, realized_pnl_e8 FROM positions ORDER BY 1"),
          query(sut, "SELECT time_ns, equity_e8, realized_pnl_e8, fees_paid_e8 FROM portfolio_snapshots ORDER BY time_ns DESC LIMIT 1"),
          query(sut, "SELECT client_order_id, rule, detail, decided_ns FROM risk_decisions WHERE approved = 0 ORDER BY decided_ns LIMIT 20")};
}

bool durableReadersCaughtUp(const RrrSystem& sut) {
  const auto prefix = supervisor::ringPrefixFor(std::filesystem::weakly_canonical(sut.root() / "run"));
  for (const char* ring : {"md", "pred", "intent", "decision", "exec"}) {
    const auto segment = ring::RingSegment::open(prefix + ring);
    if (!segment.ok()) return false;
    for (const auto& consumer : segment->info().consumers) {
      if (consumer.kind == ring::ConsumerKind::kDurable && consumer.lag > 0) return false;
    }
  }
  return true;
}

bool waitUntilGone(pid_t pid) {
  for (int wait = 0; wait < 500; ++wait) {
    if (processGone(pid)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Runs the replay to its end, SIGKILLing `victim` (if any) at each of `kills`, and returns what the
// store holds once everything has settled. Victim "system": the whole system stopped, its rings
// removed (as a reboot clears /dev/shm) and started again.
Outcome replay(const std::string& victim, const std::vector<std::chrono::milliseconds>& kills) {
  auto config = replayConfig();
  // A checkpoint every 3 s: the cut at 4 s comes ~1 s after one, with the store well ahead of it.
  const bool power_cut = victim == "power" || victim == "power, then tighter limits";
  // The engine commits decisions only at checkpoints: on 16 slots, with a checkpoint only every
  // 3 s, it must take them for room (while a decision is awaited, too) or stall rrr-risk.
  const bool small_decision_ring = victim == "engine, on a 16-slot decision ring";
  if (power_cut || small_decision_ring) replaceOnce(config, "checkpoint_every_ms: 200", "checkpoint_every_ms: 3000");
  if (small_decision_ring) replaceOnce(config, "decision: {slot_bytes: 512, capacity: 4096", "decision: {slot_bytes: 512, capacity: 16");
  const std::string victim_process = victim.substr(0, victim.find(','));
  RrrSystem sut(config);
  writeFeed(sut);
  const auto started = sut.supervisor({"start"});
  EXPECT_EQ(started.exit_code, 0) << started.output;
  auto elapsed = 0ms;
  for (const auto at : kills) {
    std::this_thread::sleep_for(at - elapsed);
    elapsed = at;
    EXPECT_FALSE(logHas(sut, "ingest", "replay complete")) << "the kill at " << at.count() << " ms must come mid-session";
    if (victim == "system") {
      EXPECT_EQ(sut.supervisor({"stop"}).exit_code, 0);
      const auto removed = sut.supervisor({"remove-rings"});   // refuses if a reader had not committed everything
      EXPECT_EQ(removed.exit_code, 0) << removed.output;
      const auto again = sut.supervisor({"start"});
      EXPECT_EQ(again.exit_code, 0) << again.output;
      // rrr-risk's view of the account comes from exec: the restored account is its first message,
      // of the checkpoint's event time (before the first bar on the new md), not the next input's.
      const auto prefix = supervisor::ringPrefixFor(std::filesystem::weakly_canonical(sut.root() / "run"));
      auto exec = ring::RingSegment::open(prefix + "exec");
      auto md = ring::RingSegment::open(prefix + "md");
      EXPECT_TRUE(exec.ok() && md.ok());
      const auto firstOf = [](const ring::RingSegment& segment) -> std::optional<std::pair<bool, std::int64_t>> {
        for (int wait = 0; wait < 500 && segment.published() == 0; ++wait) std::this_thread::sleep_for(10ms);
        const auto bytes = segment.copyPublished(0);
        if (!bytes) return std::nullopt;
        const auto decoded = messages::decode(*bytes);
        if (!decoded.ok()) return std::nullopt;
        return std::pair{decoded.value()->body_as_PortfolioSnapshot() != nullptr, decoded.value()->event_time_ns()};
      };
      const auto account = exec.ok() ? firstOf(*exec) : std::nullopt;
      const auto bar = md.ok() ? firstOf(*md) : std::nullopt;
      EXPECT_TRUE(account && bar && account->first && account->second < bar->second) << "the restored account, before any input";
      continue;
    }
    if (power_cut) {
      // Everything dies at one instant and /dev/shm is cleared: what is durable is what was on
      // disk (the store's files, the engine's checkpoint, data/), nothing on the rings. The
      // children are those the supervisor recorded (run/children), whatever its status says.
      std::vector<pid_t> children;
      std::ifstream recorded(sut.root() / "run" / "children");
      std::string name;
      pid_t child = 0;
      long long start_time = 0;
      while (recorded >> name >> child >> start_time) children.push_back(child);
      EXPECT_GE(children.size(), 5u);
      ::kill(sut.supervisorPid(), SIGKILL);
      for (const pid_t pid : children) ::kill(-pid, SIGKILL);
      for (const pid_t pid : children) EXPECT_TRUE(waitUntilGone(pid)) << pid;
      // A process whose main thread is a zombie may still have threads exiting, with the ring
      // files (and their locks) open: remove-rings refuses until the last one is gone.
      auto removed = sut.supervisor({"remove-rings", "--discard"});
      for (int retry = 0; retry < 100 && removed.exit_code != 0 && removed.output.find("is in use") != std::string::npos; ++retry) {
        std::this_thread::sleep_for(50ms);
        removed = sut.supervisor({"remove-rings", "--discard"});
      }
      EXPECT_EQ(removed.exit_code, 0) << removed.output;
      if (victim == "power, then tighter limits") {
        // Every new order is refused from now on; the intents the engine regenerates were decided before.
        replaceOnce(config, "limits: {max_position: {default: 0.05}}", "limits: {max_position: {default: 0.001}}");
        sut.writeConfig(config);
      }
      const auto again = sut.supervisor({"start"});
      EXPECT_EQ(again.exit_code, 0) << again.output;
      continue;
    }
    const pid_t pid = sut.pidOf(victim_process);
    ::kill(pid, SIGKILL);
    EXPECT_TRUE(sut.waitFor([&](const Status& s) { return s.at(victim_process)["state"] == "Ready" && s.at(victim_process)["pid"] != pid; }, 10s));
  }
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return logHas(sut, "ingest", "replay complete"); }, 60s));
  // Settled: every durable reader has read everything (read from the rings now, not from the last
  // heartbeats, which may be older than the feed's last bars), and the store has nothing new for a while.
  std::string last;
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    const bool drained = durableReadersCaughtUp(sut);
    const auto now = query(sut, "SELECT (SELECT count(*) FROM order_updates), (SELECT count(*) FROM portfolio_snapshots)");
    const bool stable = drained && now == last;
    last = now;
    return stable;
  }, 60s));
  EXPECT_TRUE(sut.waitFor([&](const Status& s) { return s.at("engine")["state"] == "Ready"; }, 5s))
      << "no replay mismatch after a restart: " << sut.status().at("engine").dump();
  if (victim == "system") {
    EXPECT_TRUE(logHas(sut, "ingest", "ring md is new: ")) << "the feed resumed after the store's bars";
    EXPECT_TRUE(logHas(sut, "infer", "from the store to warm the features"));
    EXPECT_FALSE(logHas(sut, "engine", "skipped ")) << "nothing the engine's state reflects came again";
  }
  if (power_cut) {
    EXPECT_TRUE(logHas(sut, "ingest", "series resume where rrr-engine's checkpoint stands")) << "the cut left the store ahead of the checkpoint";
    EXPECT_TRUE(logHas(sut, "risk", "regenerated intents got their stored decisions again"))
        << "rrr-risk's log:\n" << logText(sut, "risk") << "rrr-engine's log:\n" << logText(sut, "engine");
  }
  // What the engine did with each order is what the store says rrr-risk decided for it.
  EXPECT_EQ(query(sut, "SELECT d.client_order_id, d.approved, d.detail FROM risk_decisions d JOIN order_intents i USING (client_order_id) "
                       "WHERE i.action != 'Cancel' AND (d.approved = 0) != EXISTS (SELECT 1 FROM order_updates u WHERE "
                       "u.client_order_id = d.client_order_id AND u.status = 'Rejected' AND u.reason LIKE 'rrr-risk: %')"),
            query(sut, "SELECT client_order_id, approved, detail FROM risk_decisions LIMIT 0"));
  if (victim_process == "engine") {
    EXPECT_EQ(logCount(sut, "engine", "restored the checkpoint"), kills.size()) << "each restart restored a checkpoint and replayed from it";
    EXPECT_FALSE(logHas(sut, "engine", "replay differs"));
  }
  return outcomeOf(sut);
}

void expectSame(const Outcome& expected, const Outcome& actual) {
  EXPECT_EQ(actual.orders, expected.orders) << "refused by rrr-risk in this run:\n" << actual.refusals << "in the undisturbed run:\n" << expected.refusals;
  EXPECT_EQ(actual.updates, expected.updates);
  EXPECT_EQ(actual.fills, expected.fills);
  EXPECT_EQ(actual.positions, expected.positions);
  EXPECT_EQ(actual.snapshot, expected.snapshot);
}

class EngineRestart : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(sharedData())) return;
    undisturbed_ = new Outcome(replay("", {}));
  }
  static void TearDownTestSuite() {
    delete undisturbed_;
    undisturbed_ = nullptr;
  }
  static Outcome* undisturbed_;
};

Outcome* EngineRestart::undisturbed_ = nullptr;

TEST_F(EngineRestart, AnUndisturbedRunTradesAndIsRepeatable) {
  RRR_REQUIRE_SHARED_DATA();
  ASSERT_NE(undisturbed_, nullptr);
  EXPECT_GT(std::count(undisturbed_->fills.begin(), undisturbed_->fills.end(), '\n'), 20) << undisturbed_->fills;
  std::printf("undisturbed run: %zd orders, %zd updates, %zd fills; positions:\n%s", std::count(undisturbed_->orders.begin(), undisturbed_->orders.end(), '\n') - 1,
              std::count(undisturbed_->updates.begin(), undisturbed_->updates.end(), '\n') - 1,
              std::count(undisturbed_->fills.begin(), undisturbed_->fills.end(), '\n') - 1, undisturbed_->positions.c_str());
  EXPECT_NE(undisturbed_->updates.find("Rejected"), std::string::npos) << "risk's position limit refuses some";
  expectSame(*undisturbed_, replay("", {}));
}

TEST_F(EngineRestart, EngineSigkilledMidSessionEndsWithTheSameOrdersFillsAndPositions) {
  RRR_REQUIRE_SHARED_DATA();
  ASSERT_NE(undisturbed_, nullptr);
  expectSame(*undisturbed_, replay("engine", {1100ms, 2300ms, 3700ms}));
}

TEST_F(EngineRestart, OnASmallDecisionRingTheEngineSigkilledMidSessionEndsWithTheSameOrdersFillsAndPositions) {
  RRR_REQUIRE_SHARED_DATA();
  ASSERT_NE(undisturbed_, nullptr);
  expectSame(*undisturbed_, replay("engine, on a 16-slot decision ring", {1100ms, 2300ms, 3700ms}));
}

TEST_F(EngineRestart, RiskSigkilledMidSessionEndsWithTheSameOrdersFillsAndPositions) {
  RRR_REQUIRE_SHARED_DATA();
  ASSERT_NE(undisturbed_, nullptr);
  expectSame(*undisturbed_, replay("risk", {1300ms, 2900ms}));
}

// A reboot mid-session: the stop lets every reader commit what the feed published, the rings go,
// and the next start resumes the feed after the store's bars, rrr-infer's features from the
// store's bars and the engine from its checkpoint.
TEST_F(EngineRestart, AWholeSystemStoppedAndStartedOnNewRingsEndsWithTheSameOrdersFillsAndPositions) {
  RRR_REQUIRE_SHARED_DATA();
  expectSame(*undisturbed_, replay("system", {4000ms}));
}

// A power cut mid-session: the engine's checkpoint is older than the bars the store kept, and the
// rings are gone. The start after it goes on from the checkpoint as if nothing had happened.
TEST_F(EngineRestart, APowerCutMidSessionEndsWithTheSameOrdersFillsAndPositions) {
  RRR_REQUIRE_SHARED_DATA();
  expectSame(*undisturbed_, replay("power", {4000ms}));
}

// After the cut rrr-risk starts with tighter limits: the intents the engine regenerates get the
// decisions the store holds for them (the engine acts on what was recorded), the new ones the new
// limits. replay() checks that every order's fate matches its stored decision.
TEST_F(EngineRestart, AfterAPowerCutTheRegeneratedIntentsKeepTheDecisionsTakenBeforeIt) {
  RRR_REQUIRE_SHARED_DATA();
  const auto outcome = replay("power, then tighter limits", {4000ms});
  EXPECT_NE(outcome.orders, undisturbed_->orders) << "the tighter limits refused the new ones";
}

}  // namespace
}  // namespace rrr::testing
