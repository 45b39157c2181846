#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include "config_checks.h"
#include "supervisor/commands.h"
#include "supervisor/supervisor.h"

namespace rrr::supervisor {
namespace {

void setUpLogging(const SupervisorConfig& config, bool to_stdout) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      (config.log_dir / "system" / "supervisor.log").string(), config.log_max_bytes, static_cast<std::size_t>(config.log_files)));
  if (to_stdout) sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>("supervisor", sinks.begin(), sinks.end());
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e [supervisor] [%l] %v");
}

std::chrono::milliseconds readinessBudget(const SupervisorConfig& config) {
  std::chrono::milliseconds total{10'000};
  for (const auto& spec : config.processes) total += spec.ready_timeout * (spec.max_restarts + 1) + spec.backoff_max;
  return total;
}

// The detached supervisor: its own session, output to its log; reports on `report_fd` once.
[[noreturn]] void runDaemon(SupervisorConfig config, const std::filesystem::path& self_dir, int report_fd) {
  setsid();
  const int null_fd = open("/dev/null", O_RDWR);
  dup2(null_fd, STDIN_FILENO);
  dup2(null_fd, STDOUT_FILENO);
  const auto stderr_path = config.log_dir / "system" / "supervisor.stderr.log";
  const int err_fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
  setUpLogging(config, false);
  int open_fd = report_fd;
  auto report = [&open_fd](const std::string& text) {  // once: later outcomes go to the log only
    if (open_fd < 0) return;
    (void)!write(open_fd, text.data(), text.size());
    close(open_fd);
    open_fd = -1;
  };
  auto supervisor = Supervisor::create(std::move(config), self_dir);
  if (!supervisor.ok()) {
    report("error: " + supervisor.error().message + "\n");
    _exit(1);
  }
  const int code = (*supervisor)->run([&](const std::string& summary) { report("ready\n" + summary); },
                                      [&](const std::string& why) { report("error: " + why + "\n"); });
  spdlog::shutdown();
  _exit(code);
}

// Waits for the daemon's one report; prints it. Exit code 0 once everything is ready.
int awaitReport(int report_fd, std::chrono::milliseconds budget, const SupervisorConfig& config) {
  std::string text;
  pollfd item{report_fd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + budget;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (poll(&item, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t count = read(report_fd, buffer, sizeof(buffer));
    if (count <= 0) break;
    text.append(buffer, static_cast<std::size_t>(count));
  }
  if (text.rfind("ready\n", 0) == 0) {
    std::printf("rrr started (run directory %s); ready:\n%s", config.run_dir.c_str(), text.substr(6).c_str());
    return 0;
  }
  std::fprintf(stderr, "rrr-supervisor: %s", text.empty() ? "no report from the supervisor (see logs/system/supervisor.log)\n" : text.c_str());
  return 1;
}

}  // namespace

int startCommand(const CommandOptions& options, bool foreground) {
  auto config = loadConfig(options.config_path, options.self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", config.error().message.c_str());
    return 2;
  }
  for (const auto& warning : detail::starvationWarnings(*config)) std::fprintf(stderr, "rrr-supervisor: warning: %s\n", warning.c_str());
  std::error_code ignored;
  std::filesystem::create_directories(config->log_dir / "system", ignored);
  if (foreground) {
    setUpLogging(*config, true);
    auto supervisor = Supervisor::create(std::move(config).value(), options.self_dir);
    if (!supervisor.ok()) {
      spdlog::error("{}", supervisor.error().message);
      return 1;
    }
    return (*supervisor)->run([](const std::string& summary) { spdlog::info("ready:\n{}", summary); }, nullptr);
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 1;
  const pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    close(fds[0]);
    runDaemon(config.value(), options.self_dir, fds[1]);
  }
  close(fds[1]);
  return awaitReport(fds[0], readinessBudget(*config), *config);
}

}  // namespace rrr::supervisor
