#pragma once
// What the system benchmark reads about running processes: /proc figures and the supervisor's
// status over its control socket.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rrr::bench {

struct ProcessFigures {
  std::uint64_t rss_kb = 0;
  std::uint64_t pss_kb = 0;        // proportional: shared pages (rings, libraries) split among users
  std::uint64_t cpu_ticks = 0;     // utime + stime
};

ProcessFigures figuresOf(pid_t pid);

struct ProcessView {
  std::string name;
  pid_t pid = 0;
  std::string state;
  std::uint64_t total_lag = 0;
};

// The supervisor's status of every process, or nothing if it does not answer.
std::optional<std::vector<ProcessView>> supervisorStatus(const std::filesystem::path& run_dir);

// Sends one control command ("restart", "stop") with a target.
bool supervisorCommand(const std::filesystem::path& run_dir, const std::string& verb, const std::string& target);

}  // namespace rrr::bench
