#include "infer/model_folder_scan.h"

#include <spdlog/spdlog.h>

namespace rrr::infer {

namespace fs = std::filesystem;

std::vector<ModelPackage> ModelFolderScan::newPackages() {
  std::vector<ModelPackage> found;
  std::error_code error;
  for (const auto& name : fs::directory_iterator(models_dir_, error)) {
    if (!name.is_directory(error)) continue;
    for (const auto& version : fs::directory_iterator(name.path(), error)) {
      const auto dir = version.path().lexically_normal();
      if (reported_.contains(dir)) continue;
      const auto stamp = fs::last_write_time(dir / "model.json", error);
      if (error) continue;   // not (yet) a model
      if (const auto failed = unreadable_.find(dir); failed != unreadable_.end() && failed->second == stamp) continue;
      auto package = readModelPackage(dir);
      if (!package.ok()) {
        spdlog::warn("{}: not registered", package.error().message);
        unreadable_[dir] = stamp;
        continue;
      }
      unreadable_.erase(dir);
      reported_.insert(dir);
      found.push_back(std::move(package).value());
    }
  }
  return found;
}

}  // namespace rrr::infer
