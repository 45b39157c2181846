// The models behind infer::Model, in LibTorch: a TorchScript module (torch.jit.save) or one of
// rrr-train's networks (infer/networks.h).
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
#include <optional>
#include <stdexcept>

#include "infer/dense_network.h"
#include "infer/model.h"
#include "infer/networks.h"

namespace rrr::infer {
namespace {

// LibTorch's messages carry a C++ backtrace after the first line.
std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

Result<std::vector<double>, std::string> logitsOf(const ModelPackage& package, const torch::Tensor& output, std::size_t expected) {
  const auto flat = output.to(torch::kFloat64).contiguous().view({-1});
  if (static_cast<std::size_t>(flat.numel()) != expected) {
    return makeError(package.id() + ": the model gave " + std::to_string(flat.numel()) + " outputs for " + std::to_string(expected) +
                     " windows (expected one logit per window)");
  }
  std::vector<double> logits(flat.data_ptr<double>(), flat.data_ptr<double>() + expected);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    if (!std::isfinite(logits[i])) return makeError(package.id() + ": output " + std::to_string(i) + " is not finite (" + std::to_string(logits[i]) + ")");
  }
  return logits;
}

// The shared part of predict: the row count checked, LibTorch's exceptions turned into errors.
template <typename Forward>
Result<std::vector<double>, std::string> predictWith(const ModelPackage& package, const std::vector<std::vector<double>>& rows,
                                                     Forward&& forward) {
  if (rows.size() < package.window) {
    return makeError(package.id() + ": " + std::to_string(rows.size()) + " rows for a window of " + std::to_string(package.window));
  }
  try {
    c10::InferenceMode inference;   // no autograd bookkeeping at all
    const auto input = normalizedRows(rows, package.mean, package.stddev);
    return logitsOf(package, forward(input), rows.size() - package.window + 1);
  } catch (const std::exception& e) {
    return makeError(package.id() + ": forward failed: " + firstLine(e.what()));
  }
}

class TorchScriptModel : public Model {
 public:
  TorchScriptModel(ModelPackage package, torch::jit::Module module) : Model(std::move(package)), module_(std::move(module)) {
    module_.eval();
  }
  Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) override {
    const auto window = static_cast<std::int64_t>(package().window);
    return predictWith(package(), rows, [&](const torch::Tensor& input) {
      const auto output = module_.forward({window == 1 ? input : windowsOf(input, window).contiguous()});
      if (!output.isTensor()) throw std::runtime_error("forward did not return a tensor");
      return output.toTensor();
    });
  }

 private:
  torch::jit::Module module_;
};

// rrr-train's "mlp" layers as a DenseNetwork; nothing if the Sequential holds anything else.
std::optional<DenseNetwork> denseOf(const torch::nn::Sequential& mlp) {
  std::vector<DenseNetwork::Layer> layers;
  for (const auto& module : mlp->children()) {
    if (const auto* linear = module->as<torch::nn::Linear>()) {
      const auto weight = linear->weight.detach().to(torch::kFloat32).contiguous();
      const auto bias = linear->options.bias() ? linear->bias.detach().to(torch::kFloat32).contiguous()
                                               : torch::zeros({weight.size(0)}, torch::kFloat32);
      DenseNetwork::Layer layer;
      layer.outputs = static_cast<std::size_t>(weight.size(0));
      layer.inputs = static_cast<std::size_t>(weight.size(1));
      layer.weight.assign(weight.data_ptr<float>(), weight.data_ptr<float>() + weight.numel());
      layer.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
      layers.push_back(std::move(layer));
    } else if (module->as<torch::nn::ReLU>() != nullptr && !layers.empty() && !layers.back().relu) {
      layers.back().relu = true;
    } else {
      return std::nullopt;
    }
  }
  try {
    return DenseNetwork(std::move(layers));
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

// Rows a model's two paths must agree on: zeros, and rows spread over several std. devs. (made
// by a fixed recurrence, the same at every load).
std::vector<std::vector<double>> agreementRows(const ModelPackage& package) {
  std::vector<std::vector<double>> rows{std::vector<double>(package.features.size(), 0.0)};
  std::uint32_t state = 12345;
  for (int r = 0; r < 16; ++r) {
    std::vector<double> row;
    for (std::size_t f = 0; f < package.features.size(); ++f) {
      state = state * 1664525U + 1013904223U;
      const double spread = (static_cast<double>(state >> 8) / static_cast<double>(1U << 24) - 0.5) * 8.0;   // [-4, 4)
      row.push_back(package.mean[f] + spread * package.stddev[f]);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class NetworkModel : public Model {
 public:
  NetworkModel(ModelPackage package, Network network) : Model(std::move(package)), network_(std::move(network)) {
    network_.train(false);
    if (network_.mlp()) useDenseIfItAgrees();
  }
  Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) override {
    if (dense_) return predictDense(rows);
    return predictTorch(rows);
  }
  std::string runtime() const override { return runtime_; }

 private:
  Result<std::vector<double>, std::string> predictTorch(const std::vector<std::vector<double>>& rows) {
    const auto window = static_cast<std::int64_t>(package().window);
    return predictWith(package(), rows, [&](const torch::Tensor& input) { return network_.forward(windowsOf(input, window)); });
  }

  // An mlp reads one row (its window is 1).
  Result<std::vector<double>, std::string> predictDense(const std::vector<std::vector<double>>& rows) {
    if (rows.empty()) return makeError(package().id() + ": 0 rows for a window of 1");
    const auto& mean = package().mean;
    const auto& stddev = package().stddev;
    std::vector<double> logits;
    logits.reserve(rows.size());
    for (const auto& row : rows) {
      if (row.size() != mean.size()) {
        return makeError(package().id() + ": a row of " + std::to_string(row.size()) + " features for " + std::to_string(mean.size()));
      }
      for (std::size_t f = 0; f < row.size(); ++f) normalized_[f] = normalizedFeature(row[f], mean[f], stddev[f]);
      const double logit = dense_->forward(normalized_);
      if (!std::isfinite(logit)) {
        return makeError(package().id() + ": output " + std::to_string(logits.size()) + " is not finite (" + std::to_string(logit) + ")");
      }
      logits.push_back(logit);
    }
    return logits;
  }

  // The dense path is used only if it gives LibTorch's outputs (to 1e-5, relative above 1).
  void useDenseIfItAgrees() {
    auto dense = denseOf(network_.mlp());
    if (!dense || dense->inputs() != package().features.size()) {
      runtime_ = "LibTorch (the mlp's layers do not fit the plain C++ path)";
      return;
    }
    const auto rows = agreementRows(package());
    const auto expected = predictTorch(rows);
    if (!expected.ok()) return;   // Model::load's check reports it
    dense_ = std::move(dense);
    normalized_.resize(package().features.size());
    const auto got = predictDense(rows);
    for (std::size_t i = 0; got.ok() && i < rows.size(); ++i) {
      const double difference = std::fabs((*got)[i] - (*expected)[i]);
      if (difference > 1e-5 * std::max(1.0, std::fabs((*expected)[i]))) {
        runtime_ = "LibTorch (the plain C++ path gave " + std::to_string((*got)[i]) + " for " + std::to_string((*expected)[i]) + ")";
        dense_.reset();
        return;
      }
    }
    if (!got.ok()) {
      runtime_ = "LibTorch (the plain C++ path failed: " + got.error().message + ")";
      dense_.reset();
      return;
    }
    runtime_ = "plain C++ dense layers, checked against LibTorch on " + std::to_string(rows.size()) + " rows";
  }

  Network network_;
  std::optional<DenseNetwork> dense_;
  std::vector<float> normalized_;
  std::string runtime_ = "LibTorch";
};

}  // namespace

Result<std::unique_ptr<Model>, std::string> Model::load(const ModelPackage& package) {
  // One row per bar is far too small to share out; threads would only wake and contend for the
  // cores the other processes of the hot path need.
  torch::set_num_threads(1);
  std::unique_ptr<Model> model;
  try {
    if (package.kind == "torchscript") {
      model = std::make_unique<TorchScriptModel>(package, torch::jit::load(package.weights.string(), torch::kCPU));
    } else {
      Network network(package.kind, static_cast<std::int64_t>(package.features.size()), package.hidden, package.layers);
      network.load(package.weights.string());
      model = std::make_unique<NetworkModel>(package, std::move(network));
    }
  } catch (const std::exception& e) {
    return makeError(package.weights.string() + ": cannot load: " + firstLine(e.what()));
  }
  const auto check = model->predict(std::vector<std::vector<double>>(package.window, std::vector<double>(package.features.size(), 0.0)));
  if (!check.ok()) return makeError(package.weights.string() + ": refused: " + check.error().message);
  return model;
}

}  // namespace rrr::infer
