// The models behind infer::Model, in LibTorch: a TorchScript module (torch.jit.save) or one of
// rrr-train's networks (infer/networks.h).
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>

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

class NetworkModel : public Model {
 public:
  NetworkModel(ModelPackage package, Network network) : Model(std::move(package)), network_(std::move(network)) { network_.train(false); }
  Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) override {
    const auto window = static_cast<std::int64_t>(package().window);
    return predictWith(package(), rows, [&](const torch::Tensor& input) { return network_.forward(windowsOf(input, window)); });
  }

 private:
  Network network_;
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
