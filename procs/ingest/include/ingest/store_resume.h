#pragma once
// Where a feed on a ring made anew (a reboot cleared /dev/shm, or `rrr-supervisor remove-rings`)
// resumes: per series, the last bar the store held when the ring was made, or the engine's
// checkpoint's place if that is earlier (engine_point.h). They are kept in
// data/ingest/resume.json with the ring's instance id, so that a restart on the same ring filters
// the source as the first run did, and the ring's count of messages places it again.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "ingest/engine_point.h"
#include "store/market_reader.h"

namespace rrr::ingest {

// (symbol, interval_s) -> the last bar stored.
using LastStoredBars = std::map<std::pair<std::string, std::int64_t>, store::StoredBar>;

struct StoreResume {
  std::uint64_t ring_instance = 0;   // ring md's instance these points were read for
  LastStoredBars last_stored;
};

// The last bar the store holds of each (symbol, interval) asked for.
Result<LastStoredBars, std::string> readLastStoredBars(const std::filesystem::path& db_dir,
                                                       const std::vector<std::pair<std::string, std::int64_t>>& series);

// Moves each series' place back to the engine's (EnginePoint::resumeAfter) where the store holds
// bars after it: to the stored bar that closes there, or, when the engine has no place for the
// series or the store lacks that bar, to nothing (the series from its start). Returns how many
// series it moved.
Result<int, std::string> moveBackToEngine(const std::filesystem::path& db_dir, const EnginePoint& engine, LastStoredBars& places);

struct ResumePlaces {
  LastStoredBars places;
  int moved_back = 0;   // series moved back to the engine's checkpoint
};

// Where a feed on a ring made anew resumes: readLastStoredBars, then moveBackToEngine with the
// engine's checkpoint if there is one.
Result<ResumePlaces, std::string> resumePlaces(const std::filesystem::path& db_dir, const std::filesystem::path& engine_checkpoint,
                                               const std::vector<std::pair<std::string, std::int64_t>>& series);

// Written durably (common/os/durable_file.h); an error names the file.
Status<std::string> writeStoreResume(const std::filesystem::path& path, const StoreResume& resume);
// Nothing if there is no file; an error names the file and what is wrong in it.
Result<std::optional<StoreResume>, std::string> readStoreResume(const std::filesystem::path& path);

}  // namespace rrr::ingest
