// The audit log's hash chain finds every kind of tampering.
#include <gtest/gtest.h>

#include "store/audit_log.h"
#include "store/store_files.h"
#include "support/unique_name.h"

namespace rrr::store {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-audit");
    std::filesystem::create_directories(dir_);
    db_.emplace(openStoreDatabase(dir_ / "trading.db", kTradingMigrations, Durability::kFull).value());
    auto log = AuditLog::load(*db_).value();
    ASSERT_TRUE(db_->exec("BEGIN").ok());
    for (int i = 1; i <= 10; ++i) {
      ASSERT_TRUE(log.append(*db_, i * 1000, "order_intent", "order-" + std::to_string(i), "Buy 1 BTCUSDT").ok());
    }
    ASSERT_TRUE(db_->exec("COMMIT").ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::optional<std::string> problem() { return verifyAuditChain(*db_).value().problem; }

  std::filesystem::path dir_;
  std::optional<Database> db_;
};

TEST_F(AuditLogTest, UntouchedChainVerifies) {
  const auto verdict = verifyAuditChain(*db_).value();
  EXPECT_EQ(verdict.records, 10);
  EXPECT_FALSE(verdict.problem) << *verdict.problem;
}

TEST_F(AuditLogTest, AppendingAfterReloadContinuesTheChain) {
  auto log = AuditLog::load(*db_).value();
  ASSERT_TRUE(log.append(*db_, 99'000, "risk_decision", "order-10", "approved").ok());
  EXPECT_EQ(verifyAuditChain(*db_).value().records, 11);
  EXPECT_FALSE(problem());
}

TEST_F(AuditLogTest, EditedRecordIsNamed) {
  ASSERT_TRUE(db_->exec("UPDATE audit_log SET detail = 'Sell 1 BTCUSDT' WHERE id = 4").ok());
  ASSERT_TRUE(problem());
  EXPECT_NE(problem()->find("audit record 4: was edited"), std::string::npos) << *problem();
}

TEST_F(AuditLogTest, EditedRecordWithARecomputedHashBreaksTheNextLink) {
  const auto forged = auditHash(std::string(64, '0'), 1, 1000, "order_intent", "order-1", "Sell 1 BTCUSDT");
  ASSERT_TRUE(db_->exec("UPDATE audit_log SET detail = 'Sell 1 BTCUSDT', hash = '" + forged + "' WHERE id = 1").ok());
  ASSERT_TRUE(problem());
  EXPECT_NE(problem()->find("audit record 2: does not link"), std::string::npos) << *problem();
}

TEST_F(AuditLogTest, RemovedRecordIsFound) {
  ASSERT_TRUE(db_->exec("DELETE FROM audit_log WHERE id = 6").ok());
  ASSERT_TRUE(problem());
  EXPECT_NE(problem()->find("records 6..6 were removed"), std::string::npos) << *problem();
}

TEST_F(AuditLogTest, RemovedNewestRecordsAreFoundThroughTheHead) {
  ASSERT_TRUE(db_->exec("DELETE FROM audit_log WHERE id >= 9").ok());
  ASSERT_TRUE(problem());
  EXPECT_NE(problem()->find("the audit head names record 10 but the log ends at record 8"), std::string::npos) << *problem();
}

}  // namespace
}  // namespace rrr::store
