#pragma once
// The store's writes, one function per kind of row. Inserts of messages that have a natural key
// (a bar's symbol, interval and open time; an order's client id) do nothing when the row exists,
// so a message delivered again after a feed's replay or a ring's recreation is stored once.

#include <cstdint>
#include <optional>
#include <string>

#include "common/messages/envelope.h"
#include "store/sqlite.h"

namespace rrr::store {

Status<SqlError> insertBar(Database& db, const msg::Bar& bar, std::int64_t ring_instance, std::uint64_t sequence);
Status<SqlError> insertTrade(Database& db, const msg::Trade& trade, std::int64_t ring_instance, std::uint64_t sequence);

// Predictions, order intents, risk decisions, risk events, alerts and process events (the last two
// from the supervisor's system ring); other types are logged as not stored yet.
Status<SqlError> insertTradingRow(Database& db, const msg::Envelope& envelope, std::int64_t ring_instance,
                                  std::uint64_t sequence);

// What the audit log records of a message, for the kinds it records: order intents, risk
// decisions, kill-switch changes (RiskEvent, rule KillSwitch), config reloads, process restarts and
// processes given up.
struct AuditEntry {
  std::string kind, subject, detail;
};
std::optional<AuditEntry> auditEntryFor(const msg::Envelope& envelope);

Status<SqlError> upsertCursor(Database& db, const std::string& ring, std::int64_t ring_instance, std::uint64_t last_sequence);

}  // namespace rrr::store
