#include "infer/dense_network.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rrr::infer {

DenseNetwork::DenseNetwork(std::vector<Layer> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw std::invalid_argument("a dense network needs at least one layer");
  std::size_t widest = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const auto& layer = layers_[i];
    const auto where = "layer " + std::to_string(i) + ": ";
    if (layer.inputs == 0 || layer.outputs == 0) throw std::invalid_argument(where + "no inputs or no outputs");
    if (layer.weight.size() != layer.inputs * layer.outputs || layer.bias.size() != layer.outputs) {
      throw std::invalid_argument(where + "weights do not match " + std::to_string(layer.outputs) + " x " + std::to_string(layer.inputs));
    }
    if (i > 0 && layers_[i - 1].outputs != layer.inputs) {
      throw std::invalid_argument(where + std::to_string(layer.inputs) + " inputs after a layer of " +
                                  std::to_string(layers_[i - 1].outputs) + " outputs");
    }
    widest = std::max({widest, layer.inputs, layer.outputs});
  }
  if (layers_.back().outputs != 1) throw std::invalid_argument("the last layer has " + std::to_string(layers_.back().outputs) + " outputs, not 1");
  in_.resize(widest);
  out_.resize(widest);
}

double DenseNetwork::forward(std::span<const float> row) const {
  if (row.size() != inputs()) throw std::invalid_argument("a row of " + std::to_string(row.size()) + " for " + std::to_string(inputs()) + " inputs");
  std::copy(row.begin(), row.end(), in_.begin());
  for (const auto& layer : layers_) {
    for (std::size_t o = 0; o < layer.outputs; ++o) {
      const float* weights = layer.weight.data() + o * layer.inputs;
      float sum = 0.0F;
      for (std::size_t i = 0; i < layer.inputs; ++i) sum += weights[i] * in_[i];
      sum += layer.bias[o];
      out_[o] = layer.relu ? std::max(sum, 0.0F) : sum;
    }
    std::swap(in_, out_);
  }
  return static_cast<double>(in_[0]);
}

}  // namespace rrr::infer
