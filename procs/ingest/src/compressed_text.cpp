#include "compressed_text.h"

#include <zip.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace rrr::ingest {
namespace {

enum class Packing { kPlain, kGzip, kZip };

Packing packingOf(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  unsigned char magic[4] = {};
  const auto read = file ? std::fread(magic, 1, sizeof(magic), file.get()) : 0;
  if (read == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return Packing::kZip;
  if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Packing::kGzip;
  return Packing::kPlain;
}

Result<std::string, ReadError> readPlain(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return makeError(ReadError::kUnreadable, path.string() + ": cannot open: " + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  std::error_code ignored;
  if (const auto size = std::filesystem::file_size(path, ignored); !ignored) text.reserve(size);
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) text.append(buffer, read);
  if (std::ferror(file.get())) return makeError(ReadError::kUnreadable, path.string() + ": read error: " + std::strerror(errno));
  return text;
}

Result<std::string, ReadError> readGzip(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return makeError(ReadError::kUnreadable, path.string() + ": cannot open");
  gzbuffer(file, 1 << 17);
  std::string text;
  std::error_code ignored;
  if (const auto size = std::filesystem::file_size(path, ignored); !ignored) text.reserve(size);
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

Result<std::string, ReadError> readZip(const std::filesystem::path& path) {
  int error = 0;
  std::unique_ptr<zip_t, int (*)(zip_t*)> archive(zip_open(path.c_str(), ZIP_RDONLY, &error), &zip_close);
  if (!archive) {
    zip_error_t why;
    zip_error_init_with_code(&why, error);
    const std::string message = zip_error_strerror(&why);
    zip_error_fini(&why);
    return makeError(ReadError::kUnreadable, path.string() + ": not a readable zip archive: " + message);
  }
  const auto entries = zip_get_num_entries(archive.get(), 0);
  if (entries != 1) {
    return makeError(ReadError::kUnreadable, path.string() + ": a zip of market data must hold exactly one file; it holds " +
                                                 std::to_string(entries));
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive.get(), 0, 0, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
    return makeError(ReadError::kUnreadable, path.string() + ": cannot read the archive's entry: " + zip_strerror(archive.get()));
  }
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> entry(zip_fopen_index(archive.get(), 0, 0), &zip_fclose);
  if (!entry) return makeError(ReadError::kUnreadable, path.string() + ": cannot open its entry: " + zip_strerror(archive.get()));
  std::string text(stat.size, '\0');
  std::uint64_t done = 0;
  while (done < stat.size) {
    const auto read = zip_fread(entry.get(), text.data() + done, stat.size - done);
    if (read <= 0) {
      return makeError(ReadError::kUnreadable, path.string() + ": cannot decompress " + stat.name + ": " +
                                                   zip_file_strerror(entry.get()));
    }
    done += static_cast<std::uint64_t>(read);
  }
  return text;
}

}  // namespace

Result<std::string, ReadError> readCompressedText(const std::filesystem::path& path) {
  switch (packingOf(path)) {
    case Packing::kZip: return readZip(path);
    case Packing::kGzip: return readGzip(path);
    case Packing::kPlain: break;
  }
  return readPlain(path);
}

}  // namespace rrr::ingest
