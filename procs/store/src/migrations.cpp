#include "store/migrations.h"

#include <spdlog/spdlog.h>

namespace rrr::store {

Result<int, MigrationError> schemaVersion(Database& db) {
  auto statement = db.prepare("PRAGMA user_version");
  if (!statement.ok()) return makeError(MigrationError::kFailed, statement.error().message);
  auto row = statement->step();
  if (!row.ok() || !row.value()) return makeError(MigrationError::kFailed, "cannot read PRAGMA user_version");
  return static_cast<int>(statement->columnInt(0));
}

Status<MigrationError> migrate(Database& db, const std::string& path, const std::vector<Migration>& migrations) {
  RRR_ASSIGN_OR_RETURN(const int current, schemaVersion(db));
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return makeError(MigrationError::kNewerSchema, path + " has schema version " + std::to_string(current) +
                                                       ", newer than this binary knows (" + std::to_string(latest) +
                                                       "); upgrade rrr or restore an older backup");
  }
  for (const auto& migration : migrations) {
    if (migration.version <= current) continue;
    const std::string sql = std::string("BEGIN IMMEDIATE;\n") + migration.sql + "\nPRAGMA user_version = " +
                            std::to_string(migration.version) + ";\nCOMMIT;";
    if (auto status = db.exec(sql); !status.ok()) {
      (void)db.exec("ROLLBACK");
      return makeError(MigrationError::kFailed, path + ": migration " + migration.name + " failed: " + status.error().message);
    }
    spdlog::info("{}: applied migration {}", path, migration.name);
  }
  return {};
}

}  // namespace rrr::store
