#pragma once
// A model on disk: data/models/NAME/VERSION/ holds model.json and the weights it names.
//
// model.json:
//   name, version          who it is (version: a whole number >= 1)
//   kind                   "torchscript": a module saved by torch.jit.save whose forward takes a
//                          float32 [batch, features] tensor ([batch, window, features] when
//                          window > 1); "mlp", "gru", "lstm": weights written by rrr-train
//                          (infer/networks.h)
//   file                   the weights, relative to the folder
//   features               feature names (common/features/feature_set.h), in input order
//   normalization          {"mean": [...], "std": [...]}: inputs are (x - mean) / std, fitted
//                          on the training split only
//   window                 how many consecutive feature rows, oldest first, one prediction reads
//                          (optional, default 1; gru and lstm: required)
//   hidden                 mlp: hidden layer widths; gru, lstm: [the recurrent layers' width]
//   layers                 gru, lstm: how many recurrent layers are stacked
//   horizon_bars           what the output predicts: the direction over this many bars
//   output                 "logit": forward gives the log-odds that the price is higher
//                          horizon_bars later
//   metrics                (optional) kept as it is for `describe` and ml_models
//   data.from_ns, data.train_to_ns, created_ns   (optional) the training data's range, when made
// Anything else is kept as it is for `describe`.
// data/models/active names the active model as "NAME/VERSION".

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::infer {

struct ModelPackage {
  std::filesystem::path dir;
  std::string name;
  std::uint32_t version = 0;
  std::string kind;
  std::filesystem::path weights;
  std::vector<std::string> features;
  std::vector<double> mean, stddev;
  std::vector<std::int64_t> hidden;
  std::int64_t layers = 1;
  std::uint32_t window = 1;
  std::uint32_t horizon_bars = 1;
  std::string metrics_json = "{}";
  std::optional<std::int64_t> train_from_ns, train_to_ns;
  std::int64_t created_ns = 0;

  std::string id() const { return name + "/" + std::to_string(version); }
};

// A feature as a model reads it: (x - mean) / stddev, in float32. LibTorch's input
// (networks.h: normalizedRows) and the plain C++ path both go through it.
inline float normalizedFeature(double x, double mean, double stddev) { return static_cast<float>((x - mean) / stddev); }

// Reads and checks dir/model.json: every field present and of the right type, the features
// known, as many means and std. devs. as features (std. devs. > 0), the weights file present.
// An error names the file and the field.
Result<ModelPackage, std::string> readModelPackage(const std::filesystem::path& dir);

// The folder of the model data/models/active names, or nothing if no model is active. An error
// if the pointer is malformed.
Result<std::optional<std::filesystem::path>, std::string> activeModelDir(const std::filesystem::path& models_dir);

}  // namespace rrr::infer
