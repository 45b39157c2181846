// AccountTracker after a re-arm: until the engine's snapshots say it has reset its baselines for
// the re-arm, rrr-risk measures the day's loss from the equity at the re-arm and the drawdown from
// the highest equity since, so that the breach that halted does not halt again at once.
#include <gtest/gtest.h>

#include "common/fixed_point.h"
#include "risk/account_tracker.h"
#include "schemas/trading_generated.h"

namespace rrr::risk {
namespace {

struct Account {
  std::int64_t equity_e8, peak_e8, day_start_e8;
  std::uint64_t rearms_applied = 0;
};

void feed(AccountTracker& tracker, const Account& account) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(msg::CreatePortfolioSnapshot(fbb, 0, 0, account.equity_e8, 0, 0, 0, account.peak_e8, 0, account.day_start_e8, std::nullopt,
                                          account.rearms_applied));
  tracker.onSnapshot(*flatbuffers::GetRoot<msg::PortfolioSnapshot>(fbb.GetBufferPointer()));
}

AccountView viewOf(const AccountTracker& tracker) {
  AccountView view;
  tracker.fill(view);
  return view;
}

TEST(AccountTracker, WithoutAReArmTheEnginesBaselinesAreTaken) {
  AccountTracker sut;
  feed(sut, {toFixed(95), toFixed(100), toFixed(98)});
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(100));
  EXPECT_EQ(viewOf(sut).day_start_equity_e8, toFixed(98));
  EXPECT_FALSE(sut.engineBehindRearms());
}

TEST(AccountTracker, AfterAReArmTheBaselinesStartFromTheEquityThenUntilTheEngineHasResetItsOwn) {
  AccountTracker sut;
  feed(sut, {toFixed(95), toFixed(100), toFixed(98)});
  sut.rearm(1, std::nullopt);
  EXPECT_EQ(sut.rearmEquity(), toFixed(95));
  EXPECT_TRUE(sut.engineBehindRearms());
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(95));
  EXPECT_EQ(viewOf(sut).day_start_equity_e8, toFixed(95));

  feed(sut, {toFixed(97), toFixed(100), toFixed(98)});   // the engine's, before it read the re-arm
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(97)) << "the highest equity since the re-arm";
  feed(sut, {toFixed(96), toFixed(100), toFixed(98)});
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(97));
  EXPECT_EQ(viewOf(sut).day_start_equity_e8, toFixed(95));

  feed(sut, {toFixed(96), toFixed(96), toFixed(96), 1});   // the engine reset them
  EXPECT_FALSE(sut.engineBehindRearms());
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(96));
  EXPECT_EQ(viewOf(sut).day_start_equity_e8, toFixed(96));
}

TEST(AccountTracker, AReArmBeforeAnySnapshotMeasuresFromTheFirstOne) {
  AccountTracker sut;
  sut.rearm(1, std::nullopt);
  EXPECT_EQ(sut.rearmEquity(), std::nullopt);
  feed(sut, {toFixed(90), toFixed(100), toFixed(100)});
  EXPECT_EQ(sut.rearmEquity(), toFixed(90));
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(90));
}

TEST(AccountTracker, AReArmRecordedBeforeARestartKeepsItsEquity) {
  AccountTracker sut;
  sut.rearm(3, toFixed(80));
  feed(sut, {toFixed(85), toFixed(100), toFixed(100), 2});
  EXPECT_EQ(viewOf(sut).day_start_equity_e8, toFixed(80));
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(85));
  feed(sut, {toFixed(85), toFixed(100), toFixed(100), 3});
  EXPECT_EQ(viewOf(sut).peak_equity_e8, toFixed(100)) << "the engine's own once it has applied re-arm 3";
}

}  // namespace
}  // namespace rrr::risk
