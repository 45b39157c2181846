// rrr-bench-store: how fast rrr-store moves Bars from a ring into SQLite, against the ceiling of
// raw SQLite prepared inserts in one transaction (same table, same order, same PRAGMAs) in the
// same run; and the latency of the dashboard's queries on a database of --query-rows bars.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "bench_process.h"
#include "common/messages/envelope.h"
#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"
#include "latency_summary.h"
#include "store/store_agent.h"
#include "store/store_files.h"
#include "supervisor/config.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using rrr::bench::steadyNs;
constexpr std::int64_t kJan1Ns = 1'704'067'200LL * 1'000'000'000;
constexpr std::int64_t kMinuteNs = 60'000'000'000;

// Bar i: symbol i % symbols, minute i / symbols (time-ordered, as a feed delivers them).
struct BarSpec {
  std::string symbol;
  std::int64_t open_time_ns;
};
BarSpec barSpec(std::uint64_t i, int symbols) {
  return {"SYM" + std::to_string(i % static_cast<std::uint64_t>(symbols)),
          kJan1Ns + static_cast<std::int64_t>(i / static_cast<std::uint64_t>(symbols)) * kMinuteNs};
}

double ceilingRowsPerSecond(const fs::path& dir, std::uint64_t rows, int symbols) {
  auto db = rrr::store::openStoreDatabase(dir / "ceiling.db", rrr::store::kMarketMigrations, rrr::store::Durability::kNormal);
  const std::int64_t start = steadyNs();
  (void)db->exec("BEGIN");
  auto* insert = db->cached("INSERT INTO market_data VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING").value();
  for (std::uint64_t i = 0; i < rows; ++i) {
    const auto bar = barSpec(i, symbols);
    (void)insert->bind(1, std::string_view(bar.symbol)).bind(2, std::int64_t{60}).bind(3, bar.open_time_ns)
        .bind(4, std::int64_t{100}).bind(5, std::int64_t{110}).bind(6, std::int64_t{90}).bind(7, std::int64_t{105})
        .bind(8, std::int64_t{1}).bind(9, std::int64_t{0}).bind(10, std::int64_t{1}).bind(11, std::int64_t{1})
        .bind(12, static_cast<std::int64_t>(i)).run();
  }
  (void)db->exec("COMMIT");
  return static_cast<double>(rows) / (static_cast<double>(steadyNs() - start) / 1e9);
}

pid_t spawnStore(const fs::path& root, const std::string& prefix) {
  const auto self = fs::read_symlink("/proc/self/exe").parent_path();
  std::vector<std::string> env = {"RRR_PROCESS=store", "RRR_RUN_DIR=" + (root / "run").string(),
                                  "RRR_DATA_DIR=" + (root / "data").string(), "RRR_BACKUP_DIR=" + (root / "backups").string(),
                                  "RRR_RING_PREFIX=" + prefix, "RRR_HEARTBEAT_MS=500", "RRR_CONFIG=" + (root / "rrr.yml").string()};
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string binary = (self / "rrr-store").string();
  std::string log = (root / "store.log").string();
  char* argv[] = {binary.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    std::fprintf(stderr, "cannot start %s: %s\n", binary.c_str(), std::strerror(error));
    return -1;
  }
  return pid;
}

// Publishes `rows` Bars on a ring that a real rrr-store drains; timed until the store has
// committed the last one (its ring cursor reaches the end). nullopt if the store ended first.
std::optional<double> storeRowsPerSecond(const fs::path& root, std::uint64_t rows, int symbols) {
  fs::create_directories(root / "run");
  std::ofstream(root / "rrr.yml") << "processes:\n  store:\n    binary: rrr-store\n    settings: {backups_daily: 0, backups_weekly: 0, backups_monthly: 0}\n";
  const std::string prefix = "rrr-bench-store-" + std::to_string(getpid()) + "-";
  for (const char* ring : rrr::store::kStoredRings) {
    auto segment = rrr::ring::RingSegment::create(prefix + ring, rrr::ring::RingConfig{512, 65536});
    (void)rrr::ring::RingConsumer::registerConsumer(*segment, "store", rrr::ring::ConsumerKind::kDurable);
  }
  auto removeRings = [&] {
    for (const char* ring : rrr::store::kStoredRings) rrr::ring::RingSegment::remove(prefix + ring);
  };
  auto producer = rrr::ring::RingProducer::open(prefix + "md");
  const pid_t store = spawnStore(root, prefix);
  if (store < 0) {
    removeRings();
    return std::nullopt;
  }
  bool store_ended = false;
  auto storeEnded = [&] {
    if (!store_ended) store_ended = waitpid(store, nullptr, WNOHANG) == store;
    return store_ended;
  };
  rrr::messages::EnvelopeBuilder builder;
  const std::int64_t start = steadyNs();
  for (std::uint64_t i = 0; i < rows && !store_ended; ++i) {
    const auto bar = barSpec(i, symbols);
    builder.reset();
    auto& fbb = builder.fbb();
    const auto body = rrr::msg::CreateBar(fbb, fbb.CreateString(bar.symbol), 60, bar.open_time_ns, 100, 110, 90, 105, 1, 0, 1, i);
    const auto envelope = builder.finish(rrr::messages::EnvelopeHeader{"bench", i, bar.open_time_ns, 1}, body);
    // Back-pressure is the store's pace; a store that ended would hold it forever.
    while (producer->publish(envelope, std::chrono::seconds(1)).status == rrr::ring::PublishStatus::kTimedOut && !storeEnded()) {
    }
  }
  auto md = rrr::ring::RingSegment::open(prefix + "md");
  while (!storeEnded() && md->info().consumers.at(0).cursor < rows) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double elapsed = static_cast<double>(steadyNs() - start) / 1e9;
  if (!store_ended) {
    kill(store, SIGTERM);
    waitpid(store, nullptr, 0);
  }
  removeRings();
  if (store_ended) {
    std::fprintf(stderr, "rrr-store ended before it had written the rows; its log: %s\n", (root / "store.log").c_str());
    return std::nullopt;
  }
  return static_cast<double>(rows) / elapsed;
}

}  // namespace

int runQueries(const fs::path& dir, std::uint64_t rows, int samples);

int main(int argc, char** argv) {
  CLI::App app{"rrr-bench-store: ring-to-SQLite throughput against raw SQLite, and dashboard query latency"};
  std::uint64_t rows = 1'000'000;
  std::uint64_t query_rows = 10'000'000;
  int samples = 2000;
  app.add_option("--rows", rows, "bars written in the throughput cases")->capture_default_str();
  app.add_option("--query-rows", query_rows, "bars in the database the queries run on")->capture_default_str();
  app.add_option("--samples", samples, "runs of each query")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const auto root = fs::temp_directory_path() / ("rrr-bench-store-" + std::to_string(getpid()));
  fs::create_directories(root);
  constexpr int kSymbols = 500;
  const double ceiling = ceilingRowsPerSecond(root, rows, kSymbols);
  const auto store_result = storeRowsPerSecond(root / "store", rows, kSymbols);
  if (!store_result) return 1;   // the folder stays, with the store's log
  const double through_store = *store_result;
  std::printf("%llu bars of %d symbols, market_data (symbol, interval, open time) key, WAL, synchronous=NORMAL\n\n",
              static_cast<unsigned long long>(rows), kSymbols);
  std::printf("%-58s %12.0f rows/s\n", "raw SQLite, prepared inserts, one transaction (ceiling)", ceiling);
  std::printf("%-58s %12.0f rows/s  %.0f%% of the ceiling (target >= 50%%)  %s\n\n", "ring -> rrr-store -> SQLite, batched",
              through_store, 100 * through_store / ceiling, through_store >= 0.5 * ceiling ? "met" : "MISSED");
  const int code = runQueries(root / "queries", query_rows, samples);
  fs::remove_all(root);
  return code;
}
