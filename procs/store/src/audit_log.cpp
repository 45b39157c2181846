#include "store/audit_log.h"

#include <openssl/evp.h>

#include <cstdio>

namespace rrr::store {
namespace {

const std::string kGenesisHash(64, '0');

}  // namespace

std::string auditHash(const std::string& previous_hash, std::int64_t id, std::int64_t time_ns, const std::string& kind,
                      const std::string& subject, const std::string& detail) {
  const std::string text = previous_hash + "|" + std::to_string(id) + "|" + std::to_string(time_ns) + "|" + kind + "|" +
                           subject + "|" + detail;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof(byte), "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

Result<AuditLog, SqlError> AuditLog::load(Database& db) {
  RRR_ASSIGN_OR_RETURN(auto head, db.prepare("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1"));
  RRR_ASSIGN_OR_RETURN(const bool found, head.step());
  if (!found) return AuditLog(0, kGenesisHash);
  return AuditLog(head.columnInt(0), head.columnText(1));
}

Status<SqlError> AuditLog::append(Database& db, std::int64_t time_ns, const std::string& kind, const std::string& subject,
                                  const std::string& detail) {
  const std::int64_t id = last_id_ + 1;
  const auto hash = auditHash(last_hash_, id, time_ns, kind, subject, detail);
  RRR_ASSIGN_OR_RETURN(auto* insert, db.cached("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?)"));
  RRR_RETURN_IF_ERROR(insert->bind(1, id).bind(2, time_ns).bind(3, kind).bind(4, subject).bind(5, detail)
                          .bind(6, last_hash_).bind(7, hash).run());
  RRR_ASSIGN_OR_RETURN(auto* head, db.cached(
      "INSERT INTO audit_head VALUES (1, ?, ?) ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, "
      "last_hash = excluded.last_hash"));
  RRR_RETURN_IF_ERROR(head->bind(1, id).bind(2, hash).run());
  last_id_ = id;
  last_hash_ = hash;
  return {};
}

Result<AuditVerdict, SqlError> verifyAuditChain(Database& db) {
  AuditVerdict verdict;
  RRR_ASSIGN_OR_RETURN(auto records, db.prepare(
      "SELECT id, time_ns, kind, COALESCE(subject, ''), detail, previous_hash, hash FROM audit_log ORDER BY id"));
  std::int64_t expected_id = 1;
  std::string previous = kGenesisHash;
  for (auto row = records.step(); row.ok() && row.value(); row = records.step()) {
    const std::int64_t id = records.columnInt(0);
    const auto fail = [&](const std::string& what) {
      verdict.problem = "audit record " + std::to_string(id) + ": " + what;
    };
    if (id != expected_id) {
      fail("expected record " + std::to_string(expected_id) + " here; records " + std::to_string(expected_id) + ".." +
           std::to_string(id - 1) + " were removed");
    } else if (records.columnText(5) != previous) {
      fail("does not link to the record before it (that one was edited or replaced)");
    } else if (auditHash(previous, id, records.columnInt(1), records.columnText(2), records.columnText(3),
                         records.columnText(4)) != records.columnText(6)) {
      fail("was edited (its hash no longer matches its content)");
    }
    if (verdict.problem) return verdict;
    previous = records.columnText(6);
    ++expected_id;
    ++verdict.records;
  }
  RRR_ASSIGN_OR_RETURN(auto head, db.prepare("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1"));
  RRR_ASSIGN_OR_RETURN(const bool has_head, head.step());
  const std::int64_t head_id = has_head ? head.columnInt(0) : 0;
  if (head_id != verdict.records || (has_head && head.columnText(1) != previous)) {
    verdict.problem = "the audit head names record " + std::to_string(head_id) + " but the log ends at record " +
                      std::to_string(verdict.records) + ": the newest records were removed or replaced";
  }
  return verdict;
}

}  // namespace rrr::store
