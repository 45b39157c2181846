#pragma once
// The append-only audit log of trading.db (order intents, risk decisions; later kill-switch
// changes, config changes and process restarts).
//
// Record n: hash_n = SHA-256 hex of "hash_{n-1}|n|time_ns|kind|subject|detail", hash_0 being 64
// zeros. audit_head holds the newest id and hash. verifyAuditChain() recomputes every hash and
// finds an edited record (its hash no longer matches), a removed one (a gap in the ids, or a
// broken link) and a removed tail (the head points past the last record).

#include <cstdint>
#include <optional>
#include <string>

#include "store/sqlite.h"

namespace rrr::store {

std::string auditHash(const std::string& previous_hash, std::int64_t id, std::int64_t time_ns, const std::string& kind,
                      const std::string& subject, const std::string& detail);

class AuditLog {
 public:
  // Reads the head of db's chain. The log must be reloaded after a rolled-back transaction.
  static Result<AuditLog, SqlError> load(Database& db);

  // Appends one record inside the caller's open transaction.
  Status<SqlError> append(Database& db, std::int64_t time_ns, const std::string& kind, const std::string& subject,
                          const std::string& detail);

 private:
  AuditLog(std::int64_t last_id, std::string last_hash) : last_id_(last_id), last_hash_(std::move(last_hash)) {}
  std::int64_t last_id_;
  std::string last_hash_;
};

struct AuditVerdict {
  std::int64_t records = 0;
  std::optional<std::string> problem;   // the first problem found, naming the record
};

Result<AuditVerdict, SqlError> verifyAuditChain(Database& db);

}  // namespace rrr::store
