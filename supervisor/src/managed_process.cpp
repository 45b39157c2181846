#include "managed_process.h"

namespace rrr::supervisor {

msg::ProcessState toProcessState(ProcessPhase phase) {
  switch (phase) {
    case ProcessPhase::kStopped: return msg::ProcessState::Stopped;
    case ProcessPhase::kStarting: return msg::ProcessState::Starting;
    case ProcessPhase::kReady: return msg::ProcessState::Ready;
    case ProcessPhase::kStopping: return msg::ProcessState::Stopping;
    case ProcessPhase::kBackingOff: return msg::ProcessState::Failed;
    case ProcessPhase::kGivenUp: return msg::ProcessState::GivenUp;
  }
  return msg::ProcessState::Failed;
}

const char* toString(ProcessPhase phase) {
  switch (phase) {
    case ProcessPhase::kStopped: return "stopped";
    case ProcessPhase::kStarting: return "starting";
    case ProcessPhase::kReady: return "ready";
    case ProcessPhase::kStopping: return "stopping";
    case ProcessPhase::kBackingOff: return "backing-off";
    case ProcessPhase::kGivenUp: return "given-up";
  }
  return "unknown";
}

}  // namespace rrr::supervisor
