#pragma once
// A stack of dense layers evaluated in plain C++, one row at a time: rrr-train's "mlp" models in
// service. Through LibTorch one row costs ~20 us on the hot path, nearly all of it dispatch and
// tensor bookkeeping; the arithmetic (~1,000 multiply-adds for the default model) takes well under
// a microsecond. Model::load builds one from the loaded LibTorch layers and checks that both give
// the same outputs before using it.

#include <cstddef>
#include <span>
#include <vector>

namespace rrr::infer {

class DenseNetwork {
 public:
  struct Layer {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    std::vector<float> weight;   // [outputs][inputs], row-major, as torch::nn::Linear holds it
    std::vector<float> bias;     // [outputs]
    bool relu = false;           // max(0, x) after the layer
  };

  // The layers in order: each one's inputs the previous one's outputs, and one output at the end.
  // Throws std::invalid_argument naming the layer that does not fit.
  explicit DenseNetwork(std::vector<Layer> layers);

  std::size_t inputs() const { return layers_.front().inputs; }

  // One row (already normalized, inputs() wide) -> the single output. Float32 throughout, as
  // LibTorch's Linear computes it; only the order of the sums may differ.
  double forward(std::span<const float> row) const;

 private:
  std::vector<Layer> layers_;
  mutable std::vector<float> in_, out_;   // scratch: no allocation per call
};

}  // namespace rrr::infer
