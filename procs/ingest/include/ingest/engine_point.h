#pragma once
// Where rrr-engine's durable state stands on md, read from its checkpoint
// (data/engine/checkpoint.json, engine/engine_checkpoint.h): per series, the close time of the
// last bar that state reflects, and per symbol, that of the last prediction it took.
//
// After a power cut the store may hold bars the checkpoint does not reflect (the store commits as
// it reads, the engine checkpoints once a second). On a ring made anew the feed resumes at the
// earlier of the two places, so that the engine, and rrr-infer for the predictions the engine
// has not taken, see again every bar after its checkpoint; the store keeps each bar once.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"

namespace rrr::ingest {

struct EnginePoint {
  std::map<std::string, std::int64_t> last_bar_close;    // "SYMBOL/interval_s" -> close time (ns)
  std::map<std::string, std::int64_t> last_prediction;   // symbol -> close time of its bar (ns)

  // The close time after which the feed must publish the series again for the engine: its last
  // bar, or the bar before it when the engine took that one's prediction but not yet the last's
  // (so that rrr-infer makes it again). Nothing when the engine never saw the series: from its start.
  std::optional<std::int64_t> resumeAfter(const std::string& symbol, std::int64_t interval_s) const;
};

// Nothing if there is no checkpoint (an engine that never wrote one has nothing to catch up on);
// an error names the file and what is wrong in it.
Result<std::optional<EnginePoint>, std::string> readEnginePoint(const std::filesystem::path& checkpoint);

}  // namespace rrr::ingest
