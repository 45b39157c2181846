// rrr-store under the real supervisor: SIGKILLed again and again during a heavy write stream that
// crosses a month boundary; afterwards the databases hold exactly what was published.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <random>
#include <thread>

#include "../supervisor/rrr_system.h"
#include "common/ring/ring_segment.h"
#include "store/audit_log.h"
#include "store/sqlite.h"
#include "supervisor/config.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

constexpr std::int64_t kFeb1Ns = 1'706'745'600LL * 1'000'000'000;

struct Rows {
  std::int64_t count = 0, first = -1, last = -1, outside_month = 0;
};

// Bars of one shard: how many, the ring sequence range, and how many belong to another month.
Rows shardRows(const std::filesystem::path& path, bool january) {
  sqlite3* db = nullptr;
  Rows rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return rows;
  const std::string sql = "SELECT count(*), min(ring_sequence), max(ring_sequence), sum(open_time_ns " +
                          std::string(january ? ">=" : "<") + " " + std::to_string(kFeb1Ns) + ") FROM market_data";
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  if (sqlite3_step(statement) == SQLITE_ROW) {
    rows = {sqlite3_column_int64(statement, 0), sqlite3_column_int64(statement, 1), sqlite3_column_int64(statement, 2),
            sqlite3_column_int64(statement, 3)};
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

TEST(StoreProcess, KilledRepeatedlyDuringAHeavyStreamAcrossAMonthItStoresEveryBarOnce) {
  auto config = pipelineConfig();
  // 2,000 bars a second, starting 20 minutes (of market time) before February.
  replaceOnce(config, "settings: {pace: 6000x}", "settings: {pace: 60000x, synthetic: {start_time_s: 1706744400}}");
  // Ten kills in a few seconds would otherwise hit the default intensity limit (5 in 30 s).
  config.replace(config.find("store: {binary: rrr-store, backoff_initial_ms: 50}"), 50,
                 "store: {binary: rrr-store, backoff_initial_ms: 50, backoff_max_ms: 100, max_restarts: 50}");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  std::mt19937 random(7);
  for (int kill = 0; kill < 10; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 100));
    // Under sanitizers the watchdog may have just restarted the store too: kill a running one.
    pid_t old_pid = 0;
    ASSERT_TRUE(sut.waitFor([&](const Status& s) {
      old_pid = s.at("store")["state"] == "Ready" ? s.at("store")["pid"].get<pid_t>() : 0;
      return old_pid > 0;
    }, 10s));
    ::kill(old_pid, SIGKILL);
    ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at("store")["state"] == "Ready" && s.at("store")["pid"] != old_pid; }, 10s));
  }
  // The feed stops; then the store reads the rest (on a loaded machine, under sanitizers, it may
  // be seconds behind, or restarted once more by the watchdog).
  ASSERT_EQ(sut.supervisor({"stop", "ingest"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) {
    if (s.at("store")["state"] != "Ready") return false;
    for (const auto& lag : s.at("store")["ring_lag"]) {
      if (lag["lag"].get<long long>() != 0) return false;
    }
    return true;
  }, 60s)) << "the store did not catch up";
  const int restarts = sut.status().at("store")["restarts"].get<int>();
  EXPECT_GE(restarts, 10);
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);

  const auto loaded = supervisor::loadConfig(sut.configPath(), binDirectory());
  ASSERT_TRUE(loaded.ok());
  auto md = ring::RingSegment::open(loaded->ringPrefix() + "md");
  ASSERT_TRUE(md.ok()) << md.error().message;
  const auto published = static_cast<std::int64_t>(md->published());
  ASSERT_GT(published, 1000);

  const auto db_dir = sut.root() / "data" / "db";
  const auto january = shardRows(db_dir / "market_data_2024_01.db", true);
  const auto february = shardRows(db_dir / "market_data_2024_02.db", false);
  EXPECT_EQ(january.count + february.count, published) << "lost or duplicated bars";
  EXPECT_EQ(january.first, 0);
  EXPECT_EQ(january.last + 1, february.first) << "the two shards meet at the month boundary";
  EXPECT_EQ(february.last, published - 1);
  EXPECT_EQ(january.outside_month, 0);
  EXPECT_EQ(february.outside_month, 0);
  EXPECT_EQ(january.count, 40) << "20 minutes of two symbols before February";

  // The audit chain came through the kills whole: one record per intent, decision and fill and one
  // per restart of the store (recorded from the supervisor's system ring), all linked. Under
  // sanitizers on a loaded machine the watchdog may restart another process too: one record each.
  auto trading = store::Database::openReadOnly(db_dir / "trading.db");
  ASSERT_TRUE(trading.ok());
  const auto verdict = store::verifyAuditChain(*trading);
  ASSERT_TRUE(verdict.ok());
  EXPECT_FALSE(verdict->problem) << *verdict->problem;
  auto counts = trading->prepare(
      "SELECT (SELECT count(*) FROM order_intents) + (SELECT count(*) FROM risk_decisions) + (SELECT count(*) FROM trades), "
      "(SELECT count(*) FROM audit_log WHERE kind = 'process_restart' AND subject = 'store'), "
      "(SELECT count(*) FROM audit_log WHERE kind IN ('process_restart', 'process_given_up'))");
  ASSERT_TRUE(counts->step().value());
  EXPECT_EQ(counts->columnInt(1), restarts) << "one audit record per restart";
  EXPECT_EQ(verdict->records, counts->columnInt(0) + counts->columnInt(2));
  EXPECT_GT(verdict->records, 0);
  ring::RingSegment::remove(loaded->ringPrefix() + "md");
}

}  // namespace
}  // namespace rrr::testing
