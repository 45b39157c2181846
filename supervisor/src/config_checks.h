#pragma once
// Checks across the whole config: binaries exist, names refer to declared processes, and the
// dependency graph has no cycle (processes are put in start order).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "yaml_reader.h"

namespace rrr::supervisor::detail {

// An absolute executable path for binary: as given if it has a '/', (relative to root), else
// from self_dir, else from PATH.
std::optional<std::filesystem::path> resolveBinary(const std::string& binary, const std::filesystem::path& root,
                                                   const std::filesystem::path& self_dir);

Status<ConfigError> checkReferences(const YamlReader& reader, const YAML::Node& root, const SupervisorConfig& config);

// Sorts config.processes so that each comes after its dependencies; a cycle is an error naming it.
Status<ConfigError> orderByDependencies(const YamlReader& reader, const YAML::Node& root, SupervisorConfig& config);

// A warning per process under the normal scheduler that is pinned (cpus) only to CPUs that
// realtime processes are pinned to: under a steady load those never leave it the CPU (an unpaced
// feed, rrr-store pinned with realtime rrr-infer and rrr-risk: no intent through in 10 s). A
// config for a paced feed may mean it, so this warns and does not refuse.
std::vector<std::string> starvationWarnings(const SupervisorConfig& config);

}  // namespace rrr::supervisor::detail
