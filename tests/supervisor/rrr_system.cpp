#include "rrr_system.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <thread>

#include "support/child_process.h"
#include "support/file_text.h"
#include "support/unique_name.h"
#include "common/ring/ring_segment.h"
#include "supervisor/config.h"

namespace rrr::testing {
namespace {

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace

std::string binDirectory() { return binaryDirectory(); }

long long ringLag(const std::map<std::string, nlohmann::json>& status, const std::string& process, const std::string& ring) {
  for (const auto& lag : status.at(process)["ring_lag"]) {
    if (lag["ring"] == ring) return lag["lag"].get<long long>();
  }
  return -1;
}

long long ringConsumerLag(const RrrSystem& sut, const std::string& ring, const std::string& consumer) {
  const auto segment = ring::RingSegment::open(supervisor::ringPrefixFor(std::filesystem::weakly_canonical(sut.root() / "run")) + ring);
  if (!segment.ok()) return -1;
  for (const auto& each : segment->info().consumers) {
    if (each.name == consumer) return static_cast<long long>(each.lag);
  }
  return -1;
}

std::string pipelineConfig(const std::string& extra_processes, const std::string& supervisor_extra) {
  return R"(paths: {root: ".", run: run, logs: logs, data: data}
supervisor:
  heartbeat_ms: 100
  watchdog_ms: 1000
)" + supervisor_extra + R"(
rings:
  md:       {slot_bytes: 512, capacity: 4096, producer: ingest, durable: [infer, store, engine], lossy: [monitor, risk]}
  pred:     {slot_bytes: 2048, capacity: 4096, producer: infer,  durable: [engine, store], lossy: [monitor]}
  intent:   {slot_bytes: 512, capacity: 4096, producer: engine, durable: [risk, store], lossy: [monitor]}
  decision: {slot_bytes: 512, capacity: 4096, producer: risk,   durable: [engine, store], lossy: [monitor]}
  exec:     {slot_bytes: 1024, capacity: 4096, producer: engine, durable: [store], lossy: [monitor, risk]}
processes:
  store: {binary: rrr-store, backoff_initial_ms: 50}
  ingest:
    binary: rrr-ingest
    depends_on: [store]
    backoff_initial_ms: 50
    settings: {pace: 6000x}
  infer: {binary: rrr-infer, depends_on: [ingest], backoff_initial_ms: 50}
  risk: {binary: rrr-risk, depends_on: [store], backoff_initial_ms: 50, settings: {limits: {max_position: {default: 0.05}}}}
  engine: {binary: rrr-engine, depends_on: [infer, risk], backoff_initial_ms: 50, )" + kPipelineStrategies + R"(}
  monitor: {binary: rrr-monitor, depends_on: [store], backoff_initial_ms: 50}
)" + extra_processes;
}

std::string query(const RrrSystem& sut, const std::string& sql) { return sut.db({"query", sql, "--format", "csv"}).output; }

long long count(const RrrSystem& sut, const std::string& sql) {
  const auto text = query(sut, sql);
  const auto newline = text.find('\n');
  return newline == std::string::npos ? -1 : std::atoll(text.c_str() + newline + 1);
}

std::string logText(const RrrSystem& sut, const std::string& process) {
  return fileText(sut.root() / "logs" / "system" / (process + ".log"));
}

bool logHas(const RrrSystem& sut, const std::string& process, const std::string& text) {
  return logText(sut, process).find(text) != std::string::npos;
}

std::size_t logCount(const RrrSystem& sut, const std::string& process, const std::string& text) {
  const auto log = logText(sut, process);
  std::size_t count = 0;
  for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++count;
  return count;
}

void replaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("'" + from + "' is not in the text");
  text.replace(at, from.size(), to);
}

RrrSystem::RrrSystem(const std::string& config_text)
    : root_(std::filesystem::temp_directory_path() / uniqueName("rrr-sys")) {
  // A run killed before its destructor, in a process that had this pid, left these behind: its
  // rings would be resumed.
  supervisor::removeRingSegments(std::filesystem::weakly_canonical(root_ / "run"));
  std::filesystem::remove_all(root_);
  std::filesystem::create_directories(root_);
  writeConfig(config_text);
}

RrrSystem::~RrrSystem() {
  std::map<std::string, nlohmann::json> last = status();
  const pid_t supervisor_pid = supervisorPid();
  supervisor({"stop"});
  for (const auto& [name, entry] : last) {
    const pid_t pid = entry.value("pid", 0);
    if (pid > 0) kill(-pid, SIGKILL);
  }
  if (supervisor_pid > 0) kill(supervisor_pid, SIGKILL);
  supervisor::removeRingSegments(std::filesystem::weakly_canonical(root_ / "run"));
  // "1" keeps every system's folder; "failed" only those of failing tests.
  const char* keep = std::getenv("RRR_KEEP_TEST_SYSTEMS");
  if (keep != nullptr && (std::string_view(keep) != "failed" || ::testing::Test::HasFailure())) {
    std::fprintf(stderr, "kept the system's folder (logs, databases): %s\n", root_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

void RrrSystem::writeConfig(const std::string& config_text) const { std::ofstream(configPath()) << config_text; }

CommandResult RrrSystem::supervisor(const std::vector<std::string>& arguments) const {
  std::string command = "cd " + quote(root_.string()) + " && timeout 60 " + quote(binDirectory() + "/rrr-supervisor") +
                        " --config " + quote(configPath().string());
  for (const auto& argument : arguments) command += " " + quote(argument);
  return run(command);
}

CommandResult RrrSystem::tap(const std::vector<std::string>& arguments) const {
  std::string command = "timeout 60 " + quote(binDirectory() + "/rrr-tap") + " --run-dir " + quote((root_ / "run").string());
  for (const auto& argument : arguments) command += " " + quote(argument);
  return run(command);
}

CommandResult RrrSystem::tool(const std::string& binary, const std::string& verb, const std::vector<std::string>& arguments) const {
  std::string command = "cd " + quote(root_.string()) + " && timeout 60 " + quote(binDirectory() + "/" + binary) + " " + quote(verb) +
                        " --config " + quote(configPath().string());
  for (const auto& argument : arguments) command += " " + quote(argument);
  return run(command);
}

CommandResult RrrSystem::db(const std::vector<std::string>& arguments) const {
  std::string command = "cd " + quote(root_.string()) + " && timeout 60 " + quote(binDirectory() + "/rrr-db") +
                        " --config " + quote(configPath().string());
  for (const auto& argument : arguments) command += " " + quote(argument);
  return run(command);
}

std::map<std::string, nlohmann::json> RrrSystem::status() const {
  const auto result = supervisor({"status", "--json"});
  std::map<std::string, nlohmann::json> entries;
  if (result.exit_code != 0) return entries;
  const auto document = nlohmann::json::parse(result.output, nullptr, false);
  if (!document.is_array()) return entries;
  for (const auto& entry : document) entries[entry["name"].get<std::string>()] = entry;
  return entries;
}

pid_t RrrSystem::pidOf(const std::string& name) const {
  const auto entries = status();
  const auto found = entries.find(name);
  return found == entries.end() ? 0 : found->second.value("pid", 0);
}

pid_t RrrSystem::supervisorPid() const {
  std::ifstream in(root_ / "run" / "supervisor.lock");
  pid_t pid = 0;
  in >> pid;
  return pid;
}

bool RrrSystem::waitFor(const std::function<bool(const std::map<std::string, nlohmann::json>&)>& predicate,
                        std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate(status())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool processGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string text;
  std::getline(stat, text);
  const auto close_paren = text.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < text.size() && text[close_paren + 2] == 'Z';
}

}  // namespace rrr::testing
