#include "ingest/store_resume.h"

#include <nlohmann/json.hpp>

#include <fstream>

#include "common/os/durable_file.h"

namespace rrr::ingest {

using nlohmann::json;

Result<LastStoredBars, std::string> readLastStoredBars(const std::filesystem::path& db_dir,
                                                       const std::vector<std::pair<std::string, std::int64_t>>& series) {
  LastStoredBars bars;
  for (const auto& [symbol, interval_s] : series) {
    auto last = store::lastStoredBar(db_dir, symbol, interval_s);
    if (!last.ok()) return makeError("the bars stored in " + db_dir.string() + ": " + last.error().message);
    if (*last) bars[{symbol, interval_s}] = std::move(**last);
  }
  return bars;
}

Result<int, std::string> moveBackToEngine(const std::filesystem::path& db_dir, const EnginePoint& engine, LastStoredBars& places) {
  int moved = 0;
  for (auto place = places.begin(); place != places.end();) {
    const auto& [symbol, interval_s] = place->first;
    const std::int64_t interval_ns = interval_s * 1'000'000'000;
    const auto after = engine.resumeAfter(symbol, interval_s);
    if (after && *after >= place->second.open_time_ns + interval_ns) {
      ++place;
      continue;
    }
    ++moved;
    std::vector<store::StoredBar> found;
    if (after) {
      auto bars = store::readBars(db_dir, symbol, interval_s, *after - interval_ns, *after - interval_ns + 1);
      if (!bars.ok()) return makeError("the bars stored in " + db_dir.string() + ": " + bars.error().message);
      found = std::move(bars).value();
    }
    if (found.empty()) {
      place = places.erase(place);
    } else {
      place->second = std::move(found.front());
      ++place;
    }
  }
  return moved;
}

Result<ResumePlaces, std::string> resumePlaces(const std::filesystem::path& db_dir, const std::filesystem::path& engine_checkpoint,
                                               const std::vector<std::pair<std::string, std::int64_t>>& series) {
  ResumePlaces resume;
  RRR_ASSIGN_OR_RETURN(resume.places, readLastStoredBars(db_dir, series));
  RRR_ASSIGN_OR_RETURN(const auto engine, readEnginePoint(engine_checkpoint));
  if (engine) {
    RRR_ASSIGN_OR_RETURN(resume.moved_back, moveBackToEngine(db_dir, *engine, resume.places));
  }
  return resume;
}

Status<std::string> writeStoreResume(const std::filesystem::path& path, const StoreResume& resume) {
  json series = json::array();
  for (const auto& [key, bar] : resume.last_stored) {
    series.push_back({{"symbol", bar.symbol}, {"interval_s", bar.interval_s}, {"open_time_ns", bar.open_time_ns}, {"open_e8", bar.open_e8},
                      {"high_e8", bar.high_e8}, {"low_e8", bar.low_e8}, {"close_e8", bar.close_e8}, {"volume_e8", bar.volume_e8}});
  }
  // The instance as text: JSON readers elsewhere may hold numbers as doubles.
  const json document{{"version", 1}, {"ring_instance", std::to_string(resume.ring_instance)}, {"last_stored", series}};
  return os::replaceFileDurably(path, document.dump(2) + "\n");
}

Result<std::optional<StoreResume>, std::string> readStoreResume(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::optional<StoreResume>();
  try {
    const auto document = json::parse(in);
    if (document.at("version").get<int>() != 1) return makeError(path.string() + ": version " + document.at("version").dump() + " is not 1");
    StoreResume resume;
    resume.ring_instance = std::stoull(document.at("ring_instance").get<std::string>());
    for (const auto& entry : document.at("last_stored")) {
      store::StoredBar bar{entry.at("symbol").get<std::string>(), entry.at("interval_s").get<std::int64_t>(),
                           entry.at("open_time_ns").get<std::int64_t>(), entry.at("open_e8").get<std::int64_t>(),
                           entry.at("high_e8").get<std::int64_t>(), entry.at("low_e8").get<std::int64_t>(),
                           entry.at("close_e8").get<std::int64_t>(), entry.at("volume_e8").get<std::int64_t>(), 0, 0};
      resume.last_stored[{bar.symbol, bar.interval_s}] = std::move(bar);
    }
    return std::optional<StoreResume>(std::move(resume));
  } catch (const std::exception& error) {
    return makeError(path.string() + ": " + error.what());
  }
}

}  // namespace rrr::ingest
