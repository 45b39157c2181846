#pragma once
// Typed reads from yaml-cpp nodes whose errors carry "file:line: key: what is wrong". Every map
// is checked against its known keys, so a misspelt key is an error instead of a silent default.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "supervisor/config.h"

namespace rrr::supervisor::detail {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // "file:line: message" for the node's position (yaml-cpp lines are 0-based).
  std::string at(const YAML::Node& node, const std::string& message) const;
  Error<ConfigError> error(ConfigError code, const YAML::Node& node, const std::string& message) const {
    return makeError(code, at(node, message));
  }

  Status<ConfigError> requireMap(const YAML::Node& node, const std::string& path) const;
  Status<ConfigError> onlyKeys(const YAML::Node& map, const std::string& path,
                               std::initializer_list<const char*> known) const;

  Result<std::string, ConfigError> text(const YAML::Node& map, const std::string& path, const char* key,
                                        const std::string& fallback) const;
  Result<std::int64_t, ConfigError> integer(const YAML::Node& map, const std::string& path, const char* key,
                                            std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  // A list of whole numbers, each from min to max, none twice.
  Result<std::vector<int>, ConfigError> integerList(const YAML::Node& map, const std::string& path, const char* key,
                                                    int min, int max) const;
  Result<std::vector<std::string>, ConfigError> list(const YAML::Node& map, const std::string& path,
                                                     const char* key) const;
  Result<std::map<std::string, std::string>, ConfigError> stringMap(const YAML::Node& map, const std::string& path,
                                                                     const char* key) const;

 private:
  std::string file_;
};

}  // namespace rrr::supervisor::detail
