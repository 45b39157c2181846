#pragma once
// The complete model folders under the models folder (NAME/VERSION holding a model.json that
// reads), each reported once: rrr-infer announces them to the store, which keeps ml_models.
// rrr-train renames model.json into place last, so a folder with one is complete.

#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "infer/model_package.h"

namespace rrr::infer {

class ModelFolderScan {
 public:
  explicit ModelFolderScan(std::filesystem::path models_dir) : models_dir_(std::move(models_dir)) {}

  // The packages found since the last call. A folder without model.json is looked at again next
  // time; one whose model.json does not read is logged once, and read again when it changes.
  std::vector<ModelPackage> newPackages();

  // Counts `dir` as reported; true if it was not yet.
  bool markReported(const std::filesystem::path& dir) { return reported_.insert(dir.lexically_normal()).second; }
  bool anyReported() const { return !reported_.empty(); }

 private:
  std::filesystem::path models_dir_;
  std::set<std::filesystem::path> reported_;
  std::map<std::filesystem::path, std::filesystem::file_time_type> unreadable_;   // model.json's time when it failed
};

}  // namespace rrr::infer
