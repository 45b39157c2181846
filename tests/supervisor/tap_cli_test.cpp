// rrr-tap, the real binary, against a tap publisher in this test: messages dropped on the way (a
// reader that stalls) are reported on stderr with their count and source, never lost silently,
// stdout keeps one JSON line per message received, and SIGTERM (or Ctrl-C) ends it cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "common/bus/endpoints.h"
#include "common/bus/tap.h"
#include "common/messages/envelope.h"
#include "support/child_process.h"
#include "support/unique_name.h"

namespace rrr {
namespace {

using namespace std::chrono_literals;

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t linesIn(const std::filesystem::path& path) {
  const auto text = readFile(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class TapCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_dir_ = std::filesystem::temp_directory_path() / testing::uniqueName("rrr-tap-cli");
    std::filesystem::create_directories(run_dir_);
    out_ = run_dir_ / "tap.out";
    err_ = run_dir_ / "tap.err";
  }
  void TearDown() override { std::filesystem::remove_all(run_dir_); }

  // A real Heartbeat envelope from "probe", with a detail text that makes it ~1 KiB.
  std::span<const std::byte> heartbeat(std::uint64_t sequence) {
    builder_.reset();
    auto& fbb = builder_.fbb();
    const auto body = msg::CreateHeartbeat(fbb, 1234, msg::ProcessState::Degraded, sequence,
                                           fbb.CreateVector(std::vector<flatbuffers::Offset<msg::RingLag>>{}), 0,
                                           fbb.CreateString(std::string(1000, 'd')));
    return builder_.finish(messages::EnvelopeHeader{"probe", sequence, messages::wallClockNs(), 0}, body);
  }

  // Publishes until rrr-tap has written `lines` lines to stdout.
  bool publishUntilPrinted(bus::TapPublisher& publisher, std::size_t lines) {
    for (int i = 0; i < 500; ++i) {
      publisher.publish("Heartbeat", heartbeat(sent_++));
      std::this_thread::sleep_for(20ms);
      if (linesIn(out_) >= lines) return true;
    }
    return false;
  }

  std::filesystem::path run_dir_;
  std::filesystem::path out_;   // rrr-tap's stdout and stderr
  std::filesystem::path err_;
  zmq::context_t context_;
  messages::EnvelopeBuilder builder_;
  std::uint64_t sent_ = 0;
};

TEST_F(TapCliTest, MessagesDroppedWhileTheReaderStalledAreReportedWithTheirCountAndSource) {
  auto publisher = bus::TapPublisher::bind(context_, bus::ipcEndpoint(run_dir_, "tap-probe").value(), /*high_water_mark=*/10);
  ASSERT_TRUE(publisher.ok()) << publisher.error().message;
  auto tap = testing::ChildProcess::spawn(
      "/bin/sh", {"-c",
                  "exec '" + testing::binaryDirectory() + "/rrr-tap' --run-dir '" + run_dir_.string() + "' Heartbeat --seconds 60 > '" +
                      out_.string() + "' 2> '" + err_.string() + "'"});
  if (!publishUntilPrinted(*publisher, 1)) {
    tap.signal(SIGTERM);
    (void)tap.wait(10s);
    FAIL() << "rrr-tap printed nothing: " << readFile(err_);
  }

  tap.signal(SIGSTOP);   // neither its reading thread nor ZeroMQ's takes anything now
  std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 20'000; ++i) publisher->publish("Heartbeat", heartbeat(sent_++));
  tap.signal(SIGCONT);
  const auto printed = linesIn(out_);
  ASSERT_TRUE(publishUntilPrinted(*publisher, printed + 1)) << readFile(err_);
  std::this_thread::sleep_for(300ms);   // the rest of what was queued
  tap.signal(SIGTERM);
  const auto status = tap.wait(10s);
  ASSERT_TRUE(status);
  const auto errors = readFile(err_);
  EXPECT_EQ(testing::exitCodeOf(*status), 0) << "rrr-tap did not stop cleanly on SIGTERM: " << errors;
  EXPECT_NE(errors.find("rrr-tap: missed "), std::string::npos) << errors;
  EXPECT_NE(errors.find(" Heartbeat messages from probe before this one"), std::string::npos) << errors;
  EXPECT_NE(errors.find("messages missed in all"), std::string::npos) << errors;
  // Every line on stdout is still one whole JSON message.
  std::ifstream lines(out_);
  std::size_t json_lines = 0;
  for (std::string line; std::getline(lines, line); ++json_lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
  }
  EXPECT_LT(json_lines, sent_) << "nothing was dropped, so the test proved nothing";
}

}  // namespace
}  // namespace rrr
