// rrr-bench-system: the whole system under rrr-supervisor, in a temporary folder:
//   - time from `rrr-supervisor start` until every process is ready (the command returns then)
//   - total RSS and PSS of the supervisor and every process
//   - `restart engine` until the engine is ready and has caught up (no unread input)
//   - whole-system CPU while idle (the feed paced to one bar an hour), over --idle-seconds
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

#include "bench_process.h"
#include "supervisor/config.h"
#include "system_probe.h"

namespace {

using rrr::bench::steadyNs;
namespace fs = std::filesystem;

// pace: rrr-ingest's pace, e.g. "300x" (a synthetic minute every 200 ms).
std::string configText(const std::string& pace) {
  return R"(paths: {root: ".", run: run, logs: logs, data: data}
rings:
  md:       {slot_bytes: 512, capacity: 65536, producer: ingest, durable: [infer, store, engine], lossy: [monitor, risk]}
  pred:     {slot_bytes: 2048, capacity: 16384, producer: infer,  durable: [engine, store], lossy: [monitor]}
  intent:   {slot_bytes: 512, capacity: 16384, producer: engine, durable: [risk, store], lossy: [monitor]}
  decision: {slot_bytes: 512, capacity: 16384, producer: risk,   durable: [engine, store], lossy: [monitor]}
  exec:     {slot_bytes: 1024, capacity: 16384, producer: engine, durable: [store], lossy: [monitor, risk]}
processes:
  store: {binary: rrr-store}
  ingest: {binary: rrr-ingest, depends_on: [store], settings: {pace: )" + pace + R"(}}
  infer: {binary: rrr-infer, depends_on: [ingest]}
  risk: {binary: rrr-risk, depends_on: [store], settings: {limits: {max_position: {default: 0.05}}}}
  engine:
    binary: rrr-engine
    depends_on: [infer, risk]
    settings: {strategies: [{id: model, type: ml_signal, symbols: [BTCUSDT, ETHUSDT], enter: 0.3, exit: 0.05, quantity: 0.01},
                            {id: trend, type: ma_cross, symbols: [BTCUSDT], fast: 10, slow: 30, quantity: 0.01}]}
  monitor: {binary: rrr-monitor, depends_on: [store]}
)";
}

struct Bench {
  fs::path root;
  fs::path supervisor;
  fs::path config() const { return root / "rrr.yml"; }
  fs::path runDir() const { return root / "run"; }

  int command(const std::string& verb) const {
    const std::string line = "cd '" + root.string() + "' && '" + supervisor.string() + "' --config '" + config().string() +
                             "' " + verb + " > /dev/null";
    return std::system(line.c_str());
  }
  pid_t supervisorPid() const {
    std::ifstream in(runDir() / "supervisor.lock");
    pid_t pid = 0;
    in >> pid;
    return pid;
  }
  std::vector<pid_t> allPids() const {
    std::vector<pid_t> pids{supervisorPid()};
    if (const auto status = rrr::bench::supervisorStatus(runDir())) {
      for (const auto& view : *status) pids.push_back(view.pid);
    }
    return pids;
  }
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// From the restart request until the engine runs with a new pid, is ready and has no unread input.
double restartEngineMs(const Bench& bench) {
  pid_t old_pid = 0;
  const auto before = rrr::bench::supervisorStatus(bench.runDir()).value_or(std::vector<rrr::bench::ProcessView>{});
  for (const auto& view : before) {
    if (view.name == "engine") old_pid = view.pid;
  }
  const std::int64_t start = steadyNs();
  rrr::bench::supervisorCommand(bench.runDir(), "restart", "engine");
  for (;;) {
    const auto now = rrr::bench::supervisorStatus(bench.runDir()).value_or(std::vector<rrr::bench::ProcessView>{});
    for (const auto& view : now) {
      if (view.name == "engine" && view.pid != old_pid && view.state == "Ready" && view.total_lag == 0) {
        return static_cast<double>(steadyNs() - start) / 1e6;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rrr-bench-system: start time, memory, live restart and idle CPU of the whole system"};
  int rounds = 5;
  int idle_seconds = 30;
  app.add_option("--rounds", rounds, "start/stop and restart rounds")->check(CLI::Range(1, 50));
  app.add_option("--idle-seconds", idle_seconds, "how long whole-system idle CPU is measured")->check(CLI::Range(1, 600));
  CLI11_PARSE(app, argc, argv);

  Bench bench{fs::temp_directory_path() / ("rrr-bench-system-" + std::to_string(getpid())),
              fs::read_symlink("/proc/self/exe").parent_path() / "rrr-supervisor"};
  // What a killed run under this pid left: its rings would be resumed.
  rrr::supervisor::removeRingSegments(fs::weakly_canonical(bench.runDir()));
  fs::remove_all(bench.root);
  fs::create_directories(bench.root);
  std::ofstream(bench.config()) << configText("300x");

  std::vector<double> start_ms;
  std::vector<double> stop_ms;
  std::uint64_t rss_kb = 0;
  std::uint64_t pss_kb = 0;
  for (int round = 0; round < rounds; ++round) {
    const std::int64_t start = steadyNs();
    if (bench.command("start") != 0) {
      std::fprintf(stderr, "start failed; see %s/logs/system\n", bench.root.c_str());
      return 1;
    }
    start_ms.push_back(static_cast<double>(steadyNs() - start) / 1e6);
    if (round == 0) {
      std::this_thread::sleep_for(std::chrono::seconds(2));  // let every process reach its working set
      for (pid_t pid : bench.allPids()) {
        const auto figures = rrr::bench::figuresOf(pid);
        rss_kb += figures.rss_kb;
        pss_kb += figures.pss_kb;
      }
    }
    if (round + 1 < rounds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));   // a paced feed in flight
      const std::int64_t stop = steadyNs();
      bench.command("stop");
      stop_ms.push_back(static_cast<double>(steadyNs() - stop) / 1e6);
    }
  }

  std::vector<double> restart_ms;
  for (int round = 0; round < rounds; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    restart_ms.push_back(restartEngineMs(bench));
  }
  bench.command("stop");

  std::ofstream(bench.config()) << configText("0.0166667x");   // a synthetic minute per wall hour: idle
  bench.command("start");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto pids = bench.allPids();
  std::uint64_t ticks_before = 0;
  for (pid_t pid : pids) ticks_before += rrr::bench::figuresOf(pid).cpu_ticks;
  std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
  std::uint64_t ticks_after = 0;
  for (pid_t pid : pids) ticks_after += rrr::bench::figuresOf(pid).cpu_ticks;
  bench.command("stop");
  const double idle_share =
      static_cast<double>(ticks_after - ticks_before) / static_cast<double>(sysconf(_SC_CLK_TCK)) / idle_seconds;

  const double start_median = median(start_ms);
  const double start_max = *std::max_element(start_ms.begin(), start_ms.end());
  const double restart_median = median(restart_ms);
  const double restart_max = *std::max_element(restart_ms.begin(), restart_ms.end());
  std::printf("7 processes (supervisor + 6), %d rounds\n\n", rounds);
  std::printf("%-52s %10s %10s %10s\n", "", "median", "max", "target");
  std::printf("%-52s %8.0fms %8.0fms %10s  %s\n", "start until every process is ready", start_median, start_max, "< 1500 ms",
              start_max < 1500 ? "met" : "MISSED");
  if (!stop_ms.empty()) {
    std::printf("%-52s %8.0fms %8.0fms\n", "stop (drained: every reader has committed it all)", median(stop_ms),
                *std::max_element(stop_ms.begin(), stop_ms.end()));
  }
  std::printf("%-52s %8.0fms %8.0fms %10s  %s\n", "restart engine until ready and caught up", restart_median, restart_max,
              "< 500 ms", restart_max < 500 ? "met" : "MISSED");
  std::printf("%-52s %8.1fMB %10s %10s  %s\n", "total RSS (shared pages counted in each process)", static_cast<double>(rss_kb) / 1024.0, "",
              "< 500 MB", rss_kb < 500 * 1024 ? "met" : "MISSED");
  std::printf("%-52s %8.1fMB\n", "total PSS (shared pages divided among processes)", static_cast<double>(pss_kb) / 1024.0);
  std::printf("%-52s %9.3f%% %10s %10s  %s\n", ("whole-system idle CPU over " + std::to_string(idle_seconds) + " s").c_str(),
              idle_share * 100, "", "< 1% core", idle_share < 0.01 ? "met" : "MISSED");
  rrr::supervisor::removeRingSegments(fs::weakly_canonical(bench.runDir()));
  fs::remove_all(bench.root);
  return 0;
}
