#pragma once
// The decisions rrr-risk took before the rings were made anew (a reboot, a power cut), as the
// store holds them: risk_decisions, with each intent in order_intents.
//
// On new rings the engine regenerates the intents since its checkpoint, and rrr-risk decided some
// of them already. A fresh process would decide them again with state it no longer has (its
// orders-per-minute window starts empty), and could decide otherwise: the engine would then act on
// a decision the store does not hold (it keeps the first). So an intent the store holds a decision
// for, the very same intent (id, symbol, action, side, type, quantity, prices and decision time),
// gets that decision again. The store keeps decisions in ring order, so the first intent it has
// none for ends the lookups: every later one is new too. rrr-risk looks at every start (one lookup
// when nothing is regenerated): a restart of rrr-risk while the engine still regenerates finds a
// decision ring holding only part of what was decided.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "risk/risk_gate.h"
#include "store/sqlite.h"

namespace rrr::risk {

struct PriorDecision {
  Verdict verdict;
  // Approved new orders decided just before this one, within the minute of event time before it:
  // decision times, for the orders-per-minute window (oldest first).
  std::vector<std::int64_t> approvals_before;
};

class PriorDecisions {
 public:
  PriorDecisions() = default;   // none: nothing is looked up
  // None when trading.db does not exist yet; an error names the file when it cannot be read.
  static Result<PriorDecisions, std::string> open(const std::filesystem::path& trading_db);

  bool active() const { return db_.has_value(); }
  // The stored decision of this intent. nullopt, or an error, ends the lookups (active() turns false).
  Result<std::optional<PriorDecision>, std::string> find(const IntentView& intent);
  std::uint64_t found() const { return found_; }

 private:
  explicit PriorDecisions(store::Database db) : db_(std::move(db)) {}
  Result<std::optional<PriorDecision>, std::string> lookUp(const IntentView& intent);

  std::optional<store::Database> db_;
  std::filesystem::path path_;
  std::uint64_t found_ = 0;
};

}  // namespace rrr::risk
