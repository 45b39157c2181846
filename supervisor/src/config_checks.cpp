#include "config_checks.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace rrr::supervisor::detail {
namespace {

bool executable(const std::filesystem::path& path) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::filesystem::path> resolveBinary(const std::string& binary, const std::filesystem::path& root,
                                                   const std::filesystem::path& self_dir) {
  if (binary.find('/') != std::string::npos) {
    const std::filesystem::path path = std::filesystem::path(binary).is_absolute() ? std::filesystem::path(binary) : root / binary;
    if (executable(path)) return std::filesystem::absolute(path);
    return std::nullopt;
  }
  if (executable(self_dir / binary)) return self_dir / binary;
  const char* search = std::getenv("PATH");
  std::stringstream directories(search != nullptr ? search : "");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    if (!directory.empty() && executable(std::filesystem::path(directory) / binary)) {
      return std::filesystem::path(directory) / binary;
    }
  }
  return std::nullopt;
}

Status<ConfigError> checkReferences(const YamlReader& reader, const YAML::Node& root, const SupervisorConfig& config) {
  for (const auto& spec : config.processes) {
    for (const auto& dependency : spec.depends_on) {
      if (config.process(dependency) == nullptr) {
        return reader.error(ConfigError::kBadValue, root["processes"][spec.name]["depends_on"],
                            "processes." + spec.name + ".depends_on names '" + dependency + "', which is not a process");
      }
    }
  }
  for (const auto& ring : config.rings) {
    const auto node = root["rings"][ring.name];
    std::vector<std::string> names = ring.durable;
    names.insert(names.end(), ring.lossy.begin(), ring.lossy.end());
    names.push_back(ring.producer);
    for (const auto& name : names) {
      if (config.process(name) == nullptr) {
        return reader.error(ConfigError::kBadValue, node,
                            "rings." + ring.name + " names '" + name + "', which is not a process");
      }
    }
  }
  return {};
}

Status<ConfigError> orderByDependencies(const YamlReader& reader, const YAML::Node& root, SupervisorConfig& config) {
  enum class Mark { kNone, kVisiting, kDone };
  std::map<std::string, Mark> marks;
  std::vector<std::string> path;
  std::vector<ProcessSpec> ordered;
  std::function<Status<ConfigError>(const ProcessSpec&)> visit = [&](const ProcessSpec& spec) -> Status<ConfigError> {
    if (marks[spec.name] == Mark::kDone) return {};
    path.push_back(spec.name);
    if (marks[spec.name] == Mark::kVisiting) {
      std::string cycle;
      for (auto it = std::find(path.begin(), path.end(), spec.name); it != path.end(); ++it) {
        cycle += (cycle.empty() ? "" : " -> ") + *it;
      }
      return reader.error(ConfigError::kDependencyCycle, root["processes"][spec.name]["depends_on"],
                          "processes." + spec.name + ".depends_on makes a cycle: " + cycle);
    }
    marks[spec.name] = Mark::kVisiting;
    for (const auto& dependency : spec.depends_on) RRR_RETURN_IF_ERROR(visit(*config.process(dependency)));
    marks[spec.name] = Mark::kDone;
    path.pop_back();
    ordered.push_back(spec);
    return {};
  };
  for (const auto& spec : config.processes) RRR_RETURN_IF_ERROR(visit(spec));
  config.processes = std::move(ordered);
  return {};
}

std::vector<std::string> starvationWarnings(const SupervisorConfig& config) {
  std::vector<std::string> warnings;
  for (const auto& process : config.processes) {
    if (process.realtime_priority > 0 || process.cpus.empty()) continue;
    std::vector<std::string> realtime_peers;
    bool every_cpu_taken = true;
    for (const int cpu : process.cpus) {
      bool taken = false;
      for (const auto& peer : config.processes) {
        if (peer.realtime_priority == 0 || std::find(peer.cpus.begin(), peer.cpus.end(), cpu) == peer.cpus.end()) continue;
        taken = true;
        if (std::find(realtime_peers.begin(), realtime_peers.end(), peer.name) == realtime_peers.end()) realtime_peers.push_back(peer.name);
      }
      every_cpu_taken = every_cpu_taken && taken;
    }
    if (!every_cpu_taken) continue;
    std::string peers;
    for (const auto& name : realtime_peers) peers += (peers.empty() ? "" : ", ") + name;
    warnings.push_back("processes." + process.name + " runs under the normal scheduler only on CPUs that realtime processes (" + peers +
                       ") are pinned to: while they always have work (an unpaced feed) it gets no CPU time");
  }
  return warnings;
}

}  // namespace rrr::supervisor::detail
