// rrr-supervisor with the real binaries in a temporary folder: start, crash, hang, crash loop,
// supervisor death, a second supervisor, live restart and reload.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <thread>

#include "rrr_system.h"
#include "supervisor/config.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

const std::vector<std::string> kPipeline{"store", "ingest", "infer", "risk", "engine", "monitor"};

bool allReady(const Status& status) {
  for (const auto& name : kPipeline) {
    const auto found = status.find(name);
    if (found == status.end() || found->second["state"] != "Ready") return false;
  }
  return true;
}

// (count, min, max) of one integer column.
std::array<std::int64_t, 3> columnRange(const std::filesystem::path& db_path, const std::string& table, const std::string& column) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* statement = nullptr;
  const std::string sql = "SELECT count(*), min(" + column + "), max(" + column + ") FROM " + table;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  std::array<std::int64_t, 3> range{-1, -1, -1};
  if (sqlite3_step(statement) == SQLITE_ROW) {
    for (int i = 0; i < 3; ++i) range[i] = sqlite3_column_int64(statement, i);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return range;
}

std::int64_t distinctCount(const std::filesystem::path& db_path, const std::string& table, const std::string& column) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* statement = nullptr;
  const std::string sql = "SELECT count(DISTINCT " + column + ") FROM " + table;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  std::int64_t count = -1;
  if (sqlite3_step(statement) == SQLITE_ROW) count = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return count;
}

// Every row of table, numbered by ring sequence, is there exactly once: 0..count-1.
void expectContiguous(const std::filesystem::path& db_path, const std::string& table) {
  const auto [count, first, last] = columnRange(db_path, table, "ring_sequence");
  EXPECT_GT(count, 0) << table;
  EXPECT_EQ(first, 0) << table;
  EXPECT_EQ(last, count - 1) << table << ": a gap or a duplicate";
}

TEST(SupervisorProcess, StartsEveryProcessInOrderAndReportsThemReady) {
  RrrSystem sut(pipelineConfig());
  const auto started = sut.supervisor({"start"});
  ASSERT_EQ(started.exit_code, 0) << started.output;
  EXPECT_NE(started.output.find("ready"), std::string::npos);
  const auto status = sut.status();
  EXPECT_TRUE(allReady(status)) << sut.supervisor({"status"}).output;
  struct stat info {};
  ASSERT_EQ(stat((sut.root() / "run").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((sut.root() / "run" / "control.sock").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto table = sut.supervisor({"status"});
  EXPECT_NE(table.output.find("engine"), std::string::npos);
  EXPECT_NE(table.output.find("Ready"), std::string::npos);
}

TEST(SupervisorProcess, KilledChildIsRestartedPromptlyAndDurableStreamsLoseNothing) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  std::this_thread::sleep_for(300ms);
  for (const std::string victim : {"engine", "infer", "risk", "store"}) {
    const auto before = sut.status();
    const pid_t old_pid = before.at(victim)["pid"];
    kill(old_pid, SIGKILL);
    const auto killed_at = std::chrono::steady_clock::now();
    // Restarted (a new process) promptly, within a bound that holds on a loaded machine under
    // sanitizers (rrr-bench-system measures the restart time itself); ready once it has started
    // up, which for a process linking LibTorch under sanitizers takes seconds.
    ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.count(victim) && s.at(victim)["pid"] != old_pid && s.at(victim)["pid"] != 0; }, 5s))
        << victim;
    EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 3000ms) << victim << " was not restarted promptly";
    ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at(victim)["state"] == "Ready"; }, 10s)) << victim;
    const auto after = sut.status();
    for (const auto& name : kPipeline) {
      if (name == victim) continue;
      EXPECT_EQ(after.at(name)["pid"], before.at(name)["pid"]) << name << " was disturbed";
    }
    EXPECT_NE(after.at(victim)["last_exit"].get<std::string>().find("SIGKILL"), std::string::npos);
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto db = sut.root() / "data" / "db" / "trading.db";
  // The synthetic feed starts on 2024-01-01; a test run stays within the month.
  const auto market = sut.root() / "data" / "db" / "market_data_2024_01.db";
  expectContiguous(market, "market_data");
  for (const char* table : {"ml_predictions", "order_intents"}) expectContiguous(db, table);
  // The decision ring also carries rrr-risk's limits and RiskEvents: one decision per intent.
  const auto decisions = columnRange(db, "risk_decisions", "ring_sequence");
  EXPECT_EQ(decisions[0], columnRange(db, "order_intents", "ring_sequence")[0]);
  EXPECT_EQ(distinctCount(db, "risk_decisions", "ring_sequence"), decisions[0]);
  // infer and risk map one input to one output: their sequences match their inputs' one to one.
  EXPECT_LE(columnRange(db, "ml_predictions", "ring_sequence")[0], columnRange(market, "market_data", "ring_sequence")[0]);
  EXPECT_LE(columnRange(db, "risk_decisions", "ring_sequence")[0], columnRange(db, "order_intents", "ring_sequence")[0]);
}

TEST(SupervisorProcess, StoppedChildIsKilledByTheWatchdogAndRestarted) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const pid_t old_pid = sut.pidOf("infer");
  kill(old_pid, SIGSTOP);
  ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at("infer")["state"] == "Ready" && s.at("infer")["pid"] != old_pid; }, 5s));
  const auto status = sut.status();
  EXPECT_NE(status.at("infer")["last_exit"].get<std::string>().find("watchdog"), std::string::npos) << status.at("infer").dump();
  EXPECT_TRUE(processGone(old_pid));
  // The watchdog fires on every loop turn until the reap; the kill is sent and logged once.
  EXPECT_EQ(logCount(sut, "supervisor", "killing infer"), 1u) << logText(sut, "supervisor");
}

TEST(SupervisorProcess, CrashLoopHitsTheIntensityLimitRaisesAnAlertAndLeavesTheRestRunning) {
  RrrSystem sut(pipelineConfig(R"(  crasher:
    binary: /bin/false
    depends_on: [store]
    max_restarts: 2
    restart_window_s: 30
    backoff_initial_ms: 100
)"));
  const auto started = sut.supervisor({"start"});
  EXPECT_EQ(started.exit_code, 1);
  EXPECT_NE(started.output.find("given up"), std::string::npos) << started.output;
  const auto status = sut.status();
  EXPECT_EQ(status.at("crasher")["state"], "GivenUp");
  EXPECT_EQ(status.at("crasher")["last_exit"], "exit 1");
  EXPECT_EQ(status.at("store")["state"], "Ready");
  EXPECT_TRUE(logHas(sut, "supervisor", "ALERT [restart-intensity] crasher"));
  // The monitor subscribes to the supervisor's alerts.
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return logHas(sut, "monitor", "alert Critical [restart-intensity] crasher");
  }, 5s));
  // reset re-arms it: it runs (and fails) again.
  EXPECT_EQ(sut.supervisor({"reset", "crasher"}).exit_code, 0);
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return s.at("crasher")["restarts"] > 2; }, 5s));
}

// The supervisor sleeps until its next deadline: a start that never reports ready is killed at its
// ready_timeout (and given up at the intensity limit), and a stop that is ignored ends in SIGKILL
// at its stop_timeout, with nothing else to wake the supervisor.
TEST(SupervisorProcess, HungStartAndIgnoredStopAreKilledAtTheirDeadlines) {
  RrrSystem sut(pipelineConfig(R"(  hung:
    binary: /bin/sleep
    args: ["1000"]
    depends_on: [store]
    ready_timeout_ms: 300
    max_restarts: 1
    restart_window_s: 30
    backoff_initial_ms: 100
  stubborn:
    binary: /bin/sh
    args: ["-c", "trap '' TERM; exec sleep 1000"]
    depends_on: [store]
    ready_timeout_ms: 60000
    stop_timeout_ms: 300
)"));
  const auto started = sut.supervisor({"start"});
  EXPECT_EQ(started.exit_code, 1);
  EXPECT_NE(started.output.find("given up"), std::string::npos) << started.output;
  auto status = sut.status();
  EXPECT_EQ(status.at("hung")["state"], "GivenUp");
  EXPECT_NE(status.at("hung")["last_exit"].get<std::string>().find("not ready within 300 ms"), std::string::npos)
      << status.at("hung").dump();
  ASSERT_EQ(status.at("stubborn")["state"], "Starting");
  const pid_t stubborn = sut.pidOf("stubborn");
  EXPECT_EQ(sut.supervisor({"stop", "stubborn"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("stubborn")["state"] == "Stopped"; }, 5s));
  status = sut.status();
  EXPECT_NE(status.at("stubborn")["last_exit"].get<std::string>().find("did not stop within 300 ms"), std::string::npos)
      << status.at("stubborn").dump();
  EXPECT_TRUE(processGone(stubborn));
  EXPECT_EQ(status.at("store")["state"], "Ready");
}

TEST(SupervisorProcess, AlertIsPublishedOnTheSupervisorsTap) {
  RrrSystem sut(pipelineConfig(R"(  crasher: {binary: /bin/false, max_restarts: 1, backoff_initial_ms: 1500})"));
  std::thread starter([&] { sut.supervisor({"start"}); });
  while (!std::filesystem::exists(sut.root() / "run" / "tap-supervisor.sock")) std::this_thread::sleep_for(5ms);
  const auto alerts = sut.tap({"Alert", "--count", "1", "--seconds", "20"});
  starter.join();
  EXPECT_NE(alerts.output.find("\"body_type\": \"Alert\""), std::string::npos) << alerts.output;
  EXPECT_NE(alerts.output.find("restart-intensity"), std::string::npos);
}

TEST(SupervisorProcess, OneForAllStopsEverythingWhenOneIsGivenUp) {
  RrrSystem sut(pipelineConfig(R"(  crasher: {binary: /bin/false, depends_on: [store], max_restarts: 1, backoff_initial_ms: 50})",
                               "  strategy: one_for_all\n"));
  sut.supervisor({"start"});
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (sut.supervisorPid() != 0 && !processGone(sut.supervisorPid()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(processGone(sut.supervisorPid()));
}

TEST(SupervisorProcess, KilledSupervisorTakesEveryChildWithItAndANewOneStarts) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  std::vector<pid_t> children;
  for (const auto& [name, entry] : sut.status()) children.push_back(entry["pid"]);
  ASSERT_EQ(children.size(), kPipeline.size());
  kill(sut.supervisorPid(), SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  auto all_gone = [&] { return std::all_of(children.begin(), children.end(), processGone); };
  while (!all_gone() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  for (pid_t pid : children) EXPECT_TRUE(processGone(pid)) << "child " << pid << " outlived the supervisor";
  const auto again = sut.supervisor({"start"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

TEST(SupervisorProcess, SecondSupervisorRefusesToStart) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto second = sut.supervisor({"start"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.output.find("a supervisor is already running in " + (sut.root() / "run").string() + " (pid " +
                               std::to_string(sut.supervisorPid()) + ")"),
            std::string::npos)
      << second.output;
  EXPECT_TRUE(allReady(sut.status()));
}

TEST(SupervisorProcess, RestartIsLiveAndReloadRestartsOnlyWhatChanged) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto before = sut.status();
  ASSERT_EQ(sut.supervisor({"restart", "risk"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at("risk")["state"] == "Ready" && s.at("risk")["pid"] != before.at("risk")["pid"]; }, 5s));
  EXPECT_EQ(sut.pidOf("engine"), before.at("engine")["pid"]);

  auto config = pipelineConfig();
  replaceOnce(config, "enter: 0.1, exit: 0.1", "enter: 0.2, exit: 0.1");
  sut.writeConfig(config);
  const auto mid = sut.status();
  const auto reloaded = sut.supervisor({"reload"});
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.output;
  EXPECT_NE(reloaded.output.find("restarting engine"), std::string::npos) << reloaded.output;
  ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at("engine")["state"] == "Ready" && s.at("engine")["pid"] != mid.at("engine")["pid"]; }, 5s));
  for (const auto& name : {"store", "ingest", "infer", "risk", "monitor"}) EXPECT_EQ(sut.pidOf(name), mid.at(name)["pid"]) << name;
}

TEST(SupervisorProcess, StopStopsOneProcessOrEverything) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_EQ(sut.supervisor({"stop", "monitor"}).exit_code, 0);
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return s.at("monitor")["state"] == "Stopped"; }, 5s));
  const auto stopped = sut.supervisor({"stop"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  const auto status = sut.supervisor({"status"});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.output.find("no supervisor is running"), std::string::npos) << status.output;
}

TEST(SupervisorProcess, LogsHoldEachChildsOutput) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto logs = sut.supervisor({"logs", "ingest", "-n", "20"});
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_NE(logs.output.find("[ingest] [info] ingest ready"), std::string::npos) << logs.output;
}

}  // namespace
}  // namespace rrr::testing

namespace rrr::testing {
namespace {

TEST(SupervisorProcess, ReusedRingsForgetConsumersTheConfigDropped) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  // monitor leaves the config; its (lossy) registration on md would be harmless, but a durable one
  // would stall ingest, so the restart must drop whatever is not configured.
  auto config = pipelineConfig();
  replaceOnce(config, "durable: [infer, store, engine], lossy: [monitor, risk]", "durable: [infer, store, engine], lossy: [risk]");
  sut.writeConfig(config);
  const auto again = sut.supervisor({"start"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(logHas(sut, "supervisor", "forgot consumer monitor"));
}

// A stop lets the durable readers commit what the stopped sources published. One that does not
// (rrr-store, frozen by SIGSTOP) is waited for 5 s; what it left is said once in the supervisor's
// log, and read again at the next start.
TEST(SupervisorProcess, AStopSaysOnceWhatADurableReaderLeftUnreadAndTheNextStartReadsIt) {
  auto config = pipelineConfig();
  replaceOnce(config, "watchdog_ms: 1000", "watchdog_ms: 60000");   // frozen, not killed for it
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Ready"; }, 20s));
  const pid_t store = sut.pidOf("store");
  ASSERT_EQ(kill(store, SIGSTOP), 0);
  std::this_thread::sleep_for(500ms);   // md piles up unread
  const auto stop_began = std::chrono::steady_clock::now();
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  EXPECT_GE(std::chrono::steady_clock::now() - stop_began, 5s) << "the readers are given 5 s to catch up";
  const std::string unread = "stopping with messages not yet committed by their readers after 5000 ms: ";
  EXPECT_EQ(logCount(sut, "supervisor", unread), 1u) << logText(sut, "supervisor");
  EXPECT_TRUE(logHas(sut, "supervisor", "-md for store")) << logText(sut, "supervisor");
  EXPECT_TRUE(processGone(store));

  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return ringLag(s, "store", "md") == 0; }, 20s)) << "what was left is read";
  EXPECT_EQ(logCount(sut, "supervisor", unread), 1u);
}

// `stop` keeps the rings for the next start; `remove-rings` frees them, but not while the system
// runs, and not while a durable reader has not committed what they hold (unless told to discard).
TEST(SupervisorProcess, RemoveRingsFreesAStoppedRunOnlyWhenNothingIsLeftUnread) {
  RrrSystem sut(pipelineConfig());
  const auto run_dir = std::filesystem::weakly_canonical(sut.root() / "run");
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto running = sut.supervisor({"remove-rings"});
  EXPECT_EQ(running.exit_code, 1);
  EXPECT_NE(running.output.find("is running"), std::string::npos) << running.output;

  ASSERT_EQ(sut.supervisor({"stop", "store"}).exit_code, 0);   // md and the rest pile up unread
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto rings = supervisor::ringSegmentNames(run_dir);
  ASSERT_GE(rings.size(), 6u);
  const auto unread = sut.supervisor({"remove-rings"});
  EXPECT_EQ(unread.exit_code, 1);
  EXPECT_NE(unread.output.find("-md: store has not committed"), std::string::npos) << unread.output;
  EXPECT_NE(unread.output.find("nothing removed"), std::string::npos) << unread.output;
  EXPECT_EQ(supervisor::ringSegmentNames(run_dir), rings);

  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);   // rrr-store catches up
  ASSERT_TRUE(sut.waitFor([](const std::map<std::string, nlohmann::json>& s) { return ringLag(s, "store", "md") == 0; }, 20s));
  ASSERT_EQ(sut.supervisor({"stop", "ingest"}).exit_code, 0);   // no new bars: every reader can finish
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto removed = sut.supervisor({"remove-rings"});
  EXPECT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_NE(removed.output.find("removed " + std::to_string(rings.size()) + " ring segments"), std::string::npos) << removed.output;
  EXPECT_TRUE(supervisor::ringSegmentNames(run_dir).empty());

  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0) << "a start makes them anew";
  ASSERT_EQ(sut.supervisor({"stop", "store"}).exit_code, 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  std::filesystem::remove_all(run_dir);   // the run folder deleted first: its rings are still found
  const auto discarded = sut.supervisor({"remove-rings", "--discard"});
  EXPECT_EQ(discarded.exit_code, 0) << discarded.output;
  EXPECT_NE(discarded.output.find("discarding messages not yet committed"), std::string::npos) << discarded.output;
  EXPECT_TRUE(supervisor::ringSegmentNames(run_dir).empty());
  EXPECT_FALSE(std::filesystem::exists(run_dir)) << "not made again";
}

}  // namespace
}  // namespace rrr::testing
