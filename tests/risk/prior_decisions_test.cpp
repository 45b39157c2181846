// rrr-risk on a new decision ring: the decisions a real trading.db holds for the intents the
// engine regenerates, and the orders-per-minute window as it stood before the first of them.
#include <gtest/gtest.h>

#include <fstream>

#include "../../procs/store/src/store_statements.h"
#include "risk/prior_decisions.h"
#include "store/store_files.h"
#include "support/unique_name.h"

namespace rrr::risk {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

IntentView intentAt(const std::string& id, std::int64_t time_ns, std::int64_t quantity_e8 = 1'000'000) {
  IntentView intent;
  intent.client_order_id = id;
  intent.symbol = "BTCUSDT";
  intent.quantity_e8 = quantity_e8;
  intent.time_ns = time_ns;
  return intent;
}

class PriorDecisionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::openStoreDatabase(dir_ / "trading.db", store::kTradingMigrations, store::Durability::kFull);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_.emplace(std::move(db).value());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Stores an intent and its decision, as rrr-store does from the rings.
  void decided(const IntentView& intent, bool approved, msg::RiskRule rule = msg::RiskRule::None, const char* detail = "") {
    messages::EnvelopeBuilder builder;
    auto& fbb = builder.fbb();
    const auto body = msg::CreateOrderIntent(fbb, fbb.CreateString(intent.client_order_id), fbb.CreateString("model"),
                                             fbb.CreateString(intent.symbol), intent.action, intent.side, intent.type,
                                             msg::TimeInForce::GTC, intent.quantity_e8, intent.limit_price_e8, intent.stop_price_e8,
                                             intent.time_ns);
    const auto bytes = builder.finish(messages::EnvelopeHeader{"engine", 0, intent.time_ns, 0}, body);
    ASSERT_TRUE(store::insertTradingRow(*db_, *messages::decode(bytes).value(), 1, sequence_++).ok());
    messages::EnvelopeBuilder decision_builder;
    auto& dfb = decision_builder.fbb();
    const auto decision = msg::CreateRiskDecision(dfb, dfb.CreateString(intent.client_order_id), approved, rule, 2, 3, dfb.CreateString(detail));
    const auto decision_bytes = decision_builder.finish(messages::EnvelopeHeader{"risk", 0, intent.time_ns, 0}, decision);
    ASSERT_TRUE(store::insertTradingRow(*db_, *messages::decode(decision_bytes).value(), 2, sequence_++).ok());
  }

  const std::filesystem::path dir_ = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-prior");
  std::optional<store::Database> db_;
  std::uint64_t sequence_ = 0;
};

TEST_F(PriorDecisionsTest, AnIntentTheStoreDecidedGetsThatDecisionAgainUntilTheFirstNewOne) {
  decided(intentAt("a", 10 * kSecondNs), true);
  decided(intentAt("b", 70 * kSecondNs), true);
  decided(intentAt("c", 90 * kSecondNs), false, msg::RiskRule::MaxOrdersPerMinute, "2 orders in the last minute");
  decided(intentAt("d", 100 * kSecondNs), true);
  auto prior = PriorDecisions::open(dir_ / "trading.db");
  ASSERT_TRUE(prior.ok()) << prior.error().message;
  ASSERT_TRUE(prior->active());

  // The engine's checkpoint was after "b": "c" is the first intent it regenerates.
  auto c = prior->find(intentAt("c", 90 * kSecondNs));
  ASSERT_TRUE(c.ok() && c.value());
  EXPECT_FALSE(c.value()->verdict.approved);
  EXPECT_EQ(c.value()->verdict.rule, msg::RiskRule::MaxOrdersPerMinute);
  EXPECT_EQ(c.value()->verdict.limit, 2);
  EXPECT_EQ(c.value()->verdict.observed, 3);
  EXPECT_EQ(c.value()->verdict.detail, "2 orders in the last minute");
  // The window before it: "b" (within the minute); "a" is older.
  EXPECT_EQ(c.value()->approvals_before, std::vector<std::int64_t>{70 * kSecondNs});

  auto d = prior->find(intentAt("d", 100 * kSecondNs));
  ASSERT_TRUE(d.ok() && d.value());
  EXPECT_TRUE(d.value()->verdict.approved);
  EXPECT_TRUE(d.value()->approvals_before.empty()) << "the window is seeded once, at the first";

  auto e = prior->find(intentAt("e", 110 * kSecondNs));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e.value());
  EXPECT_FALSE(prior->active()) << "after the first new intent every later one is new too";
  EXPECT_EQ(prior->found(), 2u);
}

// Same id, another order (the strategy's settings changed, say): not the intent that was decided.
TEST_F(PriorDecisionsTest, AnotherOrderUnderTheSameIdIsDecidedAfresh) {
  decided(intentAt("a", 10 * kSecondNs), true);
  auto prior = PriorDecisions::open(dir_ / "trading.db");
  ASSERT_TRUE(prior.ok());
  auto other = prior->find(intentAt("a", 10 * kSecondNs, 2'000'000));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other.value());
  EXPECT_FALSE(prior->active());
}

TEST_F(PriorDecisionsTest, NoStoreYetMeansNoLookups) {
  auto prior = PriorDecisions::open(dir_ / "none" / "trading.db");
  ASSERT_TRUE(prior.ok());
  EXPECT_FALSE(prior->active());
}

TEST_F(PriorDecisionsTest, AFileThatIsNoDatabaseIsAnErrorNamingIt) {
  const auto path = dir_ / "broken.db";
  std::ofstream(path) << "not a database, not at all, but long enough to have a header";
  auto prior = PriorDecisions::open(path);
  if (prior.ok()) {   // SQLite may open it and fail on the first read
    auto found = prior->find(intentAt("a", 1));
    ASSERT_FALSE(found.ok());
    EXPECT_NE(found.error().message.find("broken.db"), std::string::npos) << found.error().message;
    EXPECT_FALSE(prior->active());
  } else {
    EXPECT_NE(prior.error().message.find("broken.db"), std::string::npos) << prior.error().message;
  }
}

// The gate takes the stored decision as check() would have taken its own.
TEST(RiskGateAdopt, TheStoredWindowThenEachApprovalCountTowardOrdersPerMinute) {
  RiskLimits limits;
  limits.max_orders_per_minute = 2;
  RiskGate gate(limits);
  Verdict approved;
  const auto first = gate.adopt(intentAt("c", 90 * kSecondNs), approved, {70 * kSecondNs});
  EXPECT_TRUE(first.approved);
  AccountView account;
  account.last_prices_e8["BTCUSDT"] = 100'000'000;
  // "b" at 70 s and "c" at 90 s are in the window of an order at 100 s: a third is refused.
  const auto third = gate.check(intentAt("d", 100 * kSecondNs), account);
  EXPECT_FALSE(third.approved);
  EXPECT_EQ(third.rule, msg::RiskRule::MaxOrdersPerMinute);
}

}  // namespace
}  // namespace rrr::risk
