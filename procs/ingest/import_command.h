#pragma once
// `rrr-ingest import FILE... [--symbol S] [--interval I] ...`: argv from "import" on.

namespace rrr::ingest {

int runImportCommand(int argc, char** argv);

}  // namespace rrr::ingest
