// rrr-risk as a real process: the kill switch blocks new orders, survives a SIGKILL of rrr-risk
// and a restart of the whole system, and is set through rrr-risk or the supervisor's control
// socket; every rejection is a risk event.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <thread>

#include "../supervisor/rrr_system.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

bool grows(const RrrSystem& sut, const std::string& sql, std::chrono::milliseconds within) {
  const auto before = count(sut, sql);
  return sut.waitFor([&](const Status&) { return count(sut, sql) > before; }, within);
}

const std::string kApproved = "SELECT count(*) FROM risk_decisions WHERE approved = 1";
const std::string kKilled = "SELECT count(*) FROM risk_decisions WHERE approved = 0 AND rule = 'KillSwitch'";

TEST(RiskProcess, KillSwitchBlocksNewOrdersAndSurvivesRestartsUntilTurnedOff) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(grows(sut, kApproved, 20s)) << "orders flow before the switch";

  const auto on = sut.tool("rrr-risk", "killswitch", {"on", "--reason", "test"});
  ASSERT_EQ(on.exit_code, 0) << on.output;
  EXPECT_NE(on.output.find("kill switch: on, test (by "), std::string::npos) << on.output;
  EXPECT_NE(on.output.find("applied by rrr-risk: it approves no new order"), std::string::npos) << on.output;
  ASSERT_TRUE(grows(sut, kKilled, 20s)) << "intents are refused once the switch is on";
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return count(sut, "SELECT count(*) FROM risk_events WHERE kill_switch_active = 1 AND detail LIKE 'kill switch on: test%'") > 0; }, 10s));
  EXPECT_GT(count(sut, "SELECT count(*) FROM risk_events WHERE rule = 'KillSwitch' AND client_order_id != ''"), 0) << "each rejection is a risk event";
  EXPECT_GT(count(sut, "SELECT count(*) FROM audit_log WHERE kind LIKE '%kill%' OR detail LIKE '%kill switch%'"), 0);

  ::kill(sut.pidOf("risk"), SIGKILL);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("risk")["state"] == "Ready" && s.at("risk")["restarts"] == 1; }, 20s));
  const auto approved_after_kill = count(sut, kApproved);
  ASSERT_TRUE(grows(sut, kKilled, 20s)) << "still refusing after rrr-risk restarted";

  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(grows(sut, kKilled, 20s)) << "still refusing after the whole system restarted";
  EXPECT_EQ(count(sut, kApproved), approved_after_kill);

  const auto off = sut.supervisor({"killswitch", "off"});
  ASSERT_EQ(off.exit_code, 0) << off.output;
  EXPECT_NE(off.output.find("applied by rrr-risk: orders are approved again"), std::string::npos) << off.output;
  EXPECT_TRUE(grows(sut, kApproved, 20s)) << "approvals resume once the switch is off";
  const auto again = sut.supervisor({"killswitch", "on"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(grows(sut, kKilled, 20s)) << "the control socket turns it on too";
}

// rrr-risk restarted after it read the last bars knows their prices: the intents the engine then
// makes from those bars are decided on them, not refused for want of a price ("no last price"
// until md's next message, which here never comes).
TEST(RiskProcess, ARestartedRiskKnowsTheLastPricesItHadRead) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(grows(sut, kApproved, 20s)) << "orders flow";
  // The engine stops while rrr-ingest goes on: its bars wait on md for the engine, enough of them
  // (a few hundred messages: 1m bars and aggregates of two symbols) for intents to come of them.
  ASSERT_EQ(sut.supervisor({"stop", "engine"}).exit_code, 0);
  const auto engineBacklog = [&] { return ringConsumerLag(sut, "md", "engine"); };
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return engineBacklog() >= 300; }, 60s)) << engineBacklog();
  ASSERT_EQ(sut.supervisor({"stop", "ingest"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) {
    return s.at("ingest")["state"] == "Stopped" && s.at("engine")["state"] == "Stopped" && ringLag(s, "risk", "md") == 0;
  }, 20s)) << "rrr-risk has read every bar: " << sut.status().at("risk").dump();
  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("risk")["state"] == "Ready" && s.at("risk")["pid"] != 0; }, 20s));
  const auto decided = count(sut, "SELECT count(*) FROM risk_decisions");
  ASSERT_EQ(sut.supervisor({"restart", "engine"}).exit_code, 0);   // starts it again
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return count(sut, "SELECT count(*) FROM risk_decisions") > decided; }, 60s))
      << "the engine's intents from the " << engineBacklog() << " messages it had not read: " << sut.status().at("engine").dump();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(count(sut, "SELECT count(*) FROM risk_decisions WHERE detail LIKE 'no last price%'"), 0)
      << query(sut, "SELECT client_order_id, rule, detail FROM risk_decisions WHERE approved = 0");
  EXPECT_GT(count(sut, kApproved), 0);
}

// With no intents coming (a feed paced in real time) rrr-risk sleeps on its ring; a heartbeat
// every 10 s would leave a switch unseen for seconds. Each turn is applied within the command's
// 1.5 s wait: rrr-risk is woken for it.
TEST(RiskProcess, AnIdleRiskAppliesTheKillSwitchAtOnceNotAtItsNextHeartbeat) {
  auto config = pipelineConfig();
  replaceOnce(config, "heartbeat_ms: 100\n  watchdog_ms: 1000", "heartbeat_ms: 10000\n  watchdog_ms: 30000");
  replaceOnce(config, "pace: 6000x", "pace: realtime");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  for (const std::string turn : {"on", "off", "on", "off"}) {
    const auto command = sut.tool("rrr-risk", "killswitch", {turn, "--wait", "1.5"});
    EXPECT_EQ(command.exit_code, 0) << turn << ": " << command.output << logText(sut, "risk");
    EXPECT_NE(command.output.find("applied by rrr-risk"), std::string::npos) << command.output;
  }
}

// rrr-risk applies a turn of the kill switch even when it cannot record that it has: the switch
// blocks orders from its file, not from kill_switch_applied. Until the record is on disk the
// command that turned the switch is not told it took effect, and rrr-risk reports Degraded with
// the error; it writes the record once it can.
TEST(RiskProcess, AKillSwitchStateThatCannotBeRecordedIsReportedUntilItIs) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(grows(sut, kApproved, 20s)) << "orders flow before the switch";
  const auto temporary = sut.root() / "data/risk/kill_switch_applied.new";
  std::filesystem::create_directories(temporary);

  const auto on = sut.tool("rrr-risk", "killswitch", {"on", "--wait", "2"});
  EXPECT_EQ(on.exit_code, 3) << on.output;
  EXPECT_NE(on.output.find("has not applied it within 2000 ms"), std::string::npos) << on.output;
  ASSERT_TRUE(grows(sut, kKilled, 20s)) << "the switch holds all the same";
  EXPECT_TRUE(sut.waitFor([](const Status& s) {
    const auto reason = s.at("risk")["last_exit"].get<std::string>();
    return s.at("risk")["state"] == "Degraded" && reason.find("kill switch state applied (on, turn 1) is not on disk") != std::string::npos &&
           reason.find("kill_switch_applied.new: cannot create") != std::string::npos;
  }, 10s)) << sut.status().at("risk").dump();

  std::filesystem::remove_all(temporary);
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return s.at("risk")["state"] == "Ready"; }, 10s)) << sut.status().at("risk").dump();
  std::string applied;
  std::getline(std::ifstream(sut.root() / "data/risk/kill_switch_applied"), applied);
  EXPECT_EQ(applied.rfind("1 on ", 0), 0u) << "written again without a new turn: " << applied;
  const auto confirmed = sut.tool("rrr-risk", "killswitch", {"on", "--wait", "5"});
  EXPECT_EQ(confirmed.exit_code, 0) << confirmed.output;
  EXPECT_NE(confirmed.output.find("applied by rrr-risk: it approves no new order"), std::string::npos) << confirmed.output;
  EXPECT_NE(logText(sut, "risk").find("the kill switch state applied is on disk now"), std::string::npos) << logText(sut, "risk");
}

}  // namespace
}  // namespace rrr::testing
