#include "common/process/process_settings.h"

namespace rrr::process {

Result<ProcessSettings, ContextError> ProcessSettings::load(const ProcessContext& context) {
  try {
    const auto root = YAML::LoadFile(context.config_path.string());
    const auto settings = root["processes"][context.name]["settings"];
    return ProcessSettings(settings ? settings : YAML::Node(YAML::NodeType::Map), context.config_path.string());
  } catch (const YAML::Exception& e) {
    return makeError(ContextError::kBadValue, context.config_path.string() + ": " + e.what());
  }
}

ProcessSettings ProcessSettings::fromYaml(const std::string& yaml, std::string where) {
  return ProcessSettings(YAML::Load(yaml), std::move(where));
}

}  // namespace rrr::process
