#pragma once
// rrr-train's MLP: features -> hidden layers (ReLU) -> one logit. Shared by the trainer and the
// loader, which must build the same layers to read the weights. Includes LibTorch.

#include <torch/torch.h>

#include <vector>

namespace rrr::infer {

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

}  // namespace rrr::infer
