#pragma once
// The engine's checkpoint: the TradingCore's state and where on each ring it stands, written as
// JSON to data/engine/checkpoint.json (replaced durably, common/os/durable_file.h: a process killed
// or a machine cut off at any instant leaves the old or the new checkpoint, never a mix).
//
// rrr-engine writes it on a thread of its own (checkpoint_writer.h). Inputs are committed on
// their rings only after a checkpoint holding them is written, so the
// rings keep every message since the last checkpoint: a restarted engine restores the checkpoint
// and replays those messages, which reproduces what it had published after it (TradingCore is
// deterministic); it publishes only what goes beyond what the output rings already hold.
//
// rrr-ingest reads two fields of it, core.last_bar_close and core.last_prediction, to resume a
// feed on a ring made anew no later than this state (ingest/engine_point.h): keep their meaning.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"
#include "engine/trading_core.h"

namespace rrr::engine {

struct RingPosition {
  std::uint64_t instance = 0;   // the ring segment's instance id: another id is another ring
  std::uint64_t next = 0;       // next sequence to read (inputs) or to publish (outputs)
};

struct EngineCheckpoint {
  std::map<std::string, RingPosition> rings;
  std::optional<std::uint64_t> decisions_applied;
  TradingCore::State core;
};

std::string checkpointToJson(const EngineCheckpoint& checkpoint);
// An error names what is missing or malformed.
Result<EngineCheckpoint, std::string> checkpointFromJson(const std::string& text);

Status<std::string> writeCheckpoint(const std::filesystem::path& path, const EngineCheckpoint& checkpoint);
// Nothing if there is no checkpoint file; an error if it cannot be read or parsed.
Result<std::optional<EngineCheckpoint>, std::string> readCheckpoint(const std::filesystem::path& path);

}  // namespace rrr::engine
