#pragma once
#include <time.h>
#include <cstdint>
#include <vector>
#include <string>
#include <spdlog/spdlog.h>
namespace probe {
struct Entry { char what; char sym; std::int64_t stamp; std::int64_t now; };
inline std::vector<Entry>& entries() { static std::vector<Entry> e = [] { std::vector<Entry> v; v.reserve(1 << 20); return v; }(); return e; }
inline std::int64_t wall() { timespec ts; clock_gettime(CLOCK_REALTIME, &ts); return ts.tv_sec * 1000000000LL + ts.tv_nsec; }
inline void mark(char what, char sym, std::int64_t stamp) { entries().push_back({what, sym, stamp, wall()}); }
inline void dump() {
  std::string line;
  std::int64_t base = 0;
  for (auto& e : entries()) {
    if (e.what == 'b' && (base == 0 || e.stamp - base > 50000000)) { if (!line.empty()) spdlog::info("PROBE {}", line); line.clear(); base = e.stamp; }
    if (base == 0) continue;
    if (e.stamp == 0) line += fmt::format(" {}:{:.1f}", e.what, static_cast<double>(e.now - base) / 1e3); else line += fmt::format(" {}{}:{:.1f}/{:.1f}", e.what, e.sym, static_cast<double>(e.stamp - base) / 1e3, static_cast<double>(e.now - base) / 1e3);
  }
  if (!line.empty()) spdlog::info("PROBE {}", line);
  entries().clear();
}
}
