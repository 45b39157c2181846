#include "common/os/burst_cpu.h"
#include "common/os/deadline_timer.h"
#include "common/os/scheduling.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rrr::os {
namespace {

using namespace std::chrono_literals;
using Clock = DeadlineTimer::Clock;

TEST(DeadlineTimer, WaitReturnsAtTheDeadlineAndDisarms) {
  DeadlineTimer timer;
  const auto deadline = Clock::now() + 30ms;
  timer.arm(deadline);
  ASSERT_EQ(timer.deadline(), deadline);
  timer.wait();
  EXPECT_GE(Clock::now(), deadline);
  EXPECT_FALSE(timer.deadline());
}

TEST(DeadlineTimer, WaitWithoutADeadlineReturnsAtOnce) {
  DeadlineTimer timer;
  const auto before = Clock::now();
  timer.wait();
  EXPECT_LT(Clock::now() - before, 5s);   // a hang, not a timing target
}

TEST(DeadlineTimer, APastDeadlineReturnsAtOnce) {
  DeadlineTimer timer;
  timer.arm(Clock::now() - 1s);
  const auto before = Clock::now();
  timer.wait();
  EXPECT_LT(Clock::now() - before, 5s);
  EXPECT_FALSE(timer.deadline());
}

TEST(DeadlineTimer, ClockOriginIsAPastDeadlineNotADisarm) {
  DeadlineTimer timer;
  timer.arm(Clock::time_point{});
  timer.wait();   // would block for ever if a zero deadline disarmed the timer
  EXPECT_FALSE(timer.deadline());
}

// An armed deadline that expired unread must not end a later wait early.
TEST(DeadlineTimer, RearmingAfterAnExpiryWaitsForTheNewDeadline) {
  DeadlineTimer timer;
  timer.arm(Clock::now() + 1ms);
  std::this_thread::sleep_for(20ms);
  const auto deadline = Clock::now() + 30ms;
  timer.arm(deadline);
  timer.wait();
  EXPECT_GE(Clock::now(), deadline);
}

TEST(DeadlineTimer, ALaterArmReplacesAnEarlierOne) {
  DeadlineTimer timer;
  timer.arm(Clock::now() + 1ms);
  const auto deadline = Clock::now() + 40ms;
  timer.arm(deadline);
  timer.wait();
  EXPECT_GE(Clock::now(), deadline);
}

std::atomic<int> signals_seen{0};
void countSignal(int) { signals_seen.fetch_add(1); }

// A signal (the process's stop request) ends the wait early with the deadline still armed, so
// the caller can look at why and wait again.
TEST(DeadlineTimer, ASignalEndsTheWaitEarlyStillArmed) {
  struct sigaction action {};
  action.sa_handler = countSignal;   // no SA_RESTART: the read is interrupted
  struct sigaction previous {};
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
  DeadlineTimer timer;
  const auto deadline = Clock::now() + 10s;
  timer.arm(deadline);
  const pthread_t waiter = pthread_self();
  std::atomic<bool> returned{false};
  // Again until the wait returns: one sent before the read began would not interrupt it.
  std::thread signaller([waiter, &returned] {
    while (!returned.load()) {
      std::this_thread::sleep_for(50ms);
      if (!returned.load()) pthread_kill(waiter, SIGUSR1);
    }
  });
  timer.wait();
  returned.store(true);
  signaller.join();
  EXPECT_LT(Clock::now(), deadline);
  EXPECT_GE(signals_seen.load(), 1);
  EXPECT_EQ(timer.deadline(), deadline);
  sigaction(SIGUSR1, &previous, nullptr);
}

// rrr-supervisor starts a realtime_priority process under SCHED_FIFO | SCHED_RESET_ON_FORK, and
// sched_getscheduler reports the flag with the policy: a plain comparison with SCHED_FIFO missed
// every such process.
TEST(Scheduling, FifoIsSeenWithAndWithoutResetOnFork) {
  bool permitted = true;
  bool normal = true, fifo_reset = false, fifo = false;
  std::thread probe([&] {   // a thread of its own: the test's thread keeps its policy
    normal = underFifoPolicy();
    sched_param realtime{};
    realtime.sched_priority = 1;
    if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &realtime) != 0) {
      permitted = false;
      return;
    }
    fifo_reset = underFifoPolicy();
    (void)sched_setscheduler(0, SCHED_FIFO, &realtime);
    fifo = underFifoPolicy();
    sched_param other{};
    (void)sched_setscheduler(0, SCHED_OTHER, &other);
  });
  probe.join();
  EXPECT_FALSE(normal);
  if (!permitted) GTEST_SKIP() << "no permission for SCHED_FIFO (root or RLIMIT_RTPRIO)";
  EXPECT_TRUE(fifo_reset);
  EXPECT_TRUE(fifo);
}

std::vector<int> cpusOfThisThread() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

std::vector<int> cpuRange(int first, int last) {
  std::vector<int> cpus;
  for (int cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
  return cpus;
}

// Why the burst placement cannot be seen here (one CPU, or this test held to some CPUs), if so.
std::optional<std::string> noSidesHere() {
  const int last = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1;
  if (last < 1) return "one CPU online: no side to keep to";
  if (cpusOfThisThread() != cpuRange(0, last)) return "this test runs on some CPUs only";
  return std::nullopt;
}

// RRR_BURST_CPU as a test sets it, and as it was again after the test.
class BurstCpuSwitch {
 public:
  explicit BurstCpuSwitch(const char* value) {
    if (const char* was = std::getenv(kName)) was_ = was;
    if (value != nullptr) {
      ::setenv(kName, value, 1);
    } else {
      ::unsetenv(kName);
    }
  }
  ~BurstCpuSwitch() {
    if (was_) {
      ::setenv(kName, was_->c_str(), 1);
    } else {
      ::unsetenv(kName);
    }
  }
  BurstCpuSwitch(const BurstCpuSwitch&) = delete;
  BurstCpuSwitch& operator=(const BurstCpuSwitch&) = delete;

 private:
  static constexpr const char* kName = "RRR_BURST_CPU";
  std::optional<std::string> was_;
};

// Each case on a thread of its own: the test's thread keeps every CPU.
TEST(BurstCpu, KeepsTheThreadToItsSideDuringABurstAndToEveryCpuOutside) {
  if (const auto why = noSidesHere()) GTEST_SKIP() << *why;
  const BurstCpuSwitch unset(nullptr);
  const int last = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1;
  for (const auto side : {BurstCpu::Side::kLast, BurstCpu::Side::kOthers}) {
    std::vector<int> inside, outside, inside_again;
    std::thread stage([&] {
      BurstCpu placement(side);
      EXPECT_TRUE(placement.enabled());
      placement.enter();
      inside = cpusOfThisThread();
      placement.leave();
      outside = cpusOfThisThread();
      placement.enter();
      placement.enter();   // a second heads-up within the burst changes nothing
      inside_again = cpusOfThisThread();
      placement.leave();
    });
    stage.join();
    const auto burst = side == BurstCpu::Side::kLast ? cpuRange(last, last) : cpuRange(0, last - 1);
    EXPECT_EQ(inside, burst);
    EXPECT_EQ(outside, cpuRange(0, last));
    EXPECT_EQ(inside_again, burst);
  }
}

TEST(BurstCpu, AThreadStartedOnSomeCpusOnlyIsLeftWhereItIs) {
  const BurstCpuSwitch unset(nullptr);
  const int last = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1;
  if (last < 1) GTEST_SKIP() << "one CPU online: no side to keep to";
  std::vector<int> inside;
  bool enabled = true;
  std::thread stage([&] {
    cpu_set_t first;
    CPU_ZERO(&first);
    CPU_SET(0, &first);
    ASSERT_EQ(sched_setaffinity(0, sizeof first, &first), 0);
    BurstCpu placement(BurstCpu::Side::kLast);   // as a process with processes.NAME.cpus
    enabled = placement.enabled();
    placement.enter();
    inside = cpusOfThisThread();
  });
  stage.join();
  EXPECT_FALSE(enabled);
  EXPECT_EQ(inside, std::vector<int>{0});
}

TEST(BurstCpu, RrrBurstCpuZeroLeavesTheThreadOnEveryCpu) {
  if (const auto why = noSidesHere()) GTEST_SKIP() << *why;
  const BurstCpuSwitch off("0");
  const int last = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1;
  std::vector<int> inside;
  bool enabled = true;
  std::thread stage([&] {
    BurstCpu placement(BurstCpu::Side::kLast);
    enabled = placement.enabled();
    placement.enter();
    inside = cpusOfThisThread();
  });
  stage.join();
  EXPECT_FALSE(enabled);
  EXPECT_EQ(inside, cpuRange(0, last));
}

}  // namespace
}  // namespace rrr::os
