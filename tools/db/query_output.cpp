#include "query_output.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace rrr::db {
namespace {

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

nlohmann::json jsonValue(const store::Statement& statement, int column) {
  switch (statement.columnType(column)) {
    case SQLITE_INTEGER: return statement.columnInt(column);
    case SQLITE_FLOAT: return statement.columnDouble(column);
    case SQLITE_NULL: return nullptr;
    default: return statement.columnText(column);
  }
}

std::string cellText(const store::Statement& statement, int column) {
  return statement.columnType(column) == SQLITE_NULL ? "NULL" : statement.columnText(column);
}

}  // namespace

bool printRows(store::Statement& statement, OutputFormat format) {
  const int columns = statement.columnCount();
  std::vector<std::string> names;
  for (int i = 0; i < columns; ++i) names.push_back(statement.columnName(i));
  std::vector<std::vector<std::string>> table;
  nlohmann::json rows = nlohmann::json::array();
  if (format == OutputFormat::kCsv) {
    std::string header;
    for (int i = 0; i < columns; ++i) header += (i ? "," : "") + csvField(names[i]);
    std::printf("%s\n", header.c_str());
  }
  for (;;) {
    auto row = statement.step();
    if (!row.ok()) {
      std::fprintf(stderr, "rrr-db: %s\n", row.error().message.c_str());
      return false;
    }
    if (!row.value()) break;
    if (format == OutputFormat::kJson) {
      nlohmann::json object;
      for (int i = 0; i < columns; ++i) object[names[i]] = jsonValue(statement, i);
      rows.push_back(std::move(object));
    } else if (format == OutputFormat::kCsv) {
      std::string line;
      for (int i = 0; i < columns; ++i) line += (i ? "," : "") + (statement.columnType(i) == SQLITE_NULL ? "" : csvField(statement.columnText(i)));
      std::printf("%s\n", line.c_str());
    } else {
      std::vector<std::string> cells;
      for (int i = 0; i < columns; ++i) cells.push_back(cellText(statement, i));
      table.push_back(std::move(cells));
    }
  }
  if (format == OutputFormat::kJson) std::printf("%s\n", rows.dump(2).c_str());
  if (format != OutputFormat::kTable) return true;
  std::vector<std::size_t> widths(names.size());
  for (int i = 0; i < columns; ++i) widths[i] = names[i].size();
  for (const auto& cells : table) {
    for (int i = 0; i < columns; ++i) widths[i] = std::max(widths[i], cells[i].size());
  }
  auto print = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (int i = 0; i < columns; ++i) line += (i ? "  " : "") + cells[i] + std::string(widths[i] - cells[i].size(), ' ');
    std::printf("%s\n", line.c_str());
  };
  print(names);
  for (const auto& cells : table) print(cells);
  std::printf("(%zu rows)\n", table.size());
  return true;
}

}  // namespace rrr::db
