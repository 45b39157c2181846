#include "train/mlp_trainer.h"

#include <torch/torch.h>

#include <chrono>

#include "infer/mlp.h"

namespace rrr::train {
namespace {

struct Tensors {
  torch::Tensor x, y;
};

Tensors tensorsOf(const Dataset& data, const Normalization& normalization) {
  const auto rows = static_cast<std::int64_t>(data.size());
  const auto width = static_cast<std::int64_t>(normalization.mean.size());
  auto x = torch::empty({rows, width}, torch::kFloat32);
  auto access = x.accessor<float, 2>();
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t f = 0; f < width; ++f) {
      const auto i = static_cast<std::size_t>(f);
      access[r][f] = static_cast<float>((data.rows[static_cast<std::size_t>(r)][i] - normalization.mean[i]) / normalization.stddev[i]);
    }
  }
  auto y = torch::from_blob(const_cast<float*>(data.labels.data()), {rows, 1}, torch::kFloat32).clone();
  return {x, y};
}

Evaluation evaluate(torch::nn::Sequential& net, const Tensors& data) {
  torch::NoGradGuard no_grad;
  net->eval();
  if (data.x.size(0) == 0) return {};
  const auto logits = net->forward(data.x);
  Evaluation result;
  result.loss = torch::binary_cross_entropy_with_logits(logits, data.y).item<double>();
  result.accuracy = (logits.gt(0).to(torch::kFloat32) == data.y).to(torch::kFloat32).mean().item<double>();
  result.rows = static_cast<std::size_t>(data.x.size(0));
  return result;
}

}  // namespace

Result<MlpResult, std::string> trainMlp(const Split& split, const Normalization& normalization, const MlpOptions& options,
                                        const std::filesystem::path& weights, const std::function<void(const EpochReport&)>& progress) {
  if (split.train.size() < static_cast<std::size_t>(options.batch_size) || split.validation.size() == 0 || split.test.size() == 0) {
    return makeError("too little data: " + std::to_string(split.train.size()) + " training, " + std::to_string(split.validation.size()) +
                     " validation and " + std::to_string(split.test.size()) + " test rows (at least one batch of " +
                     std::to_string(options.batch_size) + " to train on)");
  }
  torch::manual_seed(options.seed);
  torch::set_num_threads(1);   // deterministic sums, and the other processes keep their cores
  const auto train = tensorsOf(split.train, normalization);
  const auto validation = tensorsOf(split.validation, normalization);
  const auto test = tensorsOf(split.test, normalization);
  auto net = infer::makeMlp(static_cast<std::int64_t>(normalization.mean.size()), options.hidden);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay));

  const auto started = std::chrono::steady_clock::now();
  MlpResult result;
  double best_loss = std::numeric_limits<double>::infinity();
  int stale = 0;
  const auto rows = train.x.size(0);
  for (int epoch = 1; epoch <= options.max_epochs; ++epoch) {
    net->train();
    const auto order = torch::randperm(rows, torch::kInt64);
    double loss_sum = 0;
    std::int64_t batches = 0;
    for (std::int64_t start = 0; start + options.batch_size <= rows; start += options.batch_size) {
      const auto index = order.slice(0, start, start + options.batch_size);
      optimizer.zero_grad();
      const auto loss = torch::binary_cross_entropy_with_logits(net->forward(train.x.index_select(0, index)), train.y.index_select(0, index));
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    const auto checked = evaluate(net, validation);
    result.epochs_run = epoch;
    const bool best = checked.loss < best_loss - 1e-6;
    if (best) {
      best_loss = checked.loss;
      result.best_epoch = epoch;
      stale = 0;
      torch::save(net, weights.string());
    } else {
      ++stale;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress({epoch, options.max_epochs, loss_sum / static_cast<double>(std::max<std::int64_t>(batches, 1)), checked.loss, seconds,
              seconds / epoch * (options.max_epochs - epoch), best});
    if (stale >= options.patience) break;
  }
  torch::load(net, weights.string());   // the best epoch's weights
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.train = evaluate(net, train);
  result.validation = evaluate(net, validation);
  result.test = evaluate(net, test);
  return result;
}

}  // namespace rrr::train
