#pragma once
// Replacing a small file so that a crash or a power cut at any instant leaves the old content or
// the new, never a mix or an empty file: the text goes to NAME.new in the same folder, which is
// flushed to the disk (fsync) and renamed over NAME, and then the folder is flushed so that the
// rename itself is on the disk before this returns.

#include <filesystem>
#include <string_view>

#include "common/result.h"

namespace rrr::os {

// Creates the folder if needed. An error names the file and the step that failed; on an error
// NAME is left as it was (a NAME.new may be left behind, and the next call replaces it).
Status<std::string> replaceFileDurably(const std::filesystem::path& path, std::string_view text);

// Flushes a file written by other means (a library's save) to the disk, before a file that
// declares it complete is replaced.
Status<std::string> flushFileToDisk(const std::filesystem::path& path);

// Removes NAME (if there) and flushes the folder, so that the removal is on the disk.
Status<std::string> removeFileDurably(const std::filesystem::path& path);

}  // namespace rrr::os
