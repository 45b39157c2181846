#pragma once
// The command-line options of an import, shared by `rrr-ingest import` and `rrr-db import`.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "ingest/history_import.h"

namespace rrr::ingest {

struct ImportOptions {
  std::vector<std::filesystem::path> files;
  std::string symbol, interval, format, columns, time_unit = "auto", delimiter = ",";
  bool no_header = false;
  std::vector<std::string> aggregate, validation;
};

void addImportOptions(CLI::App& command, ImportOptions& options);
// The request the options describe, or an error naming the option that is wrong.
Result<ImportRequest, std::string> importRequestOf(const ImportOptions& options);

}  // namespace rrr::ingest
