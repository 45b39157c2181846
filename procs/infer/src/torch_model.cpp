// The models behind infer::Model, in LibTorch: a TorchScript module (torch.jit.save) or
// rrr-train's MLP (torch::save of an nn::Sequential).
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>

#include "infer/mlp.h"
#include "infer/model.h"

namespace rrr::infer {
namespace {

// LibTorch's messages carry a C++ backtrace after the first line.
std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

torch::Tensor normalizedInput(const ModelPackage& package, const std::vector<std::vector<double>>& rows) {
  const auto width = static_cast<std::int64_t>(package.features.size());
  auto input = torch::empty({static_cast<std::int64_t>(rows.size()), width}, torch::kFloat32);
  auto access = input.accessor<float, 2>();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::int64_t f = 0; f < width; ++f) {
      const auto i = static_cast<std::size_t>(f);
      access[static_cast<std::int64_t>(r)][f] = static_cast<float>((rows[r][i] - package.mean[i]) / package.stddev[i]);
    }
  }
  return input;
}

Result<std::vector<double>, std::string> logitsOf(const ModelPackage& package, const torch::Tensor& output, std::size_t rows) {
  const auto flat = output.to(torch::kFloat64).contiguous().view({-1});
  if (static_cast<std::size_t>(flat.numel()) != rows) {
    return makeError(package.id() + ": the model gave " + std::to_string(flat.numel()) + " outputs for " + std::to_string(rows) +
                     " rows (expected one logit per row)");
  }
  std::vector<double> logits(flat.data_ptr<double>(), flat.data_ptr<double>() + rows);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    if (!std::isfinite(logits[i])) return makeError(package.id() + ": output " + std::to_string(i) + " is not finite (" + std::to_string(logits[i]) + ")");
  }
  return logits;
}

class TorchScriptModel : public Model {
 public:
  TorchScriptModel(ModelPackage package, torch::jit::Module module) : Model(std::move(package)), module_(std::move(module)) {
    module_.eval();
  }
  Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) override {
    try {
      c10::InferenceMode inference;   // no autograd bookkeeping at all
      const auto output = module_.forward({normalizedInput(package(), rows)});
      if (!output.isTensor()) return makeError(package().id() + ": forward did not return a tensor");
      return logitsOf(package(), output.toTensor(), rows.size());
    } catch (const std::exception& e) {
      return makeError(package().id() + ": forward failed: " + firstLine(e.what()));
    }
  }

 private:
  torch::jit::Module module_;
};

class MlpModel : public Model {
 public:
  MlpModel(ModelPackage package, torch::nn::Sequential net) : Model(std::move(package)), net_(std::move(net)) { net_->eval(); }
  Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) override {
    try {
      c10::InferenceMode inference;   // no autograd bookkeeping at all
      return logitsOf(package(), net_->forward(normalizedInput(package(), rows)), rows.size());
    } catch (const std::exception& e) {
      return makeError(package().id() + ": forward failed: " + firstLine(e.what()));
    }
  }

 private:
  torch::nn::Sequential net_;
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
      auto net = makeMlp(static_cast<std::int64_t>(package.features.size()), package.hidden);
      torch::load(net, package.weights.string());
      model = std::make_unique<MlpModel>(package, std::move(net));
    }
  } catch (const std::exception& e) {
    return makeError(package.weights.string() + ": cannot load: " + firstLine(e.what()));
  }
  const auto check = model->predict({std::vector<double>(package.features.size(), 0.0)});
  if (!check.ok()) return makeError(package.weights.string() + ": refused: " + check.error().message);
  return model;
}

}  // namespace rrr::infer
