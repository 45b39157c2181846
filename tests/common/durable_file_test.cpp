#include "common/os/durable_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace rrr::os {
namespace {

namespace fs = std::filesystem;

std::string textOf(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class DurableFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rrr-durable-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(DurableFile, ReplacesTheContentCreatingTheFolderAndLeavesNoTemporary) {
  const auto path = dir_ / "sub" / "state.json";
  ASSERT_TRUE(replaceFileDurably(path, "first").ok());
  ASSERT_TRUE(replaceFileDurably(path, "second, longer").ok());
  EXPECT_EQ(textOf(path), "second, longer");
  ASSERT_TRUE(replaceFileDurably(path, "").ok());
  EXPECT_EQ(textOf(path), "");
  EXPECT_FALSE(fs::exists(path.string() + ".new"));
}

// A write that fails part way (here the file size limit, as a full disk would) leaves the old
// content in place and says which file and step failed.
TEST_F(DurableFile, AFailedWriteLeavesTheOldContent) {
  const auto path = dir_ / "checkpoint.json";
  ASSERT_TRUE(replaceFileDurably(path, "old").ok());
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = ::signal(SIGXFSZ, SIG_IGN);   // the write then fails with EFBIG
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto status = replaceFileDurably(path, std::string(10'000, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, previous);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("checkpoint.json.new: cannot write"), std::string::npos) << status.error().message;
  EXPECT_EQ(textOf(path), "old");
  ASSERT_TRUE(replaceFileDurably(path, "new").ok()) << "the leftover temporary does not block the next write";
  EXPECT_EQ(textOf(path), "new");
}

TEST_F(DurableFile, ErrorsNameThePathAndTheStep) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "plain") << "a file";
  const auto no_folder = replaceFileDurably(dir_ / "plain" / "state", "x");
  ASSERT_FALSE(no_folder.ok());
  EXPECT_NE(no_folder.error().message.find("plain: cannot create the folder"), std::string::npos) << no_folder.error().message;

  fs::create_directories(dir_ / "taken" / "inside");   // a non-empty folder where the file should go
  const auto over_folder = replaceFileDurably(dir_ / "taken", "x");
  ASSERT_FALSE(over_folder.ok());
  EXPECT_NE(over_folder.error().message.find("taken: cannot be replaced"), std::string::npos) << over_folder.error().message;
  EXPECT_TRUE(fs::is_directory(dir_ / "taken" / "inside"));

  const auto missing = flushFileToDisk(dir_ / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing: cannot open"), std::string::npos) << missing.error().message;
}

TEST_F(DurableFile, RemovalIsDoneOnceAndAMissingFileIsNoError) {
  const auto path = dir_ / "halt";
  ASSERT_TRUE(replaceFileDurably(path, "breach").ok());
  ASSERT_TRUE(removeFileDurably(path).ok());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(removeFileDurably(path).ok());
  EXPECT_TRUE(removeFileDurably(dir_ / "no-such-folder" / "halt").ok());
  fs::create_directories(dir_ / "folder");
  const auto folder = removeFileDurably(dir_ / "folder");
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.error().message.find("folder: cannot remove"), std::string::npos) << folder.error().message;
}

}  // namespace
}  // namespace rrr::os
