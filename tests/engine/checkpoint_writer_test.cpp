// CheckpointWriter: rrr-engine's checkpoints written on a thread of their own, and the outcome
// handed back once, so that the inputs are committed only after the file is on disk.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "engine/checkpoint_writer.h"

namespace rrr::engine {
namespace {

namespace fs = std::filesystem;

fs::path freshFolder(const std::string& name) {
  const auto folder = fs::temp_directory_path() / ("rrr-checkpoint-writer-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(folder);
  return folder;
}

EngineCheckpoint checkpointAt(std::uint64_t next) {
  EngineCheckpoint checkpoint;
  checkpoint.rings["md"] = RingPosition{7, next};
  checkpoint.decisions_applied = next;
  return checkpoint;
}

TEST(CheckpointWriter, WritesOnItsThreadAndHandsTheOutcomeBackOnce) {
  const auto folder = freshFolder("once");
  CheckpointWriter writer(folder / "checkpoint.json");
  EXPECT_FALSE(writer.busy());
  EXPECT_FALSE(writer.finished().has_value()) << "nothing started";

  writer.start(checkpointAt(41));
  EXPECT_TRUE(writer.busy());
  std::optional<Status<std::string>> outcome;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(outcome = writer.finished()) && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok()) << outcome->error().message;
  EXPECT_FALSE(writer.busy());
  EXPECT_FALSE(writer.finished().has_value()) << "taken once";

  const auto read = readCheckpoint(folder / "checkpoint.json");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read.value().has_value());
  EXPECT_EQ(read.value()->rings.at("md").next, 41u);

  writer.start(checkpointAt(42));
  const auto waited = writer.wait();
  ASSERT_TRUE(waited.has_value());
  EXPECT_TRUE(waited->ok());
  EXPECT_EQ(readCheckpoint(folder / "checkpoint.json").value()->rings.at("md").next, 42u) << "the newer replaced it";
  EXPECT_FALSE(writer.wait().has_value()) << "nothing under way";
  fs::remove_all(folder);
}

TEST(CheckpointWriter, AWriteThatFailsSaysWhereAndWhy) {
  const auto folder = freshFolder("fails");
  fs::create_directories(folder);
  std::ofstream(folder / "not-a-folder") << "a file where the checkpoint's folder should be";
  CheckpointWriter writer(folder / "not-a-folder" / "checkpoint.json");
  writer.start(checkpointAt(1));
  const auto outcome = writer.wait();
  ASSERT_TRUE(outcome.has_value());
  ASSERT_FALSE(outcome->ok());
  EXPECT_NE(outcome->error().message.find("not-a-folder"), std::string::npos) << outcome->error().message;
  fs::remove_all(folder);
}

TEST(CheckpointWriter, AWriteStartedIsFinishedBeforeTheWriterIsGone) {
  const auto folder = freshFolder("gone");
  {
    CheckpointWriter writer(folder / "checkpoint.json");
    writer.start(checkpointAt(9));
  }
  const auto read = readCheckpoint(folder / "checkpoint.json");
  ASSERT_TRUE(read.ok() && read.value().has_value());
  EXPECT_EQ(read.value()->rings.at("md").next, 9u);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace rrr::engine
