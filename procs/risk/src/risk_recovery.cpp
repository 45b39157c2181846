#include "risk/risk_recovery.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "common/messages/envelope.h"

namespace rrr::risk {
namespace {

// Calls visit(sequence, envelope) from the newest message back, until it returns false.
template <class Visit>
void scanBack(const ring::RingSegment& segment, Visit visit) {
  const std::uint64_t published = segment.published();
  for (std::uint64_t n = 0; n < kRecoveryScan && n < published; ++n) {
    const std::uint64_t sequence = published - 1 - n;
    const auto bytes = segment.copyPublished(sequence);
    if (!bytes) break;   // overwritten: nothing older is left either
    const auto decoded = messages::decode(*bytes);
    if (!decoded.ok()) continue;
    if (!visit(sequence, *decoded.value())) break;
  }
}

}  // namespace

void recoverFromRings(const ring::RingSegment& exec, const ring::RingSegment& decisions, const ring::RingSegment& intents,
                      AccountTracker& account, RiskGate& gate) {
  scanBack(exec, [&](std::uint64_t, const msg::Envelope& envelope) {
    if (const auto* snapshot = envelope.body_as_PortfolioSnapshot()) {
      account.onSnapshot(*snapshot);
      return false;
    }
    return true;
  });
  struct Approved {
    bool pending;   // after the last decision the snapshot reflects
    std::uint64_t sequence;
    std::int64_t time_ns;
    std::string symbol;
    std::int64_t signed_quantity_e8;
  };
  std::vector<Approved> approved;   // newest first
  std::int64_t newest_ns = -1;
  scanBack(decisions, [&](std::uint64_t sequence, const msg::Envelope& envelope) {
    const auto* decision = envelope.body_as_RiskDecision();
    if (decision == nullptr) return true;
    if (newest_ns < 0) newest_ns = envelope.event_time_ns();
    const bool applied = account.decisionsApplied() && sequence <= *account.decisionsApplied();
    const bool in_window = envelope.event_time_ns() > newest_ns - kOrdersPerMinuteWindowNs;
    if (applied && !in_window) return false;
    if (!decision->approved() || !envelope.cause_sequence()) return true;
    const auto intent_bytes = intents.copyPublished(*envelope.cause_sequence());
    if (!intent_bytes) return true;
    const auto intent_envelope = messages::decode(*intent_bytes);
    if (!intent_envelope.ok()) return true;
    const auto* intent = intent_envelope.value()->body_as_OrderIntent();
    if (intent == nullptr || intent->action() == msg::IntentAction::Cancel) return true;
    const std::int64_t quantity = intent->side() == msg::Side::Buy ? intent->quantity_e8() : -intent->quantity_e8();
    approved.push_back({!applied, sequence, envelope.event_time_ns(), intent->symbol()->str(), quantity});
    return true;
  });
  std::size_t pending = 0, recent = 0;
  for (auto it = approved.rbegin(); it != approved.rend(); ++it) {
    if (it->pending) {
      account.onApproved(it->sequence, it->symbol, it->signed_quantity_e8);
      ++pending;
    }
    if (it->time_ns > newest_ns - kOrdersPerMinuteWindowNs) {
      gate.noteApproved(it->time_ns);
      ++recent;
    }
  }
  spdlog::info("recovered from the rings: {} snapshot, {} approved orders not yet in it, {} approvals in the last minute",
               account.seenSnapshot() ? "the latest" : "no", pending, recent);
}

}  // namespace rrr::risk
