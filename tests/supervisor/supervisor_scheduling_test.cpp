// How rrr-supervisor runs its children, with the real binaries in a temporary folder: realtime
// priority, CPU pinning and the idle cores' CPU latency request, each as the kernel reports it.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "rrr_system.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

// Restarts `name` live and returns its new pid once it is ready again (0 if it is not within 5 s).
pid_t restartedPid(RrrSystem& sut, const std::string& name, pid_t old_pid) {
  if (sut.supervisor({"restart", name}).exit_code != 0) return 0;
  const bool ready = sut.waitFor([&](const Status& s) { return s.at(name)["state"] == "Ready" && s.at(name)["pid"] != old_pid; }, 5s);
  return ready ? sut.pidOf(name) : 0;
}

// (policy without SCHED_RESET_ON_FORK, priority) of one thread.
std::pair<int, int> schedulingOf(pid_t tid) {
  sched_param param{};
  sched_getparam(tid, &param);
  return {sched_getscheduler(tid) & ~SCHED_RESET_ON_FORK, param.sched_priority};
}

std::vector<pid_t> threadsOf(pid_t pid) {
  std::vector<pid_t> threads;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    threads.push_back(std::stoi(entry.path().filename().string()));
  }
  return threads;
}

TEST(SupervisorProcess, RealtimePriorityRaisesTheMainThreadOnlyAndSurvivesARestart) {
  auto config = pipelineConfig();
  replaceOnce(config, "engine: {binary: rrr-engine,", "engine: {binary: rrr-engine, realtime_priority: 7,");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const pid_t engine = sut.pidOf("engine");
  ASSERT_GT(engine, 0);
  EXPECT_EQ(schedulingOf(engine), std::pair(SCHED_FIFO, 7));
  const auto threads = threadsOf(engine);
  EXPECT_GT(threads.size(), 1u) << "ZeroMQ's threads are expected";
  for (const pid_t thread : threads) {
    if (thread == engine) continue;
    EXPECT_EQ(schedulingOf(thread), std::pair(SCHED_OTHER, 0)) << "thread " << thread;
  }
  EXPECT_EQ(schedulingOf(sut.pidOf("risk")), std::pair(SCHED_OTHER, 0)) << "a process without realtime_priority";
  const auto status = sut.status();
  EXPECT_EQ(status.at("engine")["scheduling"], "fifo 7") << "the status says whether it took";
  EXPECT_EQ(status.at("risk")["scheduling"], "normal");

  const pid_t restarted = restartedPid(sut, "engine", engine);
  ASSERT_GT(restarted, 0);
  EXPECT_EQ(schedulingOf(restarted), std::pair(SCHED_FIFO, 7));
}

std::vector<int> cpusOf(pid_t tid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(tid, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// Where any thread of the process may run: a stage of the hot path keeps its main thread to its
// side during a paced burst (os/burst_cpu.h).
std::vector<int> processCpusOf(pid_t pid) {
  std::set<int> cpus;
  for (const pid_t thread : threadsOf(pid)) {
    for (const int cpu : cpusOf(thread)) cpus.insert(cpu);
  }
  return {cpus.begin(), cpus.end()};
}

TEST(SupervisorProcess, CpusKeepAProcessAndEveryThreadOfItOnThoseCpusAcrossARestart) {
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online < 2) GTEST_SKIP() << "one CPU online: pinning cannot be told from running anywhere";
  auto config = pipelineConfig();
  replaceOnce(config, "engine: {binary: rrr-engine,", "engine: {binary: rrr-engine, cpus: [1],");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const pid_t engine = sut.pidOf("engine");
  ASSERT_GT(engine, 0);
  const auto threads = threadsOf(engine);
  EXPECT_GT(threads.size(), 1u) << "ZeroMQ's threads are expected";
  for (const pid_t thread : threads) EXPECT_EQ(cpusOf(thread), std::vector<int>{1}) << "thread " << thread;
  EXPECT_EQ(processCpusOf(sut.pidOf("risk")).size(), static_cast<std::size_t>(online)) << "a process without cpus";
  const auto status = sut.status();
  EXPECT_EQ(status.at("engine")["scheduling"], "normal cpus 1") << "the status says whether it took";
  EXPECT_EQ(status.at("risk")["scheduling"], "normal");

  const pid_t restarted = restartedPid(sut, "engine", engine);
  ASSERT_GT(restarted, 0);
  EXPECT_EQ(cpusOf(restarted), std::vector<int>{1});
}

// Without cpus in its config, rrr-engine's main thread keeps to the last CPU during each paced
// burst (from rrr-ingest's heads-up until it sleeps again) and may run on every CPU between them;
// rrr-risk keeps to the others. Sampled while the pipeline's paced feed runs (a bar every 10 ms).
TEST(SupervisorProcess, StagesOfTheHotPathKeepToTheirSideDuringAPacedBurstOnly) {
  const int last = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1;
  if (last < 1) GTEST_SKIP() << "one CPU online: no side to keep to";
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const pid_t engine = sut.pidOf("engine");
  const pid_t risk = sut.pidOf("risk");
  ASSERT_GT(engine, 0);
  ASSERT_GT(risk, 0);
  std::vector<int> every, others;
  for (int cpu = 0; cpu <= last; ++cpu) every.push_back(cpu);
  others.assign(every.begin(), every.end() - 1);
  std::map<std::vector<int>, int> engine_seen, risk_seen;
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    ++engine_seen[cpusOf(engine)];
    ++risk_seen[cpusOf(risk)];
    std::this_thread::sleep_for(100us);
  }
  const auto seen = [](const std::map<std::vector<int>, int>& counts) {
    std::string text;
    for (const auto& [cpus, count] : counts) text += " " + ::testing::PrintToString(cpus) + " x" + std::to_string(count);
    return text;
  };
  EXPECT_GT(engine_seen[std::vector<int>{last}], 0) << "engine:" << seen(engine_seen);
  EXPECT_GT(engine_seen[every], 0) << "engine:" << seen(engine_seen);
  EXPECT_EQ(engine_seen.size(), 2u) << "engine:" << seen(engine_seen);
  EXPECT_GT(risk_seen[others], 0) << "risk:" << seen(risk_seen);
  EXPECT_GT(risk_seen[every], 0) << "risk:" << seen(risk_seen);
  EXPECT_EQ(risk_seen.size(), 2u) << "risk:" << seen(risk_seen);
  EXPECT_EQ(processCpusOf(engine), every) << "its other threads (ZeroMQ's) keep every CPU";
  EXPECT_EQ(sut.status().at("engine")["scheduling"], "normal") << "the status shows where the process may run";
}

// The kernel's aggregate CPU latency request (the lowest one held), or nothing if it cannot be read.
std::optional<std::int32_t> cpuLatencyTarget() {
  const int fd = open("/dev/cpu_dma_latency", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::int32_t value = -1;
  const auto got = read(fd, &value, sizeof value);
  close(fd);
  if (got != static_cast<ssize_t>(sizeof value)) return std::nullopt;
  return value;
}

// Where the request can be made (root), the kernel's value shows it held while a `poll` system
// runs and dropped after; where it cannot, the status says poll was refused and why. Either way
// `halt`, the default, asks for nothing.
TEST(SupervisorProcess, IdleCoresPollHoldsACpuLatencyRequestOfZeroWhileTheSupervisorRunsOrSaysWhyNot) {
  const auto before = cpuLatencyTarget();
  {
    RrrSystem halting(pipelineConfig());
    ASSERT_EQ(halting.supervisor({"start"}).exit_code, 0);
    EXPECT_EQ(cpuLatencyTarget(), before) << "idle_cores: halt, the default, asks for nothing";
    EXPECT_NE(halting.supervisor({"status"}).output.find("idle cores: halt\n"), std::string::npos);
    ASSERT_EQ(halting.supervisor({"stop"}).exit_code, 0);
  }
  const bool can_request = access("/dev/cpu_dma_latency", W_OK) == 0;
  RrrSystem polling(pipelineConfig("", "  idle_cores: poll\n"));
  ASSERT_EQ(polling.supervisor({"start"}).exit_code, 0);
  const auto status = polling.supervisor({"status"}).output;
  if (can_request) {
    EXPECT_NE(status.find("idle cores: poll\n"), std::string::npos) << status;
    ASSERT_TRUE(before.has_value()) << "a writable request file that cannot be read";
    EXPECT_EQ(cpuLatencyTarget(), 0);
  } else {
    EXPECT_NE(status.find("idle cores: halt (poll refused: /dev/cpu_dma_latency: "), std::string::npos) << status;
    EXPECT_EQ(cpuLatencyTarget(), before);
  }
  ASSERT_EQ(polling.supervisor({"stop"}).exit_code, 0);
  EXPECT_EQ(cpuLatencyTarget(), before) << "the request ends with the supervisor";
}

}  // namespace
}  // namespace rrr::testing
