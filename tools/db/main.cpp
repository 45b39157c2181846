// rrr-db: inspect, query, back up, restore and maintain rrr's SQLite files (README: rrr-db).
#include <CLI/CLI.hpp>

#include "db_commands.h"
#include "ingest/history_import.h"
#include "ingest/import_cli.h"
#include "supervisor/config.h"

int main(int argc, char** argv) {
  CLI::App app{"rrr-db: inspect, query, back up and restore rrr's databases"};
  app.require_subcommand(1);
  std::filesystem::path config_path = "config/rrr.yml";
  app.add_option("--config", config_path, "config file, for the data and run folders")->capture_default_str();
  std::string database = "trading";
  std::string sql;
  std::string format = "table";
  std::string kind = "daily";
  std::string symbol;
  long long interval = 60;
  long long from = 0;
  long long to = 4'102'444'800;  // 2100-01-01
  std::filesystem::path folder;
  auto* status = app.add_subcommand("status", "files, sizes, row counts, WAL size, schema version, backups");
  auto* query = app.add_subcommand("query", "read-only SQL");
  query->add_option("sql", sql)->required();
  query->add_option("--db", database, "trading, backtest or market_data_YYYY_MM")->capture_default_str();
  query->add_option("--format", format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
  std::string table;
  std::filesystem::path out;
  auto* exporter = app.add_subcommand("export", "a whole table as CSV");
  exporter->add_option("table", table)->required();
  exporter->add_option("--db", database, "trading, backtest or market_data_YYYY_MM")->capture_default_str();
  exporter->add_option("--out", out, "file (default: standard output)");
  rrr::ingest::ImportOptions import_options;
  auto* importer = app.add_subcommand("import", "market data files into market_data (as `rrr-ingest import`; rrr must be stopped)");
  rrr::ingest::addImportOptions(*importer, import_options);
  auto* bars = app.add_subcommand("bars", "bars of one symbol across monthly files, as CSV");
  bars->add_option("symbol", symbol)->required();
  bars->add_option("--interval", interval, "seconds")->capture_default_str();
  bars->add_option("--from", from, "unix seconds")->capture_default_str();
  bars->add_option("--to", to, "unix seconds")->capture_default_str();
  auto* backup = app.add_subcommand("backup", "online backup of every database, verified, with retention");
  backup->add_option("--kind", kind)->check(CLI::IsMember({"daily", "weekly", "monthly"}))->capture_default_str();
  auto* restore = app.add_subcommand("restore", "restore a backup folder (rrr must be stopped)");
  restore->add_option("folder", folder)->required();
  auto* verify = app.add_subcommand("verify", "PRAGMA integrity_check of every database");
  auto* verify_audit = app.add_subcommand("verify-audit", "check the audit log's hash chain for edited or removed records");
  auto* optimize = app.add_subcommand("optimize", "ANALYZE and PRAGMA optimize (rrr must be stopped)");
  auto* vacuum = app.add_subcommand("vacuum", "VACUUM every database (rrr must be stopped)");
  CLI11_PARSE(app, argc, argv);

  const auto self_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  auto config = rrr::supervisor::loadConfig(config_path, self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-db: %s\n", config.error().message.c_str());
    return 2;
  }
  const rrr::db::DbPaths paths{config->data_dir / "db", config->backup_dir, config->run_dir};
  const auto output = format == "json" ? rrr::db::OutputFormat::kJson
                      : format == "csv" ? rrr::db::OutputFormat::kCsv
                                        : rrr::db::OutputFormat::kTable;
  if (status->parsed()) return rrr::db::statusCommand(paths);
  if (query->parsed()) return rrr::db::queryCommand(paths, database, sql, output);
  if (importer->parsed()) {
    auto request = rrr::ingest::importRequestOf(import_options);
    if (!request.ok()) {
      std::fprintf(stderr, "rrr-db import: %s\n", request.error().message.c_str());
      return 2;
    }
    return rrr::ingest::importHistory(paths.db_dir, paths.run_dir, import_options.files, request.value());
  }
  if (exporter->parsed()) return rrr::db::exportCommand(paths, database, table, out);
  if (bars->parsed()) return rrr::db::barsCommand(paths, symbol, interval, from, to);
  if (backup->parsed()) return rrr::db::backupCommand(paths, kind);
  if (restore->parsed()) return rrr::db::restoreCommand(paths, folder);
  if (verify->parsed()) return rrr::db::verifyCommand(paths);
  if (verify_audit->parsed()) return rrr::db::verifyAuditCommand(paths);
  if (optimize->parsed()) return rrr::db::maintainCommand(paths, "optimize");
  if (vacuum->parsed()) return rrr::db::maintainCommand(paths, "vacuum");
  return 2;
}
