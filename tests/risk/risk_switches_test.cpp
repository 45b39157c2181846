// The switch folder's files: every turn of the kill switch on is counted, so that rrr-risk can
// tell a switch turned on and off again before it looked from one never turned on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

TEST_F(RiskSwitchesTest, TheTurnsAppliedAreKeptApartFromTheTurns) {
  EXPECT_EQ(switches_.appliedTurns(), 0);
  ASSERT_TRUE(switches_.setKillSwitch(true, "on").ok());
  EXPECT_EQ(switches_.appliedTurns(), 0) << "only rrr-risk records what it applied";
  ASSERT_TRUE(switches_.recordAppliedTurns(1).ok());
  EXPECT_EQ(switches_.appliedTurns(), 1);
  EXPECT_EQ(switches_.read().kill_switch_turns, 1);
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
