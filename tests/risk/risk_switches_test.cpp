// The switch folder's files: every turn of the kill switch on is counted, so that rrr-risk can
// tell a switch turned on and off again before it looked from one never turned on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "risk/risk_switches.h"
#include "support/unique_name.h"

namespace rrr::risk {
namespace {

namespace fs = std::filesystem;

class RiskSwitchesTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(root_); }

  const fs::path root_ = fs::temp_directory_path() / testing::uniqueName("risk-switches");
  const RiskSwitches switches_{root_ / "risk"};
};

TEST_F(RiskSwitchesTest, EachTurnOnIsCountedAndTheCountOutlivesTheSwitch) {
  EXPECT_EQ(switches_.read(), SwitchState{}) << "a folder never written: off, not halted, no turns";
  ASSERT_TRUE(switches_.setKillSwitch(true, "first").ok());
  EXPECT_EQ(switches_.read(), (SwitchState{"first", std::nullopt, 1}));
  ASSERT_TRUE(switches_.setKillSwitch(false, "").ok());
  EXPECT_EQ(switches_.read(), (SwitchState{std::nullopt, std::nullopt, 1})) << "off keeps the count";
  ASSERT_TRUE(switches_.setKillSwitch(true, "second").ok());
  ASSERT_TRUE(switches_.setKillSwitch(true, "again while on").ok());
  EXPECT_EQ(switches_.read(), (SwitchState{"again while on", std::nullopt, 3}));
  ASSERT_TRUE(switches_.recordHalt("drawdown").ok());
  EXPECT_EQ(switches_.read().kill_switch_turns, 3) << "a halt is not a turn of the kill switch";
}

TEST_F(RiskSwitchesTest, WhatRiskAppliedIsKeptApartFromTheSwitch) {
  EXPECT_EQ(switches_.applied(), AppliedSwitch{});
  ASSERT_TRUE(switches_.setKillSwitch(true, "on").ok());
  EXPECT_EQ(switches_.applied(), AppliedSwitch{}) << "only rrr-risk records what it applied";
  ASSERT_TRUE(switches_.recordApplied({1, true}).ok());
  EXPECT_EQ(switches_.applied(), (AppliedSwitch{1, true}));
  EXPECT_EQ(switches_.read().kill_switch_turns, 1);
}

TEST_F(RiskSwitchesTest, ACountAloneFromAnEarlierVersionReadsWithoutAState) {
  ASSERT_TRUE(switches_.setKillSwitch(true, "on").ok());   // makes the folder
  std::ofstream(root_ / "risk" / "kill_switch_applied") << "4";
  EXPECT_EQ(switches_.applied(), (AppliedSwitch{4, std::nullopt}));
  std::ofstream(root_ / "risk" / "kill_switch_applied") << "4 sideways";
  EXPECT_EQ(switches_.applied(), (AppliedSwitch{4, std::nullopt}));
  std::ofstream(root_ / "risk" / "kill_switch_applied") << "garbage";
  EXPECT_EQ(switches_.applied(), AppliedSwitch{});
}

TEST(KillSwitchApplied, AnOnIsAppliedOnceItsTurnIsActedOnAndSaidOn) {
  EXPECT_FALSE(isApplied({2, true}, true, 3, true)) << "an earlier turn";
  EXPECT_TRUE(isApplied({3, true}, true, 3, true));
  EXPECT_TRUE(isApplied({4, true}, true, 3, true)) << "a later turn on supersedes it";
  EXPECT_FALSE(isApplied({3, std::nullopt}, true, 3, true)) << "no state recorded";
  EXPECT_FALSE(isApplied({5, false}, true, 3, true)) << "a count from before a reset of the turns, the switch still on";
  EXPECT_TRUE(isApplied({3, false}, true, 3, false)) << "turned off since: rrr-risk announced the on before the off";
}

TEST(KillSwitchApplied, AnOffIsAppliedOnceEveryTurnBeforeItIsActedOnAndSaidOff) {
  EXPECT_TRUE(isApplied({3, false}, false, 3, false));
  EXPECT_FALSE(isApplied({2, false}, false, 3, false)) << "an on not acted on yet is announced before the off";
  EXPECT_FALSE(isApplied({3, true}, false, 3, false));
  EXPECT_FALSE(isApplied({0, std::nullopt}, false, 0, false)) << "rrr-risk never recorded a state";
}

TEST_F(RiskSwitchesTest, AwaitingGivesUpAfterTheWaitAndSeesARecordThatComesWithinIt) {
  ASSERT_TRUE(switches_.setKillSwitch(true, "on").ok());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(awaitApplied(switches_, true, 1, std::chrono::milliseconds(100)));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
  std::thread risk([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)switches_.recordApplied({1, true});
  });
  EXPECT_TRUE(awaitApplied(switches_, true, 1, std::chrono::seconds(30)));
  risk.join();
}

TEST_F(RiskSwitchesTest, EachReArmIsCountedBeforeTheHaltGoes) {
  ASSERT_TRUE(switches_.recordHalt("drawdown").ok());
  EXPECT_EQ(switches_.read(), (SwitchState{std::nullopt, "drawdown", 0, 0}));
  ASSERT_TRUE(switches_.rearm().ok());
  EXPECT_EQ(switches_.read(), (SwitchState{std::nullopt, std::nullopt, 0, 1}));
  ASSERT_TRUE(switches_.recordHalt("daily loss").ok());
  ASSERT_TRUE(switches_.rearm().ok());
  EXPECT_EQ(switches_.read().rearms, 2u);
  EXPECT_EQ(switches_.read().kill_switch_turns, 0u) << "a re-arm is not a turn of the kill switch";
}

// What rrr-risk put in force outlives the halt file: only rrr-risk clears it, on a re-arm.
TEST_F(RiskSwitchesTest, TheHaltInForceIsKeptApartFromTheHaltFile) {
  EXPECT_EQ(switches_.haltApplied(), std::nullopt);
  ASSERT_TRUE(switches_.recordHalt("drawdown").ok());
  EXPECT_EQ(switches_.haltApplied(), "drawdown");
  fs::remove(root_ / "risk" / "halt");
  EXPECT_EQ(switches_.read().halt, std::nullopt);
  EXPECT_EQ(switches_.haltApplied(), "drawdown") << "removed by hand";
  ASSERT_TRUE(switches_.rearm().ok());
  EXPECT_EQ(switches_.haltApplied(), "drawdown") << "the command leaves it to rrr-risk";
  ASSERT_TRUE(switches_.clearHaltApplied().ok());
  EXPECT_EQ(switches_.haltApplied(), std::nullopt);
  EXPECT_TRUE(switches_.clearHaltApplied().ok()) << "clearing twice is no error";
}

TEST_F(RiskSwitchesTest, TheReArmsAppliedAndTheirEquityAreRecordedBesideTheSwitch) {
  ASSERT_TRUE(switches_.recordApplied({3, false, 2, 9'950'000'000'000}).ok());
  EXPECT_EQ(switches_.applied(), (AppliedSwitch{3, false, 2, 9'950'000'000'000}));
  ASSERT_TRUE(switches_.recordApplied({3, true, 2, std::nullopt}).ok());
  EXPECT_EQ(switches_.applied(), (AppliedSwitch{3, true, 2, std::nullopt})) << "re-armed before any snapshot";
  std::ofstream(root_ / "risk" / "kill_switch_applied") << "4 on";
  EXPECT_EQ(switches_.applied(), (AppliedSwitch{4, true, 0, std::nullopt})) << "a record from before re-arms were counted";
}

TEST_F(RiskSwitchesTest, AwaitingAReArmWaitsForItsCount) {
  ASSERT_TRUE(switches_.recordApplied({0, false, 1}).ok());
  EXPECT_TRUE(awaitRearmApplied(switches_, 1, std::chrono::milliseconds(0)));
  EXPECT_FALSE(awaitRearmApplied(switches_, 2, std::chrono::milliseconds(60)));
  std::thread risk([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)switches_.recordApplied({0, false, 2});
  });
  EXPECT_TRUE(awaitRearmApplied(switches_, 2, std::chrono::seconds(30)));
  risk.join();
}

TEST_F(RiskSwitchesTest, AnUnreadableCountIsZeroAndTheNextTurnCountsFromThere) {
  ASSERT_TRUE(switches_.setKillSwitch(true, "on").ok());
  std::ofstream(root_ / "risk" / "kill_switch_turns") << "not a number";
  EXPECT_EQ(switches_.read().kill_switch_turns, 0);
  ASSERT_TRUE(switches_.setKillSwitch(true, "on again").ok());
  EXPECT_EQ(switches_.read().kill_switch_turns, 1);
}

}  // namespace
}  // namespace rrr::risk
