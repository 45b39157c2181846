// launchChild's realtime and CPU requests where the kernel refuses them (a user without
// CAP_SYS_NICE; CPUs that are not online): the child says so on its output and runs on. Where they
// are granted: supervisor_process_test.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "../../supervisor/src/child_launch.h"

namespace rrr::testing {
namespace {

// Everything the child writes, until it closes its output or two seconds pass.
std::string outputOf(int fd) {
  std::string output;
  char buffer[512];
  for (int waited_ms = 0; waited_ms < 2000;) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 50) <= 0) {
      waited_ms += 50;
      continue;
    }
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    output.append(buffer, static_cast<std::size_t>(got));
  }
  return output;
}

bool dropSysNice() {
  const rlimit none{0, 0};
  if (setrlimit(RLIMIT_RTPRIO, &none) != 0) return false;
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  data[0].effective &= ~(1u << CAP_SYS_NICE);
  data[0].permitted &= ~(1u << CAP_SYS_NICE);
  data[0].inheritable &= ~(1u << CAP_SYS_NICE);
  return syscall(SYS_capset, &header, data) == 0;
}

TEST(ChildLaunch, RefusedRealtimePriorityIsReportedAndTheChildRunsOn) {
  // In a helper process, so that this test process keeps its capabilities. Exit codes: 0 passed,
  // 3 could not drop CAP_SYS_NICE, 4 launch failed, 5 no refusal line, 6 the child did not run.
  const pid_t helper = fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    if (!dropSysNice()) _exit(3);
    auto child = supervisor::launchChild("/bin/sh", {"-c", "echo child ran"}, {}, 10);
    if (!child.ok()) _exit(4);
    const auto output = outputOf(child->output_fd);
    waitpid(child->pid, nullptr, 0);
    if (output.find("realtime_priority 10 was refused") == std::string::npos) _exit(5);
    _exit(output.find("child ran") == std::string::npos ? 6 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(helper, &status, 0), helper);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The last CPU number there can be: not online on any machine this runs on.
TEST(ChildLaunch, RefusedCpusAreReportedAndTheChildRunsOnEveryCpu) {
  ASSERT_LT(sysconf(_SC_NPROCESSORS_CONF), CPU_SETSIZE);
  auto child = supervisor::launchChild("/bin/sh", {"-c", "echo child ran on $(nproc)"}, {}, 0, {CPU_SETSIZE - 1});
  ASSERT_TRUE(child.ok());
  const auto output = outputOf(child->output_fd);
  close(child->output_fd);
  waitpid(child->pid, nullptr, 0);
  EXPECT_NE(output.find("cpus [" + std::to_string(CPU_SETSIZE - 1) + "] was refused (none of them is online here)"), std::string::npos)
      << output;
  EXPECT_NE(output.find("child ran on " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN))), std::string::npos) << output;
}

}  // namespace
}  // namespace rrr::testing
