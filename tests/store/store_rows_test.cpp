// What the store writes and audits for each kind of message.
#include <gtest/gtest.h>

#include <optional>

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

std::vector<std::byte> snapshot(std::int64_t quantity_e8, std::int64_t time_ns) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto position = msg::CreatePosition(fbb, fbb.CreateString("BTCUSDT"), quantity_e8, 100, 0, 0, 100);
  const auto positions = fbb.CreateVector(std::vector{position});
  const auto body = msg::CreatePortfolioSnapshot(fbb, 0, positions, 1000);
  const auto bytes = builder.finish(messages::EnvelopeHeader{"engine", 0, time_ns, 0}, body);
  return {bytes.begin(), bytes.end()};
}

// A fresh trading.db, and the rows put into it in ring order.
class StoreRows : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = openStoreDatabase(dir_ / "trading.db", kTradingMigrations, Durability::kFull);
    ASSERT_TRUE(opened.ok());
    db_.emplace(std::move(opened).value());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void put(const std::vector<std::byte>& bytes) {
    ASSERT_TRUE(insertTradingRow(*db_, *messages::decode(bytes).value(), 1, sequence_++).ok());
  }
  // The first row of a query, its columns joined by spaces.
  std::string firstRow(const std::string& sql) {
    auto row = db_->prepare(sql).value();
    EXPECT_TRUE(row.step().value());
    std::string joined;
    for (int column = 0; column < row.columnCount(); ++column) joined += (column ? " " : "") + row.columnText(column);
    return joined;
  }
  std::string orderRow() { return firstRow("SELECT status, filled_quantity_e8, updated_ns FROM orders WHERE client_order_id = 'x-1'"); }
  Database& db() { return *db_; }

 private:
  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-rows");
  std::optional<Database> db_;
  std::uint64_t sequence_ = 0;
};

// The engine regenerating from its checkpoint after a power cut sends an order's earlier states
// again: the row keeps the latest.
TEST_F(StoreRows, AnOrdersRowNeverGoesBackToAnEarlierState) {
  put(order(msg::OrderStatus::New, 0, 1));
  put(order(msg::OrderStatus::Accepted, 0, 2));
  put(order(msg::OrderStatus::Filled, 10, 3));
  EXPECT_EQ(orderRow(), "Filled 10 3");
  put(order(msg::OrderStatus::New, 0, 1));        // the same order again, from its start
  put(order(msg::OrderStatus::Accepted, 0, 2));
  EXPECT_EQ(orderRow(), "Filled 10 3");
  put(order(msg::OrderStatus::Filled, 10, 3));
  EXPECT_EQ(orderRow(), "Filled 10 3");
}

// An acceptance and a kill switch's cancel can share an event time: the row ends Cancelled
// whichever of the two comes again; so too the larger of two fills at one time.
TEST_F(StoreRows, AtOneEventTimeAnOrdersRowKeepsTheStatusFurtherAlong) {
  put(order(msg::OrderStatus::New, 0, 1));
  put(order(msg::OrderStatus::Accepted, 0, 2));
  put(order(msg::OrderStatus::PartiallyFilled, 4, 3));
  put(order(msg::OrderStatus::PartiallyFilled, 6, 3));
  EXPECT_EQ(orderRow(), "PartiallyFilled 6 3");
  put(order(msg::OrderStatus::PartiallyFilled, 4, 3));   // sent again
  EXPECT_EQ(orderRow(), "PartiallyFilled 6 3");
  put(order(msg::OrderStatus::Cancelled, 6, 3));
  EXPECT_EQ(orderRow(), "Cancelled 6 3");
  put(order(msg::OrderStatus::PartiallyFilled, 6, 3));   // sent again
  EXPECT_EQ(orderRow(), "Cancelled 6 3");
}

// The same for a position: the snapshots regenerated after a power cut leave the row as of the
// latest event time, and a later snapshot (or another at the same time) still moves it.
TEST_F(StoreRows, APositionsRowNeverGoesBackToAnEarlierEventTime) {
  const auto positionNow = [&] { return firstRow("SELECT quantity_e8, updated_ns FROM positions WHERE symbol = 'BTCUSDT'"); };
  put(snapshot(10, 1));
  put(snapshot(20, 2));
  put(snapshot(0, 3));
  EXPECT_EQ(positionNow(), "0 3");
  put(snapshot(10, 1));   // regenerated from the start
  put(snapshot(20, 2));
  EXPECT_EQ(positionNow(), "0 3");
  put(snapshot(0, 3));
  put(snapshot(5, 3));    // the last snapshot at a time wins
  EXPECT_EQ(positionNow(), "5 3");
  put(snapshot(7, 4));
  EXPECT_EQ(positionNow(), "7 4");
}

TEST_F(StoreRows, KillSwitchChangesAreStoredAsRiskEventsAndAudited) {
  const auto on = riskEvent(true);
  put(on);
  const auto entry = auditEntryFor(*messages::decode(on).value());
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->kind, "kill_switch");
  EXPECT_EQ(entry->detail, "on: set by hand");
  EXPECT_EQ(firstRow("SELECT rule, kill_switch_active, detail FROM risk_events"), "KillSwitch 1 set by hand");
}

// A rejection's risk event says which switch refused it: the kill switch or a halt.
TEST_F(StoreRows, ARejectionsRiskEventNamesTheKillSwitchOrTheHalt) {
  put(rejection(msg::RiskRule::KillSwitch, "a"));
  put(rejection(msg::RiskRule::TradingHalted, "b"));
  auto rows = db().prepare("SELECT client_order_id, rule, kill_switch_active, trading_halted FROM risk_events ORDER BY client_order_id").value();
  ASSERT_TRUE(rows.step().value());
  EXPECT_EQ(rows.columnText(1), "KillSwitch");
  EXPECT_EQ(rows.columnInt(2), 1);
  EXPECT_EQ(rows.columnInt(3), 0);
  ASSERT_TRUE(rows.step().value());
  EXPECT_EQ(rows.columnText(1), "TradingHalted");
  EXPECT_EQ(rows.columnInt(2), 0);
  EXPECT_EQ(rows.columnInt(3), 1);
}

}  // namespace
}  // namespace rrr::store
