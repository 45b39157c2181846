#pragma once
// A loaded model: consecutive feature rows of one symbol in, one logit (log-odds of a higher
// price horizon_bars later) per row that ends a full window out. The header holds no LibTorch
// type, so that only the files that implement it pay LibTorch's compile time.

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "infer/model_package.h"

namespace rrr::infer {

class Model {
 public:
  virtual ~Model() = default;

  // Loads the weights and runs one window of zeros through them: a model whose output is not one
  // finite number per window is refused here, with what was wrong.
  static Result<std::unique_ptr<Model>, std::string> load(const ModelPackage& package);

  // Raw feature rows (normalized here with the package's mean and std. dev.), oldest first, one
  // bar apart: a logit for each row from the window-th on, read with the window - 1 rows before
  // it (so window rows give one logit). An error if there are fewer rows than the window or any
  // output is NaN or infinite: no prediction rather than a wrong one.
  virtual Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) = 0;

  std::size_t window() const { return package_.window; }

  // How predict() runs the model, for the log: "LibTorch", or the plain C++ dense path and why
  // it is (not) used.
  virtual std::string runtime() const { return "LibTorch"; }

  const ModelPackage& package() const { return package_; }

 protected:
  explicit Model(ModelPackage package) : package_(std::move(package)) {}

 private:
  ModelPackage package_;
};

}  // namespace rrr::infer
