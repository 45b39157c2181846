#pragma once
// A whole file as text, decompressed when it is gzip (told by its magic bytes, not its name).

#include <filesystem>
#include <string>

#include "common/result.h"
#include "ingest/ohlcv_readers.h"

namespace rrr::ingest {

Result<std::string, ReadError> readMaybeGzipped(const std::filesystem::path& path);

}  // namespace rrr::ingest
