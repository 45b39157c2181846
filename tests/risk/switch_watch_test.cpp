// The switch folder's watch: rrr-risk re-reads the kill switch and the halt only when it says the
// folder changed, so it must see every change, however soon after the last one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "risk/risk_switches.h"
#include "risk/switch_waker.h"
#include "risk/switch_watch.h"
#include "support/unique_name.h"

namespace rrr::risk {
namespace {

namespace fs = std::filesystem;

class SwitchWatchTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(root_); }

  const fs::path root_ = fs::temp_directory_path() / testing::uniqueName("switch-watch");
  const fs::path dir_ = root_ / "risk";
};

TEST_F(SwitchWatchTest, ReportsTheFirstLookThenOnlyChanges) {
  SwitchWatch watch(dir_);
  EXPECT_TRUE(fs::is_directory(dir_)) << "made so that it can be watched";
  EXPECT_TRUE(watch.changed()) << "the first look reads the files";
  EXPECT_FALSE(watch.changed());
  const RiskSwitches switches(dir_);
  ASSERT_TRUE(switches.setKillSwitch(true, "test").ok());
  EXPECT_TRUE(watch.changed());
  EXPECT_FALSE(watch.changed());
  ASSERT_TRUE(switches.recordHalt("drawdown").ok());
  EXPECT_TRUE(watch.changed());
  ASSERT_TRUE(switches.rearm().ok());
  EXPECT_TRUE(watch.changed());
  EXPECT_FALSE(watch.changed());
}

// The folder's modification time, looked at before, moves once per clock tick on kernels with
// coarse file times: a change right after one already read could look like no change.
TEST_F(SwitchWatchTest, EveryChangeIsSeenHoweverSoonAfterTheLast) {
  SwitchWatch watch(dir_);
  const RiskSwitches switches(dir_);
  ASSERT_TRUE(watch.changed());
  bool on = false;
  for (int i = 0; i < 200; ++i) {
    on = !on;
    ASSERT_TRUE(switches.setKillSwitch(on, "flip " + std::to_string(i)).ok());
    ASSERT_TRUE(watch.changed()) << "change " << i;
    EXPECT_EQ(switches.read().kill_switch.has_value(), on) << "change " << i;
  }
}

TEST_F(SwitchWatchTest, AFolderRemovedIsMadeAgainAndWatched) {
  SwitchWatch watch(dir_);
  ASSERT_TRUE(watch.changed());
  fs::remove_all(dir_);
  EXPECT_TRUE(watch.changed()) << "the files are gone: read them again";
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_FALSE(watch.changed());
  const RiskSwitches switches(dir_);
  ASSERT_TRUE(switches.setKillSwitch(true, "after the folder was made again").ok());
  EXPECT_TRUE(watch.changed());
}

bool waitUntil(const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// The waker's thread calls wake() on a change, and again every few milliseconds until the woken
// thread takes it: a wake-up given while that thread was not asleep yet would otherwise be lost.
TEST_F(SwitchWatchTest, TheWakerWakesOnAChangeUntilTheWakeUpIsTaken) {
  std::atomic<int> wakes{0};
  SwitchWaker waker(dir_, [&] { ++wakes; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(wakes.load(), 0) << "nothing changed yet";
  EXPECT_FALSE(waker.takeWake());

  const RiskSwitches switches(dir_);
  ASSERT_TRUE(switches.setKillSwitch(true, "test").ok());
  ASSERT_TRUE(waitUntil([&] { return wakes.load() >= 3; })) << "given again while not taken: " << wakes.load();
  EXPECT_TRUE(waker.takeWake());
  const int taken_at = wakes.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_LE(wakes.load(), taken_at + 1) << "at most the one under way when it was taken";
  EXPECT_FALSE(waker.takeWake());

  ASSERT_TRUE(switches.setKillSwitch(false, "").ok());
  ASSERT_TRUE(waitUntil([&] { return waker.takeWake(); })) << "each change wakes again";
}

}  // namespace
}  // namespace rrr::risk
