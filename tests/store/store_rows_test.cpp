// What the store writes and audits for each kind of message.
#include <gtest/gtest.h>

#include "../../procs/store/src/store_statements.h"
#include "store/store_files.h"
#include "support/unique_name.h"

namespace rrr::store {
namespace {

std::vector<std::byte> riskEvent(bool kill_switch_on) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto body = msg::CreateRiskEvent(fbb, msg::RiskRule::KillSwitch, msg::Severity::Critical, 0, 0, 0, 0,
                                         kill_switch_on, kill_switch_on, fbb.CreateString("set by hand"));
  const auto bytes = builder.finish(messages::EnvelopeHeader{"risk", 0, 1'700'000'000'000'000'000, 0}, body);
  return {bytes.begin(), bytes.end()};
}

std::vector<std::byte> rejection(msg::RiskRule rule, const char* id) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto body = msg::CreateRiskDecision(fbb, fbb.CreateString(id), false, rule, 0, 1, fbb.CreateString("refused"));
  const auto bytes = builder.finish(messages::EnvelopeHeader{"risk", 0, 1'700'000'000'000'000'000, 0}, body);
  return {bytes.begin(), bytes.end()};
}

std::vector<std::byte> order(msg::OrderStatus status, std::int64_t filled_e8, std::int64_t updated_ns) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto body = msg::CreateOrder(fbb, fbb.CreateString("x-1"), 0, fbb.CreateString("x"), fbb.CreateString("BTCUSDT"), msg::Side::Buy,
                                     msg::OrderType::Market, msg::TimeInForce::GTC, status, 10, 0, 0, filled_e8, filled_e8 ? 100 : 0, 1,
                                     updated_ns);
  const auto bytes = builder.finish(messages::EnvelopeHeader{"engine", 0, 1'700'000'000'000'000'000, 0}, body);
  return {bytes.begin(), bytes.end()};
}

// The engine regenerating from its checkpoint after a power cut sends an order's earlier states
// again: the row keeps the latest.
TEST(StoreRows, AnOrdersRowNeverGoesBackToAnEarlierState) {
  const auto dir = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-rows");
  auto db = openStoreDatabase(dir / "trading.db", kTradingMigrations, Durability::kFull);
  ASSERT_TRUE(db.ok());
  const auto statusOf = [&] {
    auto row = db->prepare("SELECT status, filled_quantity_e8, updated_ns FROM orders WHERE client_order_id = 'x-1'").value();
    EXPECT_TRUE(row.step().value());
    return row.columnText(0) + " " + std::to_string(row.columnInt(1)) + " " + std::to_string(row.columnInt(2));
  };
  std::uint64_t sequence = 0;
  const auto put = [&](msg::OrderStatus status, std::int64_t filled_e8, std::int64_t updated_ns) {
    const auto bytes = order(status, filled_e8, updated_ns);
    ASSERT_TRUE(insertTradingRow(*db, *messages::decode(bytes).value(), 1, sequence++).ok());
  };
  put(msg::OrderStatus::New, 0, 1);
  put(msg::OrderStatus::Accepted, 0, 2);
  put(msg::OrderStatus::Filled, 10, 3);
  EXPECT_EQ(statusOf(), "Filled 10 3");
  put(msg::OrderStatus::New, 0, 1);        // the same order again, from its start
  put(msg::OrderStatus::Accepted, 0, 2);
  EXPECT_EQ(statusOf(), "Filled 10 3");
  put(msg::OrderStatus::Filled, 10, 3);
  EXPECT_EQ(statusOf(), "Filled 10 3");
  std::filesystem::remove_all(dir);
}

std::vector<std::byte> snapshot(std::int64_t quantity_e8, std::int64_t time_ns) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto position = msg::CreatePosition(fbb, fbb.CreateString("BTCUSDT"), quantity_e8, 100, 0, 0, 100);
  const auto positions = fbb.CreateVector(std::vector{position});
  const auto body = msg::CreatePortfolioSnapshot(fbb, 0, positions, 1000);
  const auto bytes = builder.finish(messages::EnvelopeHeader{"engine", 0, time_ns, 0}, body);
  return {bytes.begin(), bytes.end()};
}

// The same for a position: the snapshots regenerated after a power cut leave the row as of the
// latest event time, and a later snapshot (or another at the same time) still moves it.
TEST(StoreRows, APositionsRowNeverGoesBackToAnEarlierEventTime) {
  const auto dir = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-rows");
  auto db = openStoreDatabase(dir / "trading.db", kTradingMigrations, Durability::kFull);
  ASSERT_TRUE(db.ok());
  const auto positionNow = [&] {
    auto row = db->prepare("SELECT quantity_e8, updated_ns FROM positions WHERE symbol = 'BTCUSDT'").value();
    EXPECT_TRUE(row.step().value());
    return std::to_string(row.columnInt(0)) + " " + std::to_string(row.columnInt(1));
  };
  std::uint64_t sequence = 0;
  const auto put = [&](std::int64_t quantity_e8, std::int64_t time_ns) {
    const auto bytes = snapshot(quantity_e8, time_ns);
    const auto* envelope = messages::decode(bytes).value();
    ASSERT_TRUE(insertTradingRow(*db, *envelope, 1, sequence++).ok());
  };
  put(10, 1);
  put(20, 2);
  put(0, 3);
  EXPECT_EQ(positionNow(), "0 3");
  put(10, 1);   // regenerated from the start
  put(20, 2);
  EXPECT_EQ(positionNow(), "0 3");
  put(0, 3);
  put(5, 3);    // the last snapshot at a time wins
  EXPECT_EQ(positionNow(), "5 3");
  put(7, 4);
  EXPECT_EQ(positionNow(), "7 4");
  std::filesystem::remove_all(dir);
}

TEST(StoreRows, KillSwitchChangesAreStoredAsRiskEventsAndAudited) {
  const auto dir = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-rows");
  auto db = openStoreDatabase(dir / "trading.db", kTradingMigrations, Durability::kFull);
  ASSERT_TRUE(db.ok());
  const auto on = riskEvent(true);
  const auto* envelope = messages::decode(on).value();
  ASSERT_TRUE(insertTradingRow(*db, *envelope, 1, 0).ok());
  const auto entry = auditEntryFor(*envelope);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->kind, "kill_switch");
  EXPECT_EQ(entry->detail, "on: set by hand");
  auto rows = db->prepare("SELECT rule, kill_switch_active, trading_halted, detail FROM risk_events").value();
  ASSERT_TRUE(rows.step().value());
  EXPECT_EQ(rows.columnText(0), "KillSwitch");
  EXPECT_EQ(rows.columnInt(1), 1);
  EXPECT_EQ(rows.columnText(3), "set by hand");
  std::filesystem::remove_all(dir);
}

// A rejection's risk event says which switch refused it: the kill switch or a halt.
TEST(StoreRows, ARejectionsRiskEventNamesTheKillSwitchOrTheHalt) {
  const auto dir = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-rows");
  auto db = openStoreDatabase(dir / "trading.db", kTradingMigrations, Durability::kFull);
  ASSERT_TRUE(db.ok());
  std::uint64_t sequence = 0;
  for (const auto& [rule, id] : {std::pair{msg::RiskRule::KillSwitch, "a"}, std::pair{msg::RiskRule::TradingHalted, "b"}}) {
    const auto bytes = rejection(rule, id);
    ASSERT_TRUE(insertTradingRow(*db, *messages::decode(bytes).value(), 1, sequence++).ok());
  }
  auto rows = db->prepare("SELECT client_order_id, rule, kill_switch_active, trading_halted FROM risk_events ORDER BY client_order_id").value();
  ASSERT_TRUE(rows.step().value());
  EXPECT_EQ(rows.columnText(1), "KillSwitch");
  EXPECT_EQ(rows.columnInt(2), 1);
  EXPECT_EQ(rows.columnInt(3), 0);
  ASSERT_TRUE(rows.step().value());
  EXPECT_EQ(rows.columnText(1), "TradingHalted");
  EXPECT_EQ(rows.columnInt(2), 0);
  EXPECT_EQ(rows.columnInt(3), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rrr::store
