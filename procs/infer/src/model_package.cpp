#include "infer/model_package.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "features/feature_set.h"

namespace rrr::infer {

using nlohmann::json;

Result<ModelPackage, std::string> readModelPackage(const std::filesystem::path& dir) {
  const auto path = dir / "model.json";
  std::ifstream in(path);
  if (!in) return makeError(path.string() + ": cannot open");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    return makeError(path.string() + ": not JSON: " + e.what());
  }
  ModelPackage package;
  package.dir = dir;
  const auto field = [&](const char* name) -> std::string { return path.string() + ": field '" + name + "'"; };
  try {
    if (!doc.is_object()) return makeError(path.string() + ": expected a JSON object");
    for (const char* required : {"name", "version", "kind", "file", "features", "normalization", "horizon_bars", "output"}) {
      if (!doc.contains(required)) return makeError(field(required) + " is missing");
    }
    package.name = doc.at("name").get<std::string>();
    const auto version = doc.at("version").get<std::int64_t>();
    if (version < 1 || version > 1'000'000'000) return makeError(field("version") + " must be a whole number >= 1");
    package.version = static_cast<std::uint32_t>(version);
    package.kind = doc.at("kind").get<std::string>();
    const bool recurrent = package.kind == "gru" || package.kind == "lstm";
    if (package.kind != "torchscript" && package.kind != "mlp" && !recurrent) {
      return makeError(field("kind") + " must be torchscript, mlp, gru or lstm, not " + package.kind);
    }
    package.weights = dir / doc.at("file").get<std::string>();
    package.features = doc.at("features").get<std::vector<std::string>>();
    package.mean = doc.at("normalization").at("mean").get<std::vector<double>>();
    package.stddev = doc.at("normalization").at("std").get<std::vector<double>>();
    const auto horizon = doc.at("horizon_bars").get<std::int64_t>();
    if (horizon < 1 || horizon > 100000) return makeError(field("horizon_bars") + " must be from 1 to 100000");
    package.horizon_bars = static_cast<std::uint32_t>(horizon);
    if (doc.at("output").get<std::string>() != "logit") return makeError(field("output") + " must be logit");
    if (package.kind != "torchscript") {
      if (!doc.contains("hidden")) return makeError(field("hidden") + " is missing");
      package.hidden = doc.at("hidden").get<std::vector<std::int64_t>>();
    }
    if (recurrent) {
      for (const char* required : {"window", "layers"}) {
        if (!doc.contains(required)) return makeError(field(required) + " is missing");
      }
      if (package.hidden.size() != 1) return makeError(field("hidden") + " must hold one width (the recurrent layers')");
      package.layers = doc.at("layers").get<std::int64_t>();
      if (package.layers < 1 || package.layers > 8) return makeError(field("layers") + " must be from 1 to 8");
    }
    if (doc.contains("metrics")) package.metrics_json = doc.at("metrics").dump();
    if (doc.contains("data")) {
      const auto& data = doc.at("data");
      if (data.contains("from_ns")) package.train_from_ns = data.at("from_ns").get<std::int64_t>();
      if (data.contains("train_to_ns")) package.train_to_ns = data.at("train_to_ns").get<std::int64_t>();
    }
    if (doc.contains("created_ns")) package.created_ns = doc.at("created_ns").get<std::int64_t>();
    if (doc.contains("window")) {
      const auto window = doc.at("window").get<std::int64_t>();
      if (window < 1 || window > 512) return makeError(field("window") + " must be from 1 to 512");
      if (package.kind == "mlp" && window != 1) return makeError(field("window") + " must be 1 for an mlp (it reads one row)");
      package.window = static_cast<std::uint32_t>(window);
    }
  } catch (const json::exception& e) {
    return makeError(path.string() + ": " + e.what());
  }
  if (package.features.empty()) return makeError(field("features") + " is empty");
  for (const auto& name : package.features) {
    if (auto feature = features::makeFeature(name); !feature.ok()) return makeError(field("features") + ": " + feature.error().message);
  }
  if (package.mean.size() != package.features.size() || package.stddev.size() != package.features.size()) {
    return makeError(path.string() + ": normalization has " + std::to_string(package.mean.size()) + " means and " +
                     std::to_string(package.stddev.size()) + " std. devs. for " + std::to_string(package.features.size()) + " features");
  }
  for (std::size_t i = 0; i < package.stddev.size(); ++i) {
    if (!std::isfinite(package.mean[i]) || !std::isfinite(package.stddev[i]) || package.stddev[i] <= 0) {
      return makeError(path.string() + ": normalization of feature '" + package.features[i] + "' is not finite with std. dev. > 0");
    }
  }
  for (const auto width : package.hidden) {
    if (width < 1 || width > 4096) return makeError(field("hidden") + ": layer widths must be from 1 to 4096");
  }
  if (!std::filesystem::is_regular_file(package.weights)) return makeError(field("file") + ": " + package.weights.string() + " does not exist");
  return package;
}

Result<std::optional<std::filesystem::path>, std::string> activeModelDir(const std::filesystem::path& models_dir) {
  const auto pointer = models_dir / "active";
  std::ifstream in(pointer);
  if (!in) return std::optional<std::filesystem::path>();
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() || text.find("..") != std::string::npos) {
    return makeError(pointer.string() + ": expected NAME/VERSION, found '" + text + "'");
  }
  return std::optional<std::filesystem::path>(models_dir / text);
}

}  // namespace rrr::infer
