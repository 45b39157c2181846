#include "train/dataset.h"

#include <cmath>

#include "features/feature_set.h"

namespace rrr::train {
namespace {

Dataset slice(const Dataset& data, std::size_t begin, std::size_t end) {
  Dataset part;
  for (std::size_t i = begin; i < end && i < data.size(); ++i) {
    part.rows.push_back(data.rows[i]);
    part.labels.push_back(data.labels[i]);
    part.times.push_back(data.times[i]);
  }
  return part;
}

}  // namespace

double Dataset::upShare() const {
  double up = 0;
  for (const auto label : labels) up += label;
  return labels.empty() ? 0.0 : up / static_cast<double>(labels.size());
}

Result<Dataset, std::string> buildDataset(const std::vector<features::Ohlcv>& bars, const std::vector<std::string>& names,
                                          std::size_t horizon) {
  RRR_ASSIGN_OR_RETURN(const auto rows, features::computeBatch(names, bars));
  Dataset data;
  for (std::size_t t = 0; t + horizon < bars.size(); ++t) {
    if (!rows[t]) continue;
    data.rows.push_back(*rows[t]);
    data.labels.push_back(bars[t + horizon].close > bars[t].close ? 1.0F : 0.0F);
    data.times.push_back(bars[t].open_time_ns);
  }
  return data;
}

Split chronologicalSplit(const Dataset& data, double train_share, double validation_share, std::size_t horizon) {
  const auto n = data.size();
  const auto train_end = static_cast<std::size_t>(static_cast<double>(n) * train_share);
  const auto validation_end = static_cast<std::size_t>(static_cast<double>(n) * (train_share + validation_share));
  const auto embargoed = [&](std::size_t end, std::size_t begin) { return end > begin + horizon ? end - horizon : begin; };
  return Split{slice(data, 0, embargoed(train_end, 0)), slice(data, train_end, embargoed(validation_end, train_end)),
               slice(data, validation_end, n), train_end, validation_end};
}

Normalization fitNormalization(const Dataset& train) {
  const std::size_t width = train.rows.empty() ? 0 : train.rows.front().size();
  Normalization normalization{std::vector<double>(width, 0.0), std::vector<double>(width, 1.0)};
  if (train.rows.empty()) return normalization;
  const auto n = static_cast<double>(train.size());
  for (std::size_t f = 0; f < width; ++f) {
    double sum = 0;
    for (const auto& row : train.rows) sum += row[f];
    const double mean = sum / n;
    double squares = 0;
    for (const auto& row : train.rows) squares += (row[f] - mean) * (row[f] - mean);
    const double deviation = std::sqrt(squares / n);
    normalization.mean[f] = mean;
    normalization.stddev[f] = deviation > 1e-12 ? deviation : 1.0;
  }
  return normalization;
}

}  // namespace rrr::train
