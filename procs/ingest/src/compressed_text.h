#pragma once
// A whole file as text, decompressed when it is gzip or a zip archive (told by magic bytes, not by
// name). A zip must hold exactly one file, as Binance's public-data archives do.

#include <filesystem>
#include <string>

#include "common/result.h"
#include "ingest/market_file.h"

namespace rrr::ingest {

Result<std::string, ReadError> readCompressedText(const std::filesystem::path& path);

}  // namespace rrr::ingest
