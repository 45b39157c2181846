#include "train/model_trainer.h"

#include <torch/torch.h>

#include <chrono>

#include "infer/networks.h"

namespace rrr::train {
namespace {

// A part of the split as positions in the windows of the whole dataset, and its labels.
struct Part {
  torch::Tensor windows;   // indices into Windows::all
  torch::Tensor y;         // [rows, 1]
};

struct Windows {
  torch::Tensor all;       // [rows - window + 1, window, features], a view of the normalized rows

  Part part(const Dataset& piece, std::size_t begin, std::size_t window) const {
    std::vector<std::int64_t> indices;
    std::vector<float> labels;
    for (std::size_t i = 0; i < piece.size(); ++i) {
      if (begin + i + 1 < window) continue;   // not enough rows before it
      indices.push_back(static_cast<std::int64_t>(begin + i + 1 - window));
      labels.push_back(piece.labels[i]);
    }
    const auto rows = static_cast<std::int64_t>(indices.size());
    return {torch::tensor(indices, torch::kInt64), torch::from_blob(labels.data(), {rows, 1}, torch::kFloat32).clone()};
  }
};

Windows windowsOf(const Dataset& data, const Normalization& normalization, std::size_t window) {
  return {infer::windowsOf(infer::normalizedRows(data.rows, normalization.mean, normalization.stddev), static_cast<std::int64_t>(window))};
}

Evaluation evaluate(infer::Network& net, const Windows& windows, const Part& part) {
  torch::NoGradGuard no_grad;
  net.train(false);
  const auto rows = part.windows.size(0);
  if (rows == 0) return {};
  std::vector<torch::Tensor> chunks;
  constexpr std::int64_t kChunk = 4096;
  for (std::int64_t start = 0; start < rows; start += kChunk) {
    chunks.push_back(net.forward(windows.all.index_select(0, part.windows.slice(0, start, std::min(rows, start + kChunk)))));
  }
  const auto logits = torch::cat(chunks);
  Evaluation result;
  result.loss = torch::binary_cross_entropy_with_logits(logits, part.y).item<double>();
  result.accuracy = (logits.gt(0).to(torch::kFloat32) == part.y).to(torch::kFloat32).mean().item<double>();
  result.up_share = part.y.mean().item<double>();
  result.rows = static_cast<std::size_t>(rows);
  return result;
}

}  // namespace

Result<TrainResult, std::string> trainModel(const Dataset& data, const Split& split, const Normalization& normalization,
                                            const TrainOptions& options, const std::filesystem::path& weights,
                                            const std::function<void(const EpochReport&)>& progress) {
  if (options.kind != "mlp" && options.kind != "gru" && options.kind != "lstm") return makeError("unknown model kind " + options.kind);
  if (options.window < 1 || (options.kind == "mlp" && options.window != 1)) return makeError("an mlp reads a window of 1 row");
  if (options.hidden.empty() || (options.kind != "mlp" && options.hidden.size() != 1)) {
    return makeError("hidden: an mlp needs one or more layer widths, a " + options.kind + " one width");
  }
  if (data.size() < options.window) return makeError("too little data: " + std::to_string(data.size()) + " rows for a window of " + std::to_string(options.window));
  torch::manual_seed(options.seed);
  torch::set_num_threads(1);   // deterministic sums, and the other processes keep their cores
  const auto windows = windowsOf(data, normalization, options.window);
  const auto train = windows.part(split.train, 0, options.window);
  const auto validation = windows.part(split.validation, split.validation_begin, options.window);
  const auto test = windows.part(split.test, split.test_begin, options.window);
  const auto rows = train.windows.size(0);
  if (rows < options.batch_size || validation.windows.size(0) == 0 || test.windows.size(0) == 0) {
    return makeError("too little data: " + std::to_string(rows) + " training, " + std::to_string(validation.windows.size(0)) +
                     " validation and " + std::to_string(test.windows.size(0)) + " test rows (at least one batch of " +
                     std::to_string(options.batch_size) + " to train on)");
  }
  infer::Network net(options.kind, static_cast<std::int64_t>(normalization.mean.size()), options.hidden, options.layers);
  torch::optim::Adam optimizer(net.parameters(), torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay));

  const auto started = std::chrono::steady_clock::now();
  TrainResult result;
  double best_loss = std::numeric_limits<double>::infinity();
  int stale = 0;
  for (int epoch = 1; epoch <= options.max_epochs; ++epoch) {
    net.train(true);
    const auto order = torch::randperm(rows, torch::kInt64);
    double loss_sum = 0;
    std::int64_t batches = 0;
    for (std::int64_t start = 0; start + options.batch_size <= rows; start += options.batch_size) {
      const auto batch = order.slice(0, start, start + options.batch_size);
      optimizer.zero_grad();
      const auto x = windows.all.index_select(0, train.windows.index_select(0, batch));
      const auto loss = torch::binary_cross_entropy_with_logits(net.forward(x), train.y.index_select(0, batch));
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    const auto checked = evaluate(net, windows, validation);
    result.epochs_run = epoch;
    const bool best = checked.loss < best_loss - 1e-6;
    if (best) {
      best_loss = checked.loss;
      result.best_epoch = epoch;
      stale = 0;
      net.save(weights.string());
    } else {
      ++stale;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress({epoch, options.max_epochs, loss_sum / static_cast<double>(std::max<std::int64_t>(batches, 1)), checked.loss, seconds,
              seconds / epoch * (options.max_epochs - epoch), best});
    if (stale >= options.patience) break;
  }
  net.load(weights.string());   // the best epoch's weights
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.train = evaluate(net, windows, train);
  result.validation = evaluate(net, windows, validation);
  result.test = evaluate(net, windows, test);
  return result;
}

}  // namespace rrr::train
