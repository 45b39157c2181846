#pragma once
// Printing a query's rows as an aligned table, JSON (an array of objects) or CSV (RFC 4180).

#include <string>
#include <vector>

#include "db_commands.h"
#include "store/sqlite.h"

namespace rrr::db {

// Steps statement to the end and prints every row. Returns false on a SQLite error (printed).
bool printRows(store::Statement& statement, OutputFormat format);

}  // namespace rrr::db
