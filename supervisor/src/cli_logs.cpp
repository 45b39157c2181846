#include <sys/stat.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <thread>

#include "supervisor/commands.h"
#include "supervisor/config.h"

namespace rrr::supervisor {
namespace {

// Prints from `offset` to the end; returns the new offset.
std::uint64_t printFrom(const std::filesystem::path& path, std::uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  char buffer[8192];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    std::fwrite(buffer, 1, static_cast<std::size_t>(in.gcount()), stdout);
    offset += static_cast<std::uint64_t>(in.gcount());
  }
  std::fflush(stdout);
  return offset;
}

ino_t inodeOf(const std::filesystem::path& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

}  // namespace

int logsCommand(const CommandOptions& options, const std::string& name, int lines, bool follow) {
  auto config = loadConfig(options.config_path, options.self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", config.error().message.c_str());
    return 2;
  }
  if (name != "supervisor" && config->process(name) == nullptr) {
    std::fprintf(stderr, "rrr-supervisor: no process named '%s' in %s\n", name.c_str(), config->config_path.c_str());
    return 2;
  }
  const auto path = config->log_dir / "system" / (name + ".log");
  std::ifstream in(path);
  if (!in && !follow) {
    std::fprintf(stderr, "rrr-supervisor: no log yet at %s\n", path.c_str());
    return 1;
  }
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  for (const auto& line : tail) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  if (!follow) return 0;
  std::error_code ignored;
  std::uint64_t offset = std::filesystem::file_size(path, ignored);
  ino_t inode = inodeOf(path);
  for (;;) {  // until interrupted
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (inodeOf(path) != inode) {  // rotated: the new file from its start
      inode = inodeOf(path);
      offset = 0;
    }
    offset = printFrom(path, offset);
  }
}

}  // namespace rrr::supervisor
