#pragma once
// Trains rrr-infer's MLP (infer/mlp.h) on a split dataset: binary cross-entropy on the direction
// label, Adam, mini-batches in a seeded shuffled order, early stopping on the validation loss
// (the best epoch's weights are kept). No LibTorch in this header.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "common/result.h"
#include "train/dataset.h"

namespace rrr::train {

struct MlpOptions {
  std::vector<std::int64_t> hidden{32, 16};
  int max_epochs = 40;
  int patience = 5;             // epochs without a better validation loss before stopping
  int batch_size = 256;
  double learning_rate = 1e-3;
  double weight_decay = 1e-4;
  std::uint64_t seed = 7;
};

struct EpochReport {
  int epoch = 0, max_epochs = 0;
  double train_loss = 0, validation_loss = 0, seconds = 0, eta_seconds = 0;
  bool best = false;
};

struct Evaluation {
  double loss = 0;       // mean binary cross-entropy
  double accuracy = 0;   // share of rows whose predicted direction was right
  std::size_t rows = 0;
};

struct MlpResult {
  int epochs_run = 0, best_epoch = 0;
  double seconds = 0;
  Evaluation train, validation, test;
};

// Trains and writes the best weights to `weights` (torch::save of the nn::Sequential).
Result<MlpResult, std::string> trainMlp(const Split& split, const Normalization& normalization, const MlpOptions& options,
                                        const std::filesystem::path& weights, const std::function<void(const EpochReport&)>& progress);

}  // namespace rrr::train
