// rrr-bench-latency: the hot path through the real processes, under rrr-supervisor in a temporary
// folder, with the default model (trained first, as scripts/start does) and an ml_signal strategy
// that trades on every sign change:
//   - tick-to-order latency: from rrr-ingest publishing a bar to the paper venue accepting the
//     order it led to (ingest -> infer -> engine -> risk -> engine's execution), p50 and p99. Read
//     after the run from the md and exec rings: each message carries its wall-clock publish time.
//     Also per symbol: the engine takes one order at a time, so the second symbol of a bar close
//     waits for the first one's round trip through rrr-risk.
//   - intents per second through engine + risk with the feed unpaced.
//   - each under the normal scheduler and with realtime_priority, each with the machine's idle
//     cores halting (the default) and polling (supervisor.idle_cores: poll), and each with the
//     processes on any CPU (the default) and pinned (processes.NAME.cpus, see Setup).
//   - the blocked-hop floor in the same run: one futex wake-up between two processes, with idle
//     cores halting and polling (a CPU latency request of 0 us held: os/cpu_latency_request.h).
//   - how long a 128 KiB working set stays warm on its core: read again at once, after 1 ms of
//     spinning (the rehearsal's lead) and after 100 ms asleep (a bar's interval at 600x).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "bench_process.h"
#include "cache_decay.h"
#include "common/messages/envelope.h"
#include "common/os/cpu_latency_request.h"
#include "common/ring/ring_segment.h"
#include "latency_summary.h"
#include "supervisor/config.h"
#include "transport_cases.h"

namespace {

namespace fs = std::filesystem;

// realtime: the hot path's main threads under SCHED_FIFO (processes.NAME.realtime_priority), all
// four at one priority: a polling stage yields the core every few microseconds, so rrr-ingest
// waits at most that; above them it would take the core from rrr-engine in the middle of a bar.
// pinned (processes.NAME.cpus): rrr-engine and rrr-ingest on the last CPU, every other process on
// the rest. Each hop of the path then crosses CPUs, and the two stages that share one are never
// due at once: rrr-ingest sleeps once the bars are out, before the engine's prediction is due;
// rrr-infer sleeps once its predictions are out, before rrr-risk's intent is due. No stage that
// only polls takes the core from one that has its input.
struct Setup {
  bool realtime = false;
  bool poll_idle_cores = false;
  bool pinned = false;
};

std::string cpuList(int first, int last) {
  std::string listed;
  for (int cpu = first; cpu <= last; ++cpu) listed += (listed.empty() ? "" : ", ") + std::to_string(cpu);
  return "[" + listed + "]";
}

std::string configText(const std::string& pace, const Setup& setup) {
  const auto priority = [&](int value) { return setup.realtime ? ", realtime_priority: " + std::to_string(value) : std::string(); };
  const int last_cpu = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1;
  const auto cpus = [&](bool engine) {
    if (!setup.pinned) return std::string();
    return ", cpus: " + (engine ? cpuList(last_cpu, last_cpu) : cpuList(0, last_cpu - 1));
  };
  return R"(paths: {root: ".", run: run, logs: logs, data: data}
supervisor: {idle_cores: )" + std::string(setup.poll_idle_cores ? "poll" : "halt") + R"(}
rings:
  md:       {slot_bytes: 512, capacity: 65536, producer: ingest, durable: [infer, store, engine], lossy: [monitor, risk]}
  pred:     {slot_bytes: 2048, capacity: 65536, producer: infer,  durable: [engine, store], lossy: [monitor]}
  intent:   {slot_bytes: 512, capacity: 65536, producer: engine, durable: [risk, store], lossy: [monitor]}
  decision: {slot_bytes: 512, capacity: 65536, producer: risk,   durable: [engine, store], lossy: [monitor]}
  exec:     {slot_bytes: 1024, capacity: 65536, producer: engine, durable: [store], lossy: [monitor, risk]}
processes:
  store: {binary: rrr-store)" + cpus(false) + R"(}
  ingest: {binary: rrr-ingest, depends_on: [store])" + priority(10) + cpus(true) + R"(, settings: {pace: )" + pace + R"(, aggregate: []}}
  infer: {binary: rrr-infer, depends_on: [ingest])" + priority(10) + cpus(false) + R"(}
  risk: {binary: rrr-risk, depends_on: [store])" + priority(10) + cpus(false) + R"(, settings: {limits: {max_position: {default: 1}}}}
  engine: {binary: rrr-engine, depends_on: [infer, risk])" + priority(10) + cpus(true) + R"(,
           settings: {strategies: [{id: model, type: ml_signal, symbols: [BTCUSDT, ETHUSDT], enter: 0.0, exit: 0.0, quantity: 0.001}]}}
  monitor: {binary: rrr-monitor, depends_on: [store])" + cpus(false) + R"(}
)";
}

struct System {
  fs::path root;
  fs::path supervisor;

  int command(const std::string& verb) const {
    const std::string line = "cd '" + root.string() + "' && '" + supervisor.string() + "' --config '" + (root / "rrr.yml").string() +
                             "' " + verb + " > /dev/null";
    return std::system(line.c_str());
  }
  // After a stop: the next start begins afresh (rings, databases, the engine's and rrr-risk's
  // state); the model stays.
  void forgetState() const {
    rrr::supervisor::removeRingSegments(fs::weakly_canonical(root / "run"));
    for (const char* state : {"data/db", "data/engine", "data/risk"}) fs::remove_all(root / state);
  }
  std::string ring(const std::string& name) const { return rrr::supervisor::ringPrefixFor(fs::weakly_canonical(root / "run")) + name; }
};

// Calls visit(envelope) for every message still held by the ring.
template <class Visit>
void eachMessage(const std::string& ring_name, Visit visit) {
  auto segment = rrr::ring::RingSegment::open(ring_name);
  if (!segment.ok()) throw std::runtime_error("cannot open ring " + ring_name);
  const auto published = segment->published();
  const auto capacity = segment->config().capacity;
  for (std::uint64_t sequence = published > capacity ? published - capacity : 0; sequence < published; ++sequence) {
    const auto bytes = segment->copyPublished(sequence);
    if (!bytes) continue;
    const auto envelope = rrr::messages::decode(*bytes);
    if (envelope.ok()) visit(*envelope.value());
  }
}

struct Hops {
  std::vector<std::int64_t> total, to_prediction, to_bar_records, to_intent, to_decision, to_accepted;

  // bar_records: the engine's last exec record before the intent, when it is after the bar. For a
  // bar with fills, where the engine's own work on the bar ended (its fills, order records and
  // snapshot) before it took the prediction; for a later order of a close, possibly the earlier
  // order's acceptance.
  void add(std::int64_t bar, std::int64_t prediction, std::optional<std::int64_t> bar_records, std::int64_t intent, std::int64_t decision,
           std::int64_t accepted) {
    total.push_back(accepted - bar);
    if (bar_records) to_bar_records.push_back(*bar_records - bar);
    to_prediction.push_back(prediction - bar);
    to_intent.push_back(intent - prediction);
    to_decision.push_back(decision - intent);
    to_accepted.push_back(accepted - decision);
  }
};

struct TickToOrder {
  Hops all;
  std::map<std::string, Hops> by_symbol;   // the engine takes one symbol's order at a time
  // By place in its close: an order alone in it, or the first or a later one of several (a later
  // one waits for the earlier ones' round trips through rrr-risk).
  std::map<std::string, Hops> by_place;
};

// From each bar's publication to the venue's acceptance of the order decided at its close, and
// each hop on the way. Client order ids are "<strategy>-<symbol>-<decision time ns>-<n>";
// decisions are at bar closes.
TickToOrder tickToOrderNs(const System& system) {
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> bar_published;   // (symbol, close) -> first publish time
  eachMessage(system.ring("md"), [&](const rrr::msg::Envelope& envelope) {
    if (const auto* bar = envelope.body_as_Bar()) {
      const auto key = std::pair{bar->symbol()->str(), envelope.event_time_ns()};
      if (!bar_published.contains(key)) bar_published[key] = envelope.publish_time_ns();
    }
  });
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> predicted, intended;
  eachMessage(system.ring("pred"), [&](const rrr::msg::Envelope& envelope) {
    if (const auto* p = envelope.body_as_Prediction()) predicted.emplace(std::pair{p->symbol()->str(), envelope.event_time_ns()}, envelope.publish_time_ns());
  });
  std::map<std::string, std::int64_t> intent_at, decision_at;
  eachMessage(system.ring("intent"), [&](const rrr::msg::Envelope& envelope) {
    if (const auto* i = envelope.body_as_OrderIntent()) intent_at[i->client_order_id()->str()] = envelope.publish_time_ns();
  });
  eachMessage(system.ring("decision"), [&](const rrr::msg::Envelope& envelope) {
    if (const auto* d = envelope.body_as_RiskDecision()) decision_at[d->client_order_id()->str()] = envelope.publish_time_ns();
  });
  struct Order {
    std::string symbol;
    std::int64_t bar, prediction, intent, decision, accepted;
  };
  std::vector<std::int64_t> exec_published;   // every exec record's, in ring order: ascending
  const auto barRecords = [&](const Order& o) -> std::optional<std::int64_t> {
    const auto after = std::lower_bound(exec_published.begin(), exec_published.end(), o.intent);
    if (after == exec_published.begin() || *std::prev(after) <= o.bar) return std::nullopt;
    return *std::prev(after);
  };
  std::map<std::int64_t, std::vector<Order>> by_close;   // in the order they were accepted
  eachMessage(system.ring("exec"), [&](const rrr::msg::Envelope& envelope) {
    exec_published.push_back(envelope.publish_time_ns());
    const auto* update = envelope.body_as_OrderUpdate();
    if (update == nullptr || update->status() != rrr::msg::OrderStatus::Accepted) return;
    const auto id = update->client_order_id()->str();
    const auto last = id.rfind('-');
    const auto time_dash = id.rfind('-', last - 1);
    const auto symbol_dash = id.rfind('-', time_dash - 1);
    if (last == std::string::npos || time_dash == std::string::npos || symbol_dash == std::string::npos) return;
    const auto symbol = id.substr(symbol_dash + 1, time_dash - symbol_dash - 1);
    const auto decided = std::stoll(id.substr(time_dash + 1, last - time_dash - 1));
    const auto bar = bar_published.find({symbol, decided});
    const auto prediction = predicted.find({symbol, decided});
    if (bar == bar_published.end() || prediction == predicted.end() || !intent_at.contains(id) || !decision_at.contains(id)) return;
    by_close[decided].push_back({symbol, bar->second, prediction->second, intent_at[id], decision_at[id], envelope.publish_time_ns()});
  });
  TickToOrder hops;
  for (const auto& [close, orders] : by_close) {
    for (std::size_t i = 0; i < orders.size(); ++i) {
      const auto& o = orders[i];
      const char* place = orders.size() == 1 ? " alone in its close" : i == 0 ? " first of its close" : " later in its close";
      for (auto* hop : {&hops.all, &hops.by_symbol[o.symbol], &hops.by_place[place]}) {
        hop->add(o.bar, o.prediction, barRecords(o), o.intent, o.decision, o.accepted);
      }
    }
  }
  return hops;
}

void printLatency(const char* what, const rrr::bench::LatencySummary& s) {
  if (s.samples == 0) {   // a run too short for the model's first orders: no zeros that read as figures
    std::printf("%-46s %9s %9s %9s %9s %8zu\n", what, "-", "-", "-", "-", s.samples);
    return;
  }
  std::printf("%-46s %9.1f %9.1f %9.1f %9.1f %8zu\n", what, s.p50_us, s.p99_us, s.p999_us, s.max_us, s.samples);
}

struct Run {
  TickToOrder hops;
  double intents_per_second = 0;
};

// One setup: the paced feed for the latency figures, then the unpaced one for throughput.
std::optional<Run> measure(const System& system, const std::string& pace, const Setup& setup, int seconds, int throughput_seconds) {
  std::ofstream(system.root / "rrr.yml") << configText(pace, setup);
  if (system.command("start") != 0) {
    std::fprintf(stderr, "start failed; see %s/logs/system\n", system.root.c_str());
    return std::nullopt;
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  Run run;
  run.hops = tickToOrderNs(system);
  system.command("stop");
  system.forgetState();

  std::ofstream(system.root / "rrr.yml") << configText("fast", setup);
  if (system.command("start") != 0) {
    std::fprintf(stderr, "start failed; see %s/logs/system\n", system.root.c_str());
    return std::nullopt;
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto intents = rrr::ring::RingSegment::open(system.ring("intent"));
  const auto first_count = intents->published();
  const auto first_ns = rrr::bench::steadyNs();
  std::this_thread::sleep_for(std::chrono::seconds(throughput_seconds));
  run.intents_per_second =
      static_cast<double>(intents->published() - first_count) / (static_cast<double>(rrr::bench::steadyNs() - first_ns) / 1e9);
  system.command("stop");
  system.forgetState();
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rrr-bench-latency: tick-to-order latency and intents per second through the real processes"};
  int seconds = 60;
  int throughput_seconds = 10;
  std::string pace = "600x";
  std::string schedules = "both";
  std::string idle_cores = "both";
  std::string cpus = "both";
  app.add_option("--seconds", seconds, "how long the paced feed runs for the latency figures, per schedule")->check(CLI::Range(5, 3600));
  app.add_option("--pace", pace, "rrr-ingest's pace for the latency figures (600x: a bar per symbol every 100 ms)");
  app.add_option("--throughput-seconds", throughput_seconds, "how long the unpaced feed runs, per schedule")->check(CLI::Range(2, 600));
  app.add_option("--schedules", schedules, "which schedules to measure")->check(CLI::IsMember({"both", "normal", "realtime"}));
  app.add_option("--idle-cores", idle_cores, "supervisor.idle_cores for the runs: poll needs root")
      ->check(CLI::IsMember({"both", "halt", "poll"}));
  app.add_option("--cpus", cpus, "shared: every process on any CPU (the default config); pinned: rrr-engine and rrr-ingest on the last CPU, the rest on the others")
      ->check(CLI::IsMember({"both", "shared", "pinned"}));
  CLI11_PARSE(app, argc, argv);
  if (cpus != "shared" && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    std::fprintf(stderr, "pinned: not measured (one CPU online)\n");
    if (cpus == "pinned") return 1;
    cpus = "shared";
  }

  System system{fs::temp_directory_path() / ("rrr-bench-latency-" + std::to_string(getpid())),
                fs::read_symlink("/proc/self/exe").parent_path() / "rrr-supervisor"};
  system.forgetState();   // what a killed run under this pid left: its rings would be resumed
  fs::remove_all(system.root);
  fs::create_directories(system.root);
  // The default model, as scripts/start makes it.
  const auto train = "'" + (system.supervisor.parent_path() / "rrr-train").string() + "' --models-dir '" +
                     (system.root / "data/models").string() + "' fit --name default --activate > /dev/null 2>&1";
  if (std::system(train.c_str()) != 0) {
    std::fprintf(stderr, "training the default model failed: %s\n", train.c_str());
    return 1;
  }
  // The supervisor falls back to halting idle cores when it cannot make the request: such a run
  // would be labelled polling and be nothing of the kind.
  if (idle_cores != "halt") {
    const rrr::os::CpuLatencyRequest probe;   // held for an instant
    if (!probe.held()) {
      std::fprintf(stderr, "idle cores polling: not measured (%s)\n", probe.error().c_str());
      if (idle_cores == "poll") return 1;
      idle_cores = "halt";
    }
  }
  std::vector<std::pair<std::string, std::optional<Run>>> runs;
  for (const bool pinned : {false, true}) {
    if (cpus != "both" && pinned != (cpus == "pinned")) continue;
    for (const bool poll : {false, true}) {
      if (idle_cores != "both" && poll != (idle_cores == "poll")) continue;
      for (const bool realtime : {false, true}) {
        if (schedules != "both" && realtime != (schedules == "realtime")) continue;
        if (!runs.empty() && !runs.back().second) break;
        std::string title = realtime ? "realtime_priority: ingest, infer, engine, risk 10" : "normal scheduler (the default)";
        title += poll ? "; idle cores polling (supervisor.idle_cores: poll)" : "";
        title += pinned ? "; pinned (cpus): engine and ingest on the last CPU, the rest on the others" : "";
        runs.emplace_back(title, measure(system, pace, Setup{realtime, poll, pinned}, seconds, throughput_seconds));
      }
    }
  }
  fs::remove_all(system.root);
  if (!runs.back().second) return 1;

  // Last: it pins this process to a core, which the system's processes would inherit.
  rrr::bench::CaseParams params;
  params.messages = 5000;
  params.interval_ns = 200'000;
  const auto floor = rrr::bench::futexWakeLatency(params);
  std::optional<rrr::bench::LatencySummary> polling_floor;
  std::string polling_error;
  {
    const rrr::os::CpuLatencyRequest polling;   // released at the end of the block
    if (polling.held()) {
      polling_floor = rrr::bench::futexWakeLatency(params);
    } else {
      polling_error = polling.error();
    }
  }
  constexpr std::size_t kWorkingSet = 128 * 1024;
  const auto warm = rrr::bench::workingSetReadAgain(kWorkingSet, std::chrono::nanoseconds(0), false, 200);
  const auto spun = rrr::bench::workingSetReadAgain(kWorkingSet, std::chrono::milliseconds(1), false, 200);
  const auto slept = rrr::bench::workingSetReadAgain(kWorkingSet, std::chrono::milliseconds(100), true, 30);

  const auto summary = [](const std::vector<std::int64_t>& samples) {
    return rrr::bench::summarize(samples, std::min<std::size_t>(20, samples.size() / 10));
  };
  const auto printHops = [&](const std::string& what, const Hops& h) {
    printLatency(("tick-to-order" + what + ", ingest -> accepted").c_str(), summary(h.total));
    printLatency("  bar -> prediction (infer)", summary(h.to_prediction));
    printLatency("  bar -> last exec record before intent", summary(h.to_bar_records));
    printLatency("  prediction -> intent (engine)", summary(h.to_intent));
    printLatency("  intent -> decision (risk)", summary(h.to_decision));
    printLatency("  decision -> accepted (engine)", summary(h.to_accepted));
  };
  for (const auto& [title, run] : runs) {
    std::printf("\n%s\n%-46s %9s %9s %9s %9s %8s\n", title.c_str(), "latency (us)", "p50", "p99", "p99.9", "max", "samples");
    printHops("", run->hops.all);
    for (const auto& [symbol, symbol_hops] : run->hops.by_symbol) printHops(" " + symbol, symbol_hops);
    for (const auto& [place, place_hops] : run->hops.by_place) printHops(place, place_hops);
    std::printf("intents per second through engine + risk (feed unpaced): %.0f\n", run->intents_per_second);
  }
  std::printf("\n");
  printLatency("blocked hop floor (futex wake-up)", floor);
  if (polling_floor) {
    printLatency("  ... idle cores polling (a 0 us CPU latency request)", *polling_floor);
  } else {
    std::printf("  ... idle cores polling: not measured (%s)\n", polling_error.c_str());
  }
  printLatency("128 KiB working set read again at once", warm);
  printLatency("  ... after 1 ms spinning on its core", spun);
  printLatency("  ... after 100 ms asleep", slept);
  return 0;
}
