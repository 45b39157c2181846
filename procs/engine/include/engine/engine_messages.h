#pragma once
// The engine's outputs as messages: OrderIntents on the intent ring; Orders, OrderUpdates, Fills
// and PortfolioSnapshots on the exec ring. Each message has a replay key (type, id, event time)
// by which a restarted engine checks that what it regenerates is what the ring already holds.

#include <optional>
#include <string>

#include "common/process/streams.h"
#include "engine/trading_core.h"

namespace rrr::engine {

ring::PublishStatus publishIntent(process::OutputStream& out, const IntentOut& intent);
// decisions_applied goes into snapshots (rrr-risk counts its decisions after it as pending).
ring::PublishStatus publishExec(process::OutputStream& out, const ExecRecord& record, std::optional<std::uint64_t> decisions_applied);

// Encodes every message of output with the streams' own builders and warms the ring slots they
// would go to, publishing nothing (OutputStream::rehearse): the encoding code, the builders and
// the slots are warm when the real output comes.
void rehearseOutput(const CoreOutput& output, process::OutputStream& intents, process::OutputStream& exec);

std::string replayKey(const IntentOut& intent);
std::string replayKey(const ExecRecord& record);
std::string replayKey(const msg::Envelope& envelope);

}  // namespace rrr::engine
