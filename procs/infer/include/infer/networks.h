#pragma once
// rrr-train's networks, shared by the trainer and the loader, which must build the same layers to
// read the weights. Includes LibTorch.
//
// - "mlp": the last feature row -> hidden layers (ReLU) -> one logit; saved as an nn::Sequential.
// - "gru", "lstm": a window of feature rows, oldest first -> a recurrent layer stack -> the last
//   step's output -> one logit; saved as RecurrentNet.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "infer/model_package.h"

namespace rrr::infer {

// The input both the trainer and the loader build, so that a model sees in service what it saw in
// training: each feature (x - mean) / stddev, as float32 [rows, features].
inline torch::Tensor normalizedRows(const std::vector<std::vector<double>>& rows, const std::vector<double>& mean,
                                    const std::vector<double>& stddev) {
  const auto width = static_cast<std::int64_t>(mean.size());
  auto input = torch::empty({static_cast<std::int64_t>(rows.size()), width}, torch::kFloat32);
  auto access = input.accessor<float, 2>();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::int64_t f = 0; f < width; ++f) {
      const auto i = static_cast<std::size_t>(f);
      access[static_cast<std::int64_t>(r)][f] = normalizedFeature(rows[r][i], mean[i], stddev[i]);
    }
  }
  return input;
}

// [rows, features] -> [rows - window + 1, window, features]: every run of window rows, oldest
// first. A view of rows (no copy).
inline torch::Tensor windowsOf(const torch::Tensor& rows, std::int64_t window) {
  return window == 1 ? rows.unsqueeze(1) : rows.unfold(0, window, 1).transpose(1, 2);
}

inline torch::nn::Sequential makeMlp(std::int64_t inputs, const std::vector<std::int64_t>& hidden) {
  torch::nn::Sequential net;
  std::int64_t width = inputs;
  for (const auto layer : hidden) {
    net->push_back(torch::nn::Linear(width, layer));
    net->push_back(torch::nn::ReLU());
    width = layer;
  }
  net->push_back(torch::nn::Linear(width, 1));
  return net;
}

class RecurrentNetImpl : public torch::nn::Module {
 public:
  RecurrentNetImpl(const std::string& cell, std::int64_t inputs, std::int64_t hidden, std::int64_t layers) {
    if (cell == "lstm") {
      lstm_ = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(inputs, hidden).num_layers(layers).batch_first(true)));
    } else {
      gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(inputs, hidden).num_layers(layers).batch_first(true)));
    }
    head_ = register_module("head", torch::nn::Linear(hidden, 1));
  }

  // [batch, window, features] -> [batch, 1]
  torch::Tensor forward(const torch::Tensor& windows) {
    const auto steps = lstm_ ? std::get<0>(lstm_->forward(windows)) : std::get<0>(gru_->forward(windows));
    return head_->forward(steps.select(1, steps.size(1) - 1));
  }

 private:
  torch::nn::GRU gru_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(RecurrentNet);

// Either network behind one interface: [batch, window, features] -> [batch, 1] logits.
class Network {
 public:
  Network(const std::string& kind, std::int64_t inputs, const std::vector<std::int64_t>& hidden, std::int64_t layers) {
    if (kind == "mlp") {
      mlp_ = makeMlp(inputs, hidden);
    } else {
      recurrent_ = RecurrentNet(kind, inputs, hidden.at(0), layers);
    }
  }

  torch::Tensor forward(const torch::Tensor& windows) {
    return mlp_ ? mlp_->forward(windows.select(1, windows.size(1) - 1)) : recurrent_->forward(windows);
  }
  std::vector<torch::Tensor> parameters() const { return mlp_ ? mlp_->parameters() : recurrent_->parameters(); }
  void train(bool on) { mlp_ ? mlp_->train(on) : recurrent_->train(on); }
  void save(const std::string& path) const { mlp_ ? torch::save(mlp_, path) : torch::save(recurrent_, path); }
  void load(const std::string& path) { mlp_ ? torch::load(mlp_, path) : torch::load(recurrent_, path); }
  // The "mlp" layers; empty for a recurrent network.
  const torch::nn::Sequential& mlp() const { return mlp_; }

 private:
  torch::nn::Sequential mlp_{nullptr};
  RecurrentNet recurrent_{nullptr};
};

}  // namespace rrr::infer
