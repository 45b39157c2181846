#include "yaml_reader.h"

#include <algorithm>

namespace rrr::supervisor::detail {

std::string YamlReader::at(const YAML::Node& node, const std::string& message) const {
  const auto mark = node.Mark();
  const std::string line = mark.is_null() ? "" : ":" + std::to_string(mark.line + 1);
  return file_ + line + ": " + message;
}

Status<ConfigError> YamlReader::requireMap(const YAML::Node& node, const std::string& path) const {
  if (!node.IsMap()) return error(ConfigError::kBadValue, node, path + " must be a mapping of key: value");
  return {};
}

Status<ConfigError> YamlReader::onlyKeys(const YAML::Node& map, const std::string& path,
                                         std::initializer_list<const char*> known) const {
  if (auto status = requireMap(map, path); !status.ok()) return status;
  for (const auto& entry : map) {
    const auto key = entry.first.as<std::string>();
    bool found = false;
    std::string names;
    for (const char* name : known) {
      found = found || key == name;
      names += names.empty() ? name : std::string(", ") + name;
    }
    if (!found) {
      return error(ConfigError::kUnknownKey, entry.first,
                   "unknown key '" + key + "' in " + path + " (known: " + names + ")");
    }
  }
  return {};
}

Result<std::string, ConfigError> YamlReader::text(const YAML::Node& map, const std::string& path, const char* key,
                                                  const std::string& fallback) const {
  const auto node = map[key];
  if (!node) return fallback;
  if (!node.IsScalar()) return error(ConfigError::kBadValue, node, path + "." + key + " must be a single value");
  return node.as<std::string>();
}

Result<std::int64_t, ConfigError> YamlReader::integer(const YAML::Node& map, const std::string& path, const char* key,
                                                      std::int64_t fallback, std::int64_t min, std::int64_t max) const {
  const auto node = map[key];
  if (!node) return fallback;
  std::int64_t value = 0;
  if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value) || value < min || value > max) {
    return error(ConfigError::kBadValue, node,
                 path + "." + key + " = '" + (node.IsScalar() ? node.Scalar() : "...") + "' must be a whole number from " +
                     std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<std::vector<int>, ConfigError> YamlReader::integerList(const YAML::Node& map, const std::string& path,
                                                              const char* key, int min, int max) const {
  const auto node = map[key];
  std::vector<int> values;
  if (!node || node.IsNull()) return values;
  if (!node.IsSequence()) return error(ConfigError::kBadValue, node, path + "." + key + " must be a list of whole numbers");
  for (const auto& item : node) {
    int value = 0;
    if (!item.IsScalar() || !YAML::convert<int>::decode(item, value) || value < min || value > max) {
      return error(ConfigError::kBadValue, item,
                   path + "." + key + " entry '" + (item.IsScalar() ? item.Scalar() : "...") + "' must be a whole number from " +
                       std::to_string(min) + " to " + std::to_string(max));
    }
    if (std::find(values.begin(), values.end(), value) != values.end()) {
      return error(ConfigError::kBadValue, item, path + "." + key + " lists " + std::to_string(value) + " twice");
    }
    values.push_back(value);
  }
  return values;
}

Result<std::vector<std::string>, ConfigError> YamlReader::list(const YAML::Node& map, const std::string& path,
                                                               const char* key) const {
  const auto node = map[key];
  std::vector<std::string> values;
  if (!node || node.IsNull()) return values;
  if (!node.IsSequence()) return error(ConfigError::kBadValue, node, path + "." + key + " must be a list");
  for (const auto& item : node) {
    if (!item.IsScalar()) return error(ConfigError::kBadValue, item, path + "." + key + " entries must be single values");
    values.push_back(item.as<std::string>());
  }
  return values;
}

Result<std::map<std::string, std::string>, ConfigError> YamlReader::stringMap(const YAML::Node& map,
                                                                               const std::string& path,
                                                                               const char* key) const {
  const auto node = map[key];
  std::map<std::string, std::string> values;
  if (!node || node.IsNull()) return values;
  if (!node.IsMap()) return error(ConfigError::kBadValue, node, path + "." + key + " must be a mapping");
  for (const auto& entry : node) {
    if (!entry.second.IsScalar()) {
      return error(ConfigError::kBadValue, entry.second, path + "." + key + "." + entry.first.as<std::string>() +
                                                             " must be a single value");
    }
    values[entry.first.as<std::string>()] = entry.second.as<std::string>();
  }
  return values;
}

}  // namespace rrr::supervisor::detail
