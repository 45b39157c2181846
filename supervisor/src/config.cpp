#include "supervisor/config.h"

#include <sched.h>

#include <algorithm>
#include <functional>
#include <sstream>

#include "common/ring/ring_segment.h"
#include "config_checks.h"
#include "yaml_reader.h"

namespace rrr::supervisor {
namespace {

using detail::YamlReader;
using ConfigResult = Result<SupervisorConfig, ConfigError>;

Result<RestartPolicy, ConfigError> restartPolicy(const YamlReader& reader, const YAML::Node& map, const std::string& path) {
  RRR_ASSIGN_OR_RETURN(const auto text, reader.text(map, path, "restart", "always"));
  if (text == "always") return RestartPolicy::kAlways;
  if (text == "on-failure") return RestartPolicy::kOnFailure;
  if (text == "never") return RestartPolicy::kNever;
  return reader.error(ConfigError::kBadValue, map["restart"],
                      path + ".restart = '" + text + "' must be always, on-failure or never");
}

Status<ConfigError> readPaths(const YamlReader& reader, const YAML::Node& node, SupervisorConfig& config) {
  const auto config_dir = config.config_path.parent_path();
  if (!node) {
    config.root = std::filesystem::weakly_canonical(config_dir / "..");
  } else {
    RRR_RETURN_IF_ERROR(reader.onlyKeys(node, "paths", {"root", "run", "logs", "data", "backups"}));
    RRR_ASSIGN_OR_RETURN(const auto root, reader.text(node, "paths", "root", ".."));
    config.root = std::filesystem::weakly_canonical(config_dir / root);
  }
  const auto sub = [&](const char* key, const char* fallback) -> Result<std::filesystem::path, ConfigError> {
    std::string value = fallback;
    if (node) {
      RRR_ASSIGN_OR_RETURN(value, reader.text(node, "paths", key, fallback));
    }
    return std::filesystem::weakly_canonical(config.root / value);
  };
  RRR_ASSIGN_OR_RETURN(config.run_dir, sub("run", "run"));
  RRR_ASSIGN_OR_RETURN(config.log_dir, sub("logs", "logs"));
  RRR_ASSIGN_OR_RETURN(config.data_dir, sub("data", "data"));
  RRR_ASSIGN_OR_RETURN(config.backup_dir, sub("backups", "backups"));
  return {};
}

Status<ConfigError> readSupervisor(const YamlReader& reader, const YAML::Node& node, SupervisorConfig& config) {
  if (!node) return {};
  const std::string path = "supervisor";
  RRR_RETURN_IF_ERROR(reader.onlyKeys(node, path, {"strategy", "heartbeat_ms", "watchdog_ms", "log_max_bytes", "log_files", "idle_cores"}));
  RRR_ASSIGN_OR_RETURN(const auto strategy, reader.text(node, path, "strategy", "one_for_one"));
  if (strategy != "one_for_one" && strategy != "one_for_all") {
    return reader.error(ConfigError::kBadValue, node["strategy"],
                        "supervisor.strategy = '" + strategy + "' must be one_for_one or one_for_all");
  }
  config.strategy = strategy == "one_for_all" ? Strategy::kOneForAll : Strategy::kOneForOne;
  RRR_ASSIGN_OR_RETURN(const auto heartbeat, reader.integer(node, path, "heartbeat_ms", 500, 10, 10'000));
  RRR_ASSIGN_OR_RETURN(const auto watchdog, reader.integer(node, path, "watchdog_ms", 2000, 50, 600'000));
  if (watchdog <= 2 * heartbeat) {
    return reader.error(ConfigError::kBadValue, node["watchdog_ms"],
                        "supervisor.watchdog_ms must be more than twice heartbeat_ms, so one late heartbeat is not a kill");
  }
  config.heartbeat_interval = std::chrono::milliseconds(heartbeat);
  config.watchdog_timeout = std::chrono::milliseconds(watchdog);
  RRR_ASSIGN_OR_RETURN(const auto log_bytes, reader.integer(node, path, "log_max_bytes", 10 << 20, 4096, 1LL << 34));
  RRR_ASSIGN_OR_RETURN(const auto log_files, reader.integer(node, path, "log_files", 5, 1, 100));
  config.log_max_bytes = static_cast<std::uint64_t>(log_bytes);
  config.log_files = static_cast<int>(log_files);
  RRR_ASSIGN_OR_RETURN(const auto idle_cores, reader.text(node, path, "idle_cores", "halt"));
  if (idle_cores != "halt" && idle_cores != "poll") {
    return reader.error(ConfigError::kBadValue, node["idle_cores"], "supervisor.idle_cores = '" + idle_cores + "' must be halt or poll");
  }
  config.poll_idle_cores = idle_cores == "poll";
  return {};
}

Status<ConfigError> readRing(const YamlReader& reader, const std::string& name, const YAML::Node& node,
                             SupervisorConfig& config) {
  const std::string path = "rings." + name;
  RRR_RETURN_IF_ERROR(reader.onlyKeys(node, path, {"slot_bytes", "capacity", "producer", "durable", "lossy"}));
  RingSpec ring;
  ring.name = name;
  RRR_ASSIGN_OR_RETURN(const auto slot_bytes, reader.integer(node, path, "slot_bytes", 512, 64, 1 << 20));
  RRR_ASSIGN_OR_RETURN(const auto capacity, reader.integer(node, path, "capacity", 16384, 2, 1 << 30));
  if (slot_bytes % 64 != 0) return reader.error(ConfigError::kBadValue, node["slot_bytes"], path + ".slot_bytes must be a multiple of 64");
  if ((capacity & (capacity - 1)) != 0) return reader.error(ConfigError::kBadValue, node["capacity"], path + ".capacity must be a power of two");
  ring.slot_bytes = static_cast<std::uint32_t>(slot_bytes);
  ring.capacity = static_cast<std::uint64_t>(capacity);
  RRR_ASSIGN_OR_RETURN(ring.producer, reader.text(node, path, "producer", ""));
  if (ring.producer.empty()) return reader.error(ConfigError::kBadValue, node, path + ".producer is required");
  RRR_ASSIGN_OR_RETURN(ring.durable, reader.list(node, path, "durable"));
  RRR_ASSIGN_OR_RETURN(ring.lossy, reader.list(node, path, "lossy"));
  config.rings.push_back(std::move(ring));
  return {};
}

Status<ConfigError> readProcess(const YamlReader& reader, const std::string& name, const YAML::Node& node,
                                const std::filesystem::path& self_dir, SupervisorConfig& config) {
  const std::string path = "processes." + name;
  RRR_RETURN_IF_ERROR(reader.onlyKeys(node, path, {"binary", "args", "env", "depends_on", "restart", "backoff_initial_ms",
                                                   "backoff_max_ms", "max_restarts", "restart_window_s",
                                                   "ready_timeout_ms", "stop_timeout_ms", "realtime_priority", "cpus", "settings"}));
  ProcessSpec spec;
  spec.name = name;
  RRR_ASSIGN_OR_RETURN(const auto binary, reader.text(node, path, "binary", ""));
  if (binary.empty()) return reader.error(ConfigError::kBadValue, node, path + ".binary is required");
  const auto resolved = detail::resolveBinary(binary, config.root, self_dir);
  if (!resolved) {
    return reader.error(ConfigError::kMissingBinary, node["binary"],
                        path + ".binary '" + binary + "' is not an executable file (looked in " + self_dir.string() +
                            ", " + config.root.string() + " and PATH)");
  }
  spec.binary = *resolved;
  RRR_ASSIGN_OR_RETURN(spec.args, reader.list(node, path, "args"));
  RRR_ASSIGN_OR_RETURN(spec.env, reader.stringMap(node, path, "env"));
  RRR_ASSIGN_OR_RETURN(spec.depends_on, reader.list(node, path, "depends_on"));
  RRR_ASSIGN_OR_RETURN(spec.restart, restartPolicy(reader, node, path));
  RRR_ASSIGN_OR_RETURN(const auto backoff_initial, reader.integer(node, path, "backoff_initial_ms", 100, 1, 600'000));
  RRR_ASSIGN_OR_RETURN(const auto backoff_max, reader.integer(node, path, "backoff_max_ms", 5000, 1, 3'600'000));
  RRR_ASSIGN_OR_RETURN(const auto max_restarts, reader.integer(node, path, "max_restarts", 5, 0, 1000));
  RRR_ASSIGN_OR_RETURN(const auto window, reader.integer(node, path, "restart_window_s", 30, 1, 86'400));
  RRR_ASSIGN_OR_RETURN(const auto ready_timeout, reader.integer(node, path, "ready_timeout_ms", 5000, 10, 600'000));
  RRR_ASSIGN_OR_RETURN(const auto stop_timeout, reader.integer(node, path, "stop_timeout_ms", 3000, 10, 600'000));
  RRR_ASSIGN_OR_RETURN(const auto realtime_priority, reader.integer(node, path, "realtime_priority", 0, 0, 99));
  spec.realtime_priority = static_cast<int>(realtime_priority);
  RRR_ASSIGN_OR_RETURN(spec.cpus, reader.integerList(node, path, "cpus", 0, CPU_SETSIZE - 1));
  spec.backoff_initial = std::chrono::milliseconds(backoff_initial);
  spec.backoff_max = std::chrono::milliseconds(std::max(backoff_max, backoff_initial));
  spec.max_restarts = static_cast<int>(max_restarts);
  spec.restart_window = std::chrono::seconds(window);
  spec.ready_timeout = std::chrono::milliseconds(ready_timeout);
  spec.stop_timeout = std::chrono::milliseconds(stop_timeout);
  if (const auto settings = node["settings"]) {
    YAML::Emitter emitter;
    emitter << settings;
    spec.settings_yaml = emitter.c_str();
  }
  config.processes.push_back(std::move(spec));
  return {};
}

Result<YAML::Node, ConfigError> parseFile(const std::filesystem::path& path) {
  try {
    return YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    return makeError(ConfigError::kUnreadable, path.string() + ": cannot read the config file");
  } catch (const YAML::ParserException& e) {
    return makeError(ConfigError::kSyntax, path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace

Result<SupervisorConfig, ConfigError> loadConfig(const std::filesystem::path& path, const std::filesystem::path& self_dir) {
  SupervisorConfig config;
  config.config_path = std::filesystem::absolute(path);
  const YamlReader reader(path.string());
  RRR_ASSIGN_OR_RETURN(const auto root, parseFile(path));
  RRR_RETURN_IF_ERROR(reader.onlyKeys(root, "the top level", {"paths", "supervisor", "rings", "processes"}));
  RRR_RETURN_IF_ERROR(readPaths(reader, root["paths"], config));
  RRR_RETURN_IF_ERROR(readSupervisor(reader, root["supervisor"], config));
  const auto processes = root["processes"];
  if (!processes || !processes.IsMap() || processes.size() == 0) {
    return reader.error(ConfigError::kBadValue, processes ? processes : root, "processes must name at least one process");
  }
  for (const auto& entry : processes) {
    RRR_RETURN_IF_ERROR(readProcess(reader, entry.first.as<std::string>(), entry.second, self_dir, config));
  }
  if (const auto rings = root["rings"]) {
    RRR_RETURN_IF_ERROR(reader.requireMap(rings, "rings"));
    for (const auto& entry : rings) RRR_RETURN_IF_ERROR(readRing(reader, entry.first.as<std::string>(), entry.second, config));
  }
  RRR_RETURN_IF_ERROR(detail::checkReferences(reader, root, config));
  RRR_RETURN_IF_ERROR(detail::orderByDependencies(reader, root, config));
  return config;
}

const ProcessSpec* SupervisorConfig::process(const std::string& name) const {
  for (const auto& spec : processes) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string SupervisorConfig::ringPrefix() const { return ringPrefixFor(run_dir); }

std::string ringPrefixFor(const std::filesystem::path& run_dir) {
  std::ostringstream prefix;
  prefix << "rrr-" << std::hex << (std::hash<std::string>{}(run_dir.string()) & 0xffffffffu) << "-";
  return prefix.str();
}

std::vector<std::string> ringSegmentNames(const std::filesystem::path& run_dir) {
  const auto prefix = ringPrefixFor(run_dir);
  std::vector<std::string> names;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ignored)) {
    auto name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

int removeRingSegments(const std::filesystem::path& run_dir) {
  int removed = 0;
  for (const auto& name : ringSegmentNames(run_dir)) removed += ring::RingSegment::remove(name) ? 1 : 0;
  return removed;
}

const char* toString(RestartPolicy policy) {
  switch (policy) {
    case RestartPolicy::kAlways: return "always";
    case RestartPolicy::kOnFailure: return "on-failure";
    case RestartPolicy::kNever: return "never";
  }
  return "unknown";
}

}  // namespace rrr::supervisor
