#pragma once
// A whole file as it is on disk: a log, a written data file, a unit file. Empty if it cannot be
// opened (a log not written yet reads as no text).

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace rrr::testing {

inline std::string fileText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace rrr::testing
