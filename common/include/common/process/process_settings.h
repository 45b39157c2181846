#pragma once
// A process's own settings: the `processes.NAME.settings` map of the config file. Reads never
// throw; a value of the wrong type is recorded (with file and line) and reported by error().

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "common/process/process_context.h"

namespace rrr::process {

class ProcessSettings {
 public:
  // Empty settings if the config has none for this process; an error if the file cannot be read.
  static Result<ProcessSettings, ContextError> load(const ProcessContext& context);
  static ProcessSettings fromYaml(const std::string& yaml, std::string where);

  template <class T>
  T get(const char* key, T fallback) {
    const auto node = settings_[key];
    if (!node) return fallback;
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      if (!error_) error_ = where_ + ":" + std::to_string(node.Mark().line + 1) + ": settings." + key + " has the wrong type";
      return fallback;
    }
  }

  // A nested setting as it is, for a reader of structured settings (null if absent), and the file
  // its line numbers (Mark().line + 1) refer to.
  YAML::Node node(const char* key) const { return settings_[key]; }
  // The whole map (empty if there are no settings), for a reader that refuses unknown keys.
  const YAML::Node& all() const { return settings_; }
  const std::string& where() const { return where_; }

  // The first bad value met by get(), if any.
  const std::optional<std::string>& error() const { return error_; }

 private:
  ProcessSettings(YAML::Node settings, std::string where) : settings_(std::move(settings)), where_(std::move(where)) {}
  YAML::Node settings_;
  std::string where_;
  std::optional<std::string> error_;
};

}  // namespace rrr::process
