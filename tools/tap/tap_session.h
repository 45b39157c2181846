#pragma once
// One rrr-tap run: subscribes to every tap socket of a run directory (and any extra endpoints),
// verifies each frame and prints it as a JSON line, or prints message rates per topic.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rrr::tap {

struct TapOptions {
  std::filesystem::path run_dir;
  std::vector<std::string> endpoints;   // in addition to run_dir/tap-*.sock
  std::vector<std::string> topics;      // message type names; empty: all
  std::uint64_t count = 0;              // stop after this many messages; 0: never
  bool stats = false;                   // rates per topic every second instead of messages
  double seconds = 0;                   // stop after this long; 0: never
};

// Runs until count, seconds, or SIGINT/SIGTERM. Returns the exit code.
int runTap(const TapOptions& options);

}  // namespace rrr::tap
