// rrr-engine and rrr-risk as real processes: with risk stopped nothing executes and the engine
// says so; the kill switch and a drawdown halt cancel resting orders and refuse new ones; the
// engine's status tells what it has not read from what it has not committed.
#include <gtest/gtest.h>

#include <thread>

#include "../support/file_text.h"
#include "../supervisor/rrr_system.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

TEST(EngineProcess, WithRiskStoppedNothingExecutesAndTheEngineSaysItFailsClosed) {
  auto config = pipelineConfig();
  replaceOnce(config, kPipelineStrategies,
              "settings: {decision_timeout_ms: 300, strategies: [{id: model, type: ml_signal, symbols: [BTCUSDT, ETHUSDT], enter: 0.1, "
              "exit: 0.1, quantity: 0.01}]}");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const std::string executed = "SELECT count(*) FROM order_updates WHERE previous_status = 'New'";
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, executed) > 0; }, 20s)) << "orders flow while risk runs";

  ASSERT_EQ(sut.supervisor({"stop", "risk"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("engine")["state"] == "Degraded"; }, 20s)) << sut.status().at("engine").dump();
  EXPECT_NE(sut.status().at("engine")["last_exit"].get<std::string>().find("fail closed"), std::string::npos)
      << sut.status().at("engine").dump();
  const auto before = count(sut, executed);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(count(sut, executed), before) << "no order reached the venue without a decision";
  EXPECT_GT(count(sut, "SELECT count(*) FROM orders WHERE status = 'New'"), 0) << "the waiting intent is a New order";

  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return s.at("engine")["state"] == "Ready"; }, 20s)) << sut.status().at("engine").dump();
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, executed) > before; }, 20s)) << "orders flow again";
}

// Limit orders 3% away from the close, which rest for the whole test.
std::string restingOrdersConfig() {
  auto config = pipelineConfig();
  replaceOnce(config, kPipelineStrategies,
              "settings: {strategies: [{id: far, type: ma_cross, symbols: [BTCUSDT, ETHUSDT], fast: 2, slow: 3, quantity: 0.001, "
              "order: limit, limit_offset_bps: 300}]}");
  return config;
}
constexpr const char* kResting = "SELECT count(*) FROM orders WHERE status = 'Accepted'";
constexpr const char* kRefusedByTheKillSwitch = "SELECT count(*) FROM order_updates WHERE status = 'Rejected' AND reason LIKE '%kill switch%'";

TEST(EngineProcess, TheKillSwitchCancelsRestingOrdersAndBlocksNewOnes) {
  RrrSystem sut(restingOrdersConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting) >= 3; }, 30s)) << query(sut, "SELECT * FROM orders");

  const auto on = sut.tool("rrr-risk", "killswitch", {"on", "--reason", "test"});
  ASSERT_EQ(on.exit_code, 0) << on.output;
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting) == 0; }, 10s)) << query(sut, "SELECT * FROM orders");
  EXPECT_GE(count(sut, "SELECT count(*) FROM order_updates WHERE status = 'Cancelled' AND reason LIKE 'kill switch%'"), 3);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kRefusedByTheKillSwitch) > 0; }, 20s)) << "new intents are refused";
  EXPECT_EQ(count(sut, kResting), 0);
}

// A kill switch turned on and off again while rrr-risk is down (or between two of its looks) is
// still applied once it looks: resting orders are cancelled, both turns are recorded, and new
// orders are approved again after it.
TEST(EngineProcess, TheKillSwitchTurnedOnAndOffWhileRiskIsDownStillCancelsRestingOrders) {
  RrrSystem sut(restingOrdersConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting) >= 3; }, 30s)) << query(sut, "SELECT * FROM orders");

  ASSERT_EQ(sut.supervisor({"stop", "risk"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("risk")["state"] == "Stopped"; }, 20s)) << "a stop returns before the exit";
  // With rrr-risk down the command says the switch is not applied yet, and leaves it on disk.
  const auto on = sut.tool("rrr-risk", "killswitch", {"on", "--reason", "test", "--wait", "1"});
  ASSERT_EQ(on.exit_code, 3) << on.output;
  EXPECT_NE(on.output.find("rrr-risk has not applied it within 1000 ms"), std::string::npos) << on.output;
  EXPECT_TRUE(std::filesystem::exists(sut.root() / "data/risk/kill_switch"));
  const auto off = sut.tool("rrr-risk", "killswitch", {"off", "--wait", "0"});
  ASSERT_EQ(off.exit_code, 0) << off.output;
  EXPECT_NE(off.output.find("not waiting for rrr-risk"), std::string::npos) << off.output;
  // New orders rest again once the off is applied: those placed before are the ones to cancel.
  const auto last_placed = std::to_string(count(sut, "SELECT max(created_ns) FROM orders"));
  const std::string placed_before = " AND created_ns <= " + last_placed, placed_after = " AND created_ns > " + last_placed;
  ASSERT_GE(count(sut, kResting + placed_before), 3);
  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);   // a stopped process starts again

  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting + placed_before) == 0; }, 20s)) << query(sut, "SELECT * FROM orders");
  EXPECT_GE(count(sut, "SELECT count(*) FROM order_updates WHERE status = 'Cancelled' AND reason LIKE 'kill switch%'"), 3);
  const std::string events = "SELECT detail FROM risk_events WHERE rule = 'KillSwitch' AND COALESCE(client_order_id, '') = '' ORDER BY rowid";
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return count(sut, "SELECT count(*) FROM risk_events WHERE kill_switch_active = 0 AND detail LIKE 'kill switch off%'") > 0;
  }, 10s)) << query(sut, events);
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_events WHERE kill_switch_active = 1 AND detail LIKE 'kill switch on, and off again%'"), 1)
      << query(sut, events);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting + placed_after) > 0; }, 30s)) << "orders rest again after the off";
  EXPECT_EQ(count(sut, kRefusedByTheKillSwitch), 0);

  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("risk")["state"] == "Ready"; }, 20s));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_events WHERE detail LIKE 'kill switch on, and off again%'"), 1)
      << "a turn applied is not applied again after a restart: " << query(sut, events);
}

// Resting orders on a 16-slot decision ring: with rrr-store stopped, rrr-risk soon cannot publish.
constexpr long long kSmallDecisionRing = 16;
std::string smallDecisionRingConfig() {
  auto config = restingOrdersConfig();
  replaceOnce(config, "decision: {slot_bytes: 512, capacity: 4096", "decision: {slot_bytes: 512, capacity: " + std::to_string(kSmallDecisionRing));
  return config;
}

// Starts the system, lets an order rest, then stops rrr-store until rrr-risk is held back: the
// decision ring full (rrr-store has read none of it) and an intent waiting for rrr-risk. The lag
// alone could be a heartbeat's look at rrr-risk between two intents, with room left. The ring is
// looked at once rrr-store has exited: a stop returns before the exit, and rrr-store drains and
// commits as it stops, which frees room in a ring that looked full.
void holdRiskBack(RrrSystem& sut) {
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting) >= 1; }, 30s)) << query(sut, "SELECT * FROM orders");
  ASSERT_EQ(sut.supervisor({"stop", "store"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Stopped"; }, 20s)) << "rrr-store exited";
  ASSERT_TRUE(sut.waitFor([&](const Status& s) {
    return ringConsumerLag(sut, "decision", "store") >= kSmallDecisionRing && ringLag(s, "risk", "intent") > 0;
  }, 30s)) << "rrr-risk is held back";
}

// rrr-store stopped fills a small decision ring, so rrr-risk holds its next approval back. The
// kill switch comes on meanwhile; once the store drains the ring, its RiskEvent goes out first,
// and the held-back intent is refused, not approved after it (the engine would place it after
// cancelling everything, and it would rest).
TEST(EngineProcess, AnApprovalHeldBackByAFullRingIsRefusedOnceTheKillSwitchIsOn) {
  RrrSystem sut(smallDecisionRingConfig());
  holdRiskBack(sut);
  if (HasFatalFailure()) return;
  std::this_thread::sleep_for(300ms);   // several polls of a full ring
  // rrr-risk cannot announce the switch while its ring is full: the command says it is not applied.
  const auto on = sut.tool("rrr-risk", "killswitch", {"on", "--reason", "test", "--wait", "0.5"});
  ASSERT_EQ(on.exit_code, 3) << on.output;
  ASSERT_EQ(sut.supervisor({"restart", "store"}).exit_code, 0);

  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kRefusedByTheKillSwitch) > 0; }, 30s)) << "new intents are refused";
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kResting) == 0; }, 10s)) << query(sut, "SELECT * FROM orders");
}

// The kill switch turned on and off while rrr-risk cannot announce anything (its decision ring is
// full): the on read while held back is still announced once the ring drains, before the off, so
// the orders that rested before it are cancelled.
TEST(EngineProcess, AKillSwitchTurnedOnAndOffWhileRiskIsHeldBackIsStillAnnounced) {
  RrrSystem sut(smallDecisionRingConfig());
  holdRiskBack(sut);
  if (HasFatalFailure()) return;
  const auto on = sut.tool("rrr-risk", "killswitch", {"on", "--reason", "test", "--wait", "0.5"});
  ASSERT_EQ(on.exit_code, 3) << on.output;   // not announced
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return logHas(sut, "risk", "kill switch on: test"); }, 20s)) << "read by rrr-risk";
  ASSERT_EQ(sut.tool("rrr-risk", "killswitch", {"off", "--wait", "0.5"}).exit_code, 3);
  ASSERT_EQ(sut.supervisor({"restart", "store"}).exit_code, 0);

  const std::string events = "SELECT detail FROM risk_events WHERE rule = 'KillSwitch' AND COALESCE(client_order_id, '') = '' ORDER BY rowid";
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return count(sut, "SELECT count(*) FROM risk_events WHERE kill_switch_active = 1 AND detail LIKE 'kill switch on, and off again%'") == 1;
  }, 30s)) << query(sut, events);
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return count(sut, "SELECT count(*) FROM order_updates WHERE status = 'Cancelled' AND reason LIKE 'kill switch%'") >= 1;
  }, 20s)) << query(sut, "SELECT * FROM orders");
}

// Resting limit orders 3% away on ETHUSDT, and market orders on BTCUSDT whose fees and marks take
// the equity more than 0.01 (1e-7 of 100,000) under its peak within seconds, between two intents.
std::string drawdownConfig() {
  auto config = pipelineConfig();
  replaceOnce(config, kPipelineStrategies,
              "settings: {strategies: [{id: far, type: ma_cross, symbols: [ETHUSDT], fast: 2, slow: 3, quantity: 0.001, "
              "order: limit, limit_offset_bps: 300}, {id: taker, type: ma_cross, symbols: [BTCUSDT], fast: 5, slow: 20, quantity: 0.01}]}");
  replaceOnce(config, "settings: {limits: {max_position: {default: 0.05}}}", "settings: {limits: {max_position: {default: 0.05}, max_drawdown: 0.0000001}}");
  return config;
}
constexpr const char* kDrawdownBreach =
    "SELECT count(*) FROM risk_events WHERE rule = 'MaxDrawdown' AND trading_halted = 1 AND COALESCE(client_order_id, '') = '' "
    "AND limit_value > 0 AND observed_value > limit_value";

// A drawdown is caught on the snapshot that shows it, not at the next intent: rrr-risk halts (a
// RiskEvent with the rule and the numbers, no order id), and the engine cancels what rests.
TEST(EngineProcess, ADrawdownBreachHaltsAtTheSnapshotAndCancelsRestingOrders) {
  RrrSystem sut(drawdownConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const std::string breach = kDrawdownBreach;
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, breach) > 0; }, 60s)) << query(sut, "SELECT * FROM risk_events") << query(sut, "SELECT client_order_id, approved, rule, detail FROM risk_decisions LIMIT 10") << query(sut, "SELECT count(*) FROM fills") << query(sut, "SELECT * FROM portfolio_snapshots LIMIT 5");
  EXPECT_TRUE(std::filesystem::exists(sut.root() / "data/risk/halt")) << "the halt is durable";
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return count(sut, "SELECT count(*) FROM order_updates WHERE status = 'Cancelled' AND reason LIKE 'trading halted%'") > 0;
  }, 10s)) << query(sut, "SELECT * FROM order_updates");
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, "SELECT count(*) FROM orders WHERE status = 'Accepted'") == 0; }, 10s));
  // One record of the halt: the breach's own RiskEvent, not a second one when rrr-risk's watch of
  // data/risk sees the file it wrote.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_events WHERE trading_halted = 1 AND COALESCE(client_order_id, '') = ''"), 1)
      << query(sut, "SELECT * FROM risk_events WHERE COALESCE(client_order_id, '') = ''");
}

// `rrr-risk rearm` lifts the halt (a halt file removed by hand does not) and waits for rrr-risk to
// say so; the engine starts its peak and the day's equity again from the equity then (the latest
// snapshot shows no drawdown), so the breach that halted does not halt again at the next
// snapshot. The feed is stopped first, so that no bar moves the equity while the test looks.
TEST(EngineProcess, AReArmLiftsTheHaltAndTheDrawdownIsMeasuredAfreshFromThen) {
  RrrSystem sut(drawdownConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kDrawdownBreach) > 0; }, 60s)) << query(sut, "SELECT * FROM risk_events");
  ASSERT_EQ(sut.supervisor({"stop", "ingest"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("ingest")["state"] == "Stopped"; }, 20s));
  const std::string rearmed = "SELECT count(*) FROM risk_events WHERE rule = 'Rearmed' AND trading_halted = 0 AND kill_switch_active = 0";
  EXPECT_EQ(count(sut, rearmed), 0);

  // Only a counted re-arm lifts the halt: the file removed by hand is written again.
  const auto halt = sut.root() / "data/risk/halt";
  ASSERT_TRUE(std::filesystem::remove(halt));
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return std::filesystem::exists(halt); }, 10s)) << logText(sut, "risk");
  EXPECT_NE(logText(sut, "risk").find("removed without `rrr-risk rearm`"), std::string::npos) << logText(sut, "risk");

  // Through the supervisor's control socket (`rrr-risk rearm` does the same; the tests below).
  const std::string plain_off = "SELECT count(*) FROM risk_events WHERE detail = 'kill switch off'";
  const auto plain_off_before = count(sut, plain_off);
  const auto rearm = sut.supervisor({"rearm"});
  ASSERT_EQ(rearm.exit_code, 0) << rearm.output;
  EXPECT_NE(rearm.output.find("re-arm 1 written"), std::string::npos) << rearm.output;
  EXPECT_NE(rearm.output.find("applied by rrr-risk"), std::string::npos) << rearm.output;
  EXPECT_FALSE(std::filesystem::exists(sut.root() / "data/risk/halt"));
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, rearmed) == 1; }, 10s)) << query(sut, "SELECT * FROM risk_events");
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return count(sut, "SELECT count(*) FROM audit_log WHERE kind = 'trading_halt' AND detail LIKE 're-armed: re-armed by hand%'") == 1;
  }, 10s)) << query(sut, "SELECT kind, detail FROM audit_log WHERE subject = 'risk'");
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return logText(sut, "engine").find("re-armed by hand in rrr-risk (re-arm 1)") != std::string::npos; }, 10s))
      << logText(sut, "engine");
  const std::string latest = "SELECT count(*) FROM portfolio_snapshots WHERE time_ns = (SELECT max(time_ns) FROM portfolio_snapshots) "
                             "AND peak_equity_e8 = equity_e8";
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, latest) == 1; }, 10s))
      << query(sut, "SELECT time_ns, equity_e8, peak_equity_e8 FROM portfolio_snapshots ORDER BY time_ns DESC LIMIT 3");
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(std::filesystem::exists(sut.root() / "data/risk/halt")) << "not halted again by the old peak";
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_events WHERE trading_halted = 1 AND COALESCE(client_order_id, '') = ''"), 1);
  // The command's two writes (the count, then the halt removed) are one change of state: one event.
  EXPECT_EQ(count(sut, plain_off), plain_off_before) << query(sut, "SELECT * FROM risk_events WHERE COALESCE(client_order_id, '') = ''");

  for (const auto& again : {sut.tool("rrr-risk", "rearm", {}), sut.supervisor({"rearm"})}) {
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("nothing to re-arm"), std::string::npos) << again.output;
  }
  EXPECT_EQ(count(sut, rearmed), 1) << "no second re-arm counted";
}

// The halt holds across a restart of rrr-risk even when its file was removed meanwhile: rrr-risk
// keeps what it put in force apart (halt_applied) and writes the file again at its start.
// The limit is raised meanwhile, so that no new breach halts again: only the halt kept holds.
TEST(EngineProcess, AHaltRemovedWhileRiskIsDownIsWrittenAgainAtItsStart) {
  auto config = drawdownConfig();
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kDrawdownBreach) > 0; }, 60s)) << query(sut, "SELECT * FROM risk_events");
  ASSERT_EQ(sut.supervisor({"stop", "risk"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("risk")["state"] == "Stopped"; }, 20s));
  const auto halt = sut.root() / "data/risk/halt";
  ASSERT_TRUE(std::filesystem::remove(halt));
  const auto early = sut.tool("rrr-risk", "rearm", {"--wait", "0"});
  EXPECT_EQ(early.output.find("nothing to re-arm"), std::string::npos) << "the halt is in force: " << early.output;
  ASSERT_TRUE(std::filesystem::exists(sut.root() / "data/risk/halt_rearms"));
  std::filesystem::remove(sut.root() / "data/risk/halt_rearms");   // undone, for what follows
  replaceOnce(config, "max_drawdown: 0.0000001", "max_drawdown: 0.9");
  sut.writeConfig(config);
  const auto reloaded = sut.supervisor({"reload"});
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.output;

  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return std::filesystem::exists(halt); }, 20s)) << logText(sut, "risk");
  EXPECT_NE(logText(sut, "risk").find("removed without `rrr-risk rearm`"), std::string::npos) << logText(sut, "risk");
  const std::string halted = "SELECT count(*) FROM risk_decisions WHERE approved = 0 AND rule = 'TradingHalted'";
  const auto refused = count(sut, halted);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, halted) > refused; }, 30s)) << "new intents are still refused";
  EXPECT_EQ(count(sut, kDrawdownBreach), 1) << "no new breach: the halt is the one kept";

  // A re-arm lifts it, and the next start of rrr-risk does not write it again.
  const auto rearm = sut.tool("rrr-risk", "rearm", {});
  ASSERT_EQ(rearm.exit_code, 0) << rearm.output;
  EXPECT_FALSE(std::filesystem::exists(sut.root() / "data/risk/halt_applied"));
}

// The catch-up: the engine was stopped when the re-arm came, and its decision ring, which held the
// re-arm's RiskEvent, was then made anew (a reboot clears the rings; here remove-rings). Its state
// comes back from the checkpoint with the old peak; rrr-risk measures from the re-arm meanwhile,
// and its first RiskEvent after the start tells the engine the count.
TEST(EngineProcess, AnEngineThatMissedAReArmOnRingsMadeAnewIsToldTheCountByRisk) {
  auto config = drawdownConfig();
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, kDrawdownBreach) > 0; }, 60s)) << query(sut, "SELECT * FROM risk_events");
  for (const std::string name : {"ingest", "engine"}) {
    ASSERT_EQ(sut.supervisor({"stop", name}).exit_code, 0);
    ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at(name)["state"] == "Stopped"; }, 20s)) << name;
  }
  const auto rearm = sut.tool("rrr-risk", "rearm", {});
  ASSERT_EQ(rearm.exit_code, 0) << rearm.output;
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto refused = sut.supervisor({"remove-rings"});
  EXPECT_NE(refused.exit_code, 0) << "the engine has not read the re-arm: " << refused.output;
  ASSERT_EQ(sut.supervisor({"remove-rings", "--discard"}).exit_code, 0);
  const std::string engine_told = "re-armed by hand in rrr-risk (re-arm 1)";
  ASSERT_EQ(logText(sut, "engine").find(engine_told), std::string::npos) << logText(sut, "engine");

  // Paced in real time from here: at most one close's bars come before the test ends.
  replaceOnce(config, "pace: 6000x", "pace: realtime");
  sut.writeConfig(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return logText(sut, "engine").find(engine_told) != std::string::npos; }, 20s))
      << logText(sut, "engine") << logText(sut, "risk");
  const std::string rearmed_snapshot =
      "SELECT count(*) FROM portfolio_snapshots WHERE peak_equity_e8 = equity_e8 AND time_ns = "
      "(SELECT max(time_ns) FROM portfolio_snapshots)";
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, rearmed_snapshot) > 0; }, 10s))
      << query(sut, "SELECT time_ns, equity_e8, peak_equity_e8 FROM portfolio_snapshots ORDER BY time_ns DESC LIMIT 3");
  const std::string told_event = "SELECT count(*) FROM risk_events WHERE rule = 'Rearmed' AND detail LIKE 'the engine''s account predates re-arm 1%'";
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, told_event) > 0; }, 10s))
      << "the event that tells the engine says why: " << query(sut, "SELECT rule, detail FROM risk_events");
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  EXPECT_NE(fileText(sut.root() / "data/engine/checkpoint.json").find("\"rearms_applied\":1"), std::string::npos)
      << "the count is in the checkpoint, so that a later start does not reset again";
}

// A halt rrr-risk cannot write to data/risk (here a folder stands where it writes the new file)
// still holds in rrr-risk: turning the kill switch on and off does not lift it. rrr-risk reports
// it Degraded and writes it once it can.
TEST(EngineProcess, AHaltThatCannotBeWrittenStaysInForce) {
  auto config = pipelineConfig();
  replaceOnce(config, kPipelineStrategies,
              "settings: {strategies: [{id: taker, type: ma_cross, symbols: [BTCUSDT, ETHUSDT], fast: 2, slow: 3, quantity: 0.001}]}");
  replaceOnce(config, "settings: {limits: {max_position: {default: 0.05}}}", "settings: {limits: {max_position: {default: 0.05}, max_drawdown: 0.0000001}}");
  RrrSystem sut(config);
  std::filesystem::create_directories(sut.root() / "data/risk/halt.new");
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) {
    return count(sut, "SELECT count(*) FROM risk_events WHERE rule = 'MaxDrawdown' AND trading_halted = 1") > 0;
  }, 60s)) << query(sut, "SELECT * FROM risk_events");
  EXPECT_FALSE(std::filesystem::exists(sut.root() / "data/risk/halt"));
  ASSERT_EQ(sut.supervisor({"killswitch", "on"}).exit_code, 0);
  // The on is awaited first, so that the off below is a change of its own (an on and off before
  // rrr-risk looks is announced as both at once: TheKillSwitchTurnedOnAndOffWhileRiskIsDown...).
  const std::string on = "SELECT count(*) FROM risk_events WHERE kill_switch_active = 1";
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, on) > 0; }, 30s)) << query(sut, "SELECT * FROM risk_events");
  ASSERT_EQ(sut.supervisor({"killswitch", "off"}).exit_code, 0);
  const std::string off = "SELECT count(*) FROM risk_events WHERE kill_switch_active = 0 AND detail LIKE 'kill switch off%'";
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, off) > 0; }, 10s)) << query(sut, "SELECT * FROM risk_events");
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_events WHERE detail LIKE 'kill switch off%' AND trading_halted = 0"), 0)
      << query(sut, "SELECT * FROM risk_events WHERE COALESCE(client_order_id, '') = ''");
  const auto approved = count(sut, "SELECT count(*) FROM risk_decisions WHERE approved = 1");
  const std::string halted = "SELECT count(*) FROM risk_decisions WHERE approved = 0 AND rule = 'TradingHalted'";
  const auto refused = count(sut, halted);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, halted) > refused; }, 30s)) << "new intents are still refused";
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_decisions WHERE approved = 1"), approved);
  EXPECT_TRUE(sut.waitFor([](const Status& s) {
    return s.at("risk")["state"] == "Degraded" && s.at("risk")["last_exit"].get<std::string>().find("not on disk") != std::string::npos;
  }, 10s)) << "the status says the halt is held in memory only: " << sut.status().at("risk").dump();
  EXPECT_NE(sut.status().at("risk")["last_exit"].get<std::string>().find("a restart of rrr-risk keeps it"), std::string::npos)
      << "halt_applied, a file apart, holds it: " << sut.status().at("risk").dump();

  // Once the file can be written, it is: the halt then survives a restart of rrr-risk.
  std::filesystem::remove_all(sut.root() / "data/risk/halt.new");
  EXPECT_TRUE(sut.waitFor([&](const Status& s) {
    return s.at("risk")["state"] == "Ready" && std::filesystem::exists(sut.root() / "data/risk/halt");
  }, 10s)) << sut.status().at("risk").dump();
  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);
  const auto refused_before_restart = count(sut, halted);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, halted) > refused_before_restart; }, 30s)) << "still halted after a restart";
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_decisions WHERE approved = 1"), approved);
}

// The engine commits its inputs only at checkpoints. Its status lag is what it has not read (its
// last heartbeat), and what it read and has not committed is reported apart: with a checkpoint a
// minute away, it keeps up with md while the uncommitted part grows. A stop commits it at once.
TEST(EngineProcess, StatusLagIsWhatTheEngineHasNotReadAndUncommittedIsApartUntilAStopCommitsIt) {
  auto config = pipelineConfig();
  replaceOnce(config, kPipelineStrategies, std::string("settings: {checkpoint_every_ms: 60000, ") + (kPipelineStrategies + 11));
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto uncommitted = [](const Status& s) {
    for (const auto& lag : s.at("engine")["ring_lag"]) {
      if (lag["ring"] == "md") return lag["uncommitted"].get<long long>();
    }
    return -1LL;
  };
  EXPECT_TRUE(sut.waitFor([&](const Status& s) { return ringLag(s, "engine", "md") == 0 && uncommitted(s) >= 20; }, 30s))
      << sut.status().at("engine").dump();

  // A stop does not wait for that checkpoint: once rrr-ingest has stopped, the engine writes one
  // as soon as it has read what is left. Otherwise the stop would wait out the supervisor's drain
  // limit (5 s) and leave md uncommitted, to be read again at the next start.
  const auto stopped = sut.supervisor({"stop"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_FALSE(logHas(sut, "supervisor", "not yet committed")) << logText(sut, "supervisor");
  EXPECT_TRUE(logHas(sut, "engine", "the feed stopped: checkpoint written")) << logText(sut, "engine");
}

// A checkpoint that cannot be written (a folder where its temporary file goes) leaves the inputs
// uncommitted and is tried again; the engine says so in its status until one is written, and
// trading goes on meanwhile.
TEST(EngineProcess, FailingCheckpointsAreReportedAsDegradedUntilOneIsWritten) {
  auto config = pipelineConfig();
  replaceOnce(config, kPipelineStrategies, std::string("settings: {checkpoint_every_ms: 200, ") + (kPipelineStrategies + 11));
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const std::string executed = "SELECT count(*) FROM order_updates WHERE previous_status = 'New'";
  ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at("engine")["state"] == "Ready" && count(sut, executed) > 0; }, 30s))
      << sut.status().at("engine").dump();

  const auto blocker = sut.root() / "data/engine/checkpoint.json.new";
  std::filesystem::create_directories(blocker / "kept");
  ASSERT_TRUE(sut.waitFor([](const Status& s) {
    return s.at("engine")["state"] == "Degraded" && s.at("engine")["last_exit"].get<std::string>().find("checkpoints failing") != std::string::npos;
  }, 20s)) << sut.status().at("engine").dump();
  EXPECT_NE(sut.status().at("engine")["last_exit"].get<std::string>().find("checkpoint.json.new"), std::string::npos)
      << "the error names the file: " << sut.status().at("engine").dump();
  const auto executed_while_failing = count(sut, executed);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, executed) > executed_while_failing; }, 20s)) << "orders still flow";

  std::filesystem::remove_all(blocker);
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return s.at("engine")["state"] == "Ready"; }, 20s)) << sut.status().at("engine").dump();
  EXPECT_TRUE(logHas(sut, "engine", "checkpoint written again")) << logText(sut, "engine");
}

}  // namespace
}  // namespace rrr::testing
