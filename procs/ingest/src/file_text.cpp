#include "file_text.h"

#include <zlib.h>

namespace rrr::ingest {

Result<std::string, ReadError> readMaybeGzipped(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files as they are, too
  if (file == nullptr) return makeError(ReadError::kUnreadable, path.string() + ": cannot open");
  std::string text;
  char buffer[1 << 16];
  int read = 0;
  while ((read = gzread(file, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<std::size_t>(read));
  int error = Z_OK;
  const char* message = gzerror(file, &error);
  const std::string why = message != nullptr ? message : "";
  gzclose(file);
  if (read < 0 || (error != Z_OK && error != Z_STREAM_END)) {
    return makeError(ReadError::kUnreadable, path.string() + ": cannot decompress: " + why);
  }
  return text;
}

}  // namespace rrr::ingest
