// rrr-db against a real system's files.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "../supervisor/rrr_system.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;

class DbToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sut_.supervisor({"start"}).exit_code, 0);
    std::this_thread::sleep_for(500ms);
  }
  RrrSystem sut_{pipelineConfig()};
};

TEST_F(DbToolTest, StatusListsEveryFileWithRowCountsAndSchemaVersion) {
  const auto status = sut_.db({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("trading.db"), std::string::npos);
  EXPECT_NE(status.output.find("market_data_2024_01.db"), std::string::npos);
  EXPECT_NE(status.output.find("schema v5"), std::string::npos);
  EXPECT_NE(status.output.find("backtest.db"), std::string::npos);
  EXPECT_NE(status.output.find("order_intents"), std::string::npos);
}

TEST_F(DbToolTest, QueryIsReadOnlyAndPrintsTableJsonOrCsv) {
  const auto refused = sut_.db({"query", "DELETE FROM order_intents"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("readonly"), std::string::npos) << refused.output;
  const auto csv = sut_.db({"query", "SELECT symbol, count(*) AS n FROM market_data GROUP BY symbol", "--db",
                            "market_data_2024_01", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(csv.output.rfind("symbol,n\nBTCUSDT,", 0), 0u) << csv.output;
  const auto json = sut_.db({"query", "SELECT count(*) AS n FROM ml_predictions", "--format", "json"});
  const auto document = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(document.is_array()) << json.output;
  EXPECT_GT(document.at(0).at("n").get<int>(), 0);
  const auto exported = sut_.db({"export", "risk_decisions"});
  EXPECT_EQ(exported.exit_code, 0);
  EXPECT_EQ(exported.output.rfind("client_order_id,approved,rule,", 0), 0u) << exported.output;
  const auto bad = sut_.db({"query", "SELECT * FROM no_such_table"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("no such table: no_such_table"), std::string::npos);
}

TEST_F(DbToolTest, BackupWhileRunningAndRestoreOnlyOnceStopped) {
  const auto backup = sut_.db({"backup"});
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  const auto folder = backup.output.substr(backup.output.find(" into ") + 6, backup.output.find(" (each") - backup.output.find(" into ") - 6);
  const auto refused = sut_.db({"restore", folder});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("rrr is running"), std::string::npos) << refused.output;
  ASSERT_EQ(sut_.supervisor({"stop"}).exit_code, 0);
  const auto restored = sut_.db({"restore", folder});
  EXPECT_EQ(restored.exit_code, 0) << restored.output;
  const auto verified = sut_.db({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("trading.db: ok"), std::string::npos);
}

TEST_F(DbToolTest, EveryIntentAndDecisionIsInTheVerifiedAuditChain) {
  ASSERT_EQ(sut_.supervisor({"stop"}).exit_code, 0);
  const auto verified = sut_.db({"verify-audit"});
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  const auto counted = sut_.db({"query", "SELECT (SELECT count(*) FROM order_intents) + (SELECT count(*) FROM risk_decisions) "
                                         "- (SELECT count(*) FROM audit_log WHERE kind IN ('order_intent', 'risk_decision')) "
                                         "AS missing", "--format", "csv"});
  EXPECT_EQ(counted.output, "missing\n0\n") << counted.output;
  EXPECT_NE(verified.output.find("chain intact"), std::string::npos);
}

TEST_F(DbToolTest, RestartsConfigChangesAndAlertsFromTheSupervisorAreKeptAndAudited) {
  const pid_t engine = sut_.pidOf("engine");
  ::kill(engine, SIGKILL);
  ASSERT_TRUE(sut_.waitFor([&](const std::map<std::string, nlohmann::json>& s) {
    return s.at("engine")["state"] == "Ready" && s.at("engine")["pid"] != engine;
  }, 5s));
  auto config = pipelineConfig();
  replaceOnce(config, "enter: 0.1, exit: 0.1", "enter: 0.3, exit: 0.1");
  sut_.writeConfig(config);
  ASSERT_EQ(sut_.supervisor({"reload"}).exit_code, 0);
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(sut_.supervisor({"stop"}).exit_code, 0);
  const auto audit = sut_.db({"query", "SELECT kind, subject FROM audit_log WHERE kind IN ('process_restart', 'config_change') "
                                       "ORDER BY id", "--format", "csv"});
  EXPECT_NE(audit.output.find("process_restart,engine"), std::string::npos) << audit.output;
  EXPECT_NE(audit.output.find("config_change,rrr.yml"), std::string::npos) << audit.output;
  const auto alerts = sut_.db({"query", "SELECT rule FROM alerts", "--format", "csv"});
  EXPECT_NE(alerts.output.find("config-reload"), std::string::npos) << alerts.output;
  const auto events = sut_.db({"query", "SELECT count(*) AS n FROM process_events WHERE process = 'engine'", "--format", "csv"});
  EXPECT_NE(events.output, "n\n0\n") << events.output;
  EXPECT_EQ(sut_.db({"verify-audit"}).exit_code, 0);
}

TEST_F(DbToolTest, StoreTakesScheduledBackupsOfEveryKindAtFirstStart) {
  for (const char* kind : {"daily", "weekly", "monthly"}) {
    const auto folder = sut_.root() / "backups" / kind;
    EXPECT_TRUE(sut_.waitFor([&](const std::map<std::string, nlohmann::json>&) {
      std::error_code ignored;
      for (const auto& entry : std::filesystem::directory_iterator(folder, ignored)) {
        if (std::filesystem::exists(entry.path() / "MANIFEST")) return true;
      }
      return false;
    }, 10s)) << kind;
  }
  const auto status = sut_.db({"status"});
  EXPECT_NE(status.output.find("backups daily    1 kept"), std::string::npos) << status.output;
}

}  // namespace
}  // namespace rrr::testing
