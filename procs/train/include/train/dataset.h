#pragma once
// Training data from bars, without LibTorch: feature rows (common/features, the same code
// rrr-infer runs), the label of each row (did the close rise over the next `horizon` bars?), a
// chronological split with no leakage, and normalization fitted on the training part only.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "features/indicators.h"

namespace rrr::train {

struct Dataset {
  std::vector<std::vector<double>> rows;
  std::vector<float> labels;          // 1: close[t + horizon] > close[t]
  std::vector<std::int64_t> times;    // the bar each row was computed at (open time, ns)

  std::size_t size() const { return rows.size(); }
  double upShare() const;
};

// One row per bar at which every feature is warm and the bar `horizon` later exists.
Result<Dataset, std::string> buildDataset(const std::vector<features::Ohlcv>& bars, const std::vector<std::string>& features,
                                          std::size_t horizon);

struct Split {
  Dataset train, validation, test;
  // Where each part's first row is in the whole dataset (train's is 0): a window of rows read
  // for a part's first rows reaches back into the rows before it (inputs only, never labels).
  std::size_t validation_begin = 0, test_begin = 0;
};

// In time order: the first `train_share` of rows, then `validation_share`, then the rest. The last
// `horizon` rows of the training and validation parts are dropped: their labels look into the
// next part.
Split chronologicalSplit(const Dataset& data, double train_share, double validation_share, std::size_t horizon);

struct Normalization {
  std::vector<double> mean, stddev;   // stddev 1 where a feature is constant
};
Normalization fitNormalization(const Dataset& train);

}  // namespace rrr::train
