#pragma once
// Trains one of rrr-infer's networks (infer/networks.h: an MLP on the last feature row, or a GRU
// or LSTM over a window of rows) on a split dataset: binary cross-entropy on the direction label,
// Adam, mini-batches in a seeded shuffled order, early stopping on the validation loss (the best
// epoch's weights are kept). No LibTorch in this header.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "train/dataset.h"

namespace rrr::train {

struct TrainOptions {
  std::string kind = "mlp";     // mlp, gru or lstm
  std::vector<std::int64_t> hidden{32, 16};   // mlp: layer widths; gru, lstm: one width
  std::int64_t layers = 1;      // gru, lstm: stacked recurrent layers
  std::size_t window = 1;       // rows per prediction, oldest first (mlp: 1)
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
  double up_share = 0;   // share of rows whose label is up
  std::size_t rows = 0;
};

struct TrainResult {
  int epochs_run = 0, best_epoch = 0;
  double seconds = 0;
  Evaluation train, validation, test;   // over the rows with a full window
};

// Trains and writes the best weights to `weights` (infer::Network::save). `data` is the dataset
// `split` was made from: the rows a window reaches back into before a part. A part's rows with
// fewer than window - 1 rows before them in `data` are not used.
Result<TrainResult, std::string> trainModel(const Dataset& data, const Split& split, const Normalization& normalization,
                                            const TrainOptions& options, const std::filesystem::path& weights,
                                            const std::function<void(const EpochReport&)>& progress);

}  // namespace rrr::train
