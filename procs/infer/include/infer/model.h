#pragma once
// A loaded model: normalized feature rows in, one logit (log-odds of a higher price
// horizon_bars later) per row out. The header holds no LibTorch type, so that only the files
// that implement it pay LibTorch's compile time.

#include <memory>
#include <vector>

#include "common/result.h"
#include "infer/model_package.h"

namespace rrr::infer {

class Model {
 public:
  virtual ~Model() = default;

  // Loads the weights and runs one row of zeros through them: a model whose output is not one
  // finite number per row is refused here, with what was wrong.
  static Result<std::unique_ptr<Model>, std::string> load(const ModelPackage& package);

  // Logits for raw feature rows (normalized here with the package's mean and std. dev.). An error
  // if any output is NaN or infinite: no prediction rather than a wrong one.
  virtual Result<std::vector<double>, std::string> predict(const std::vector<std::vector<double>>& rows) = 0;

  const ModelPackage& package() const { return package_; }

 protected:
  explicit Model(ModelPackage package) : package_(std::move(package)) {}

 private:
  ModelPackage package_;
};

}  // namespace rrr::infer
