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

  testing::ChildProcess startTap(const std::string& options) {
    return testing::ChildProcess::spawn(
        "/bin/sh", {"-c", "exec '" + testing::binaryDirectory() + "/rrr-tap' --run-dir '" + run_dir_.string() + "' Heartbeat " +
                              options + " --seconds 60 > '" + out_.string() + "' 2> '" + err_.string() + "'"});
  }

  // Stops rrr-tap (neither its reading thread nor ZeroMQ's takes anything then), sends far more
  // than the high-water marks hold, lets it go on, and publishes until it has printed more.
  void stallThroughABurst(testing::ChildProcess& tap, bus::TapPublisher& publisher) {
    tap.signal(SIGSTOP);
    std::this_thread::sleep_for(100ms);
    for (int i = 0; i < 20'000; ++i) publisher.publish("Heartbeat", heartbeat(sent_++));
    tap.signal(SIGCONT);
    ASSERT_TRUE(publishUntilPrinted(publisher, linesIn(out_) + 1)) << readFile(err_);
  }

  // SIGTERMs rrr-tap and returns its stderr, after checking that it stopped cleanly.
  std::string stopTap(testing::ChildProcess& tap) {
    tap.signal(SIGTERM);
    const auto status = tap.wait(10s);
    const auto errors = readFile(err_);
    EXPECT_TRUE(status && testing::exitCodeOf(*status) == 0) << "rrr-tap did not stop cleanly on SIGTERM: " << errors;
    return errors;
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
  auto tap = startTap("");
  ASSERT_TRUE(publishUntilPrinted(*publisher, 1)) << "rrr-tap printed nothing: " << stopTap(tap);
  stallThroughABurst(tap, *publisher);
  std::this_thread::sleep_for(300ms);   // the rest of what was queued
  const auto errors = stopTap(tap);
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

TEST_F(TapCliTest, StatsShowTheMissedCountBesideTheRate) {
  auto publisher = bus::TapPublisher::bind(context_, bus::ipcEndpoint(run_dir_, "tap-probe").value(), /*high_water_mark=*/10);
  ASSERT_TRUE(publisher.ok()) << publisher.error().message;
  auto tap = startTap("--stats");
  // A stats line comes every second, with or without messages: wait for one that counts some.
  for (int i = 0; i < 250 && readFile(out_).find("Heartbeat ") == std::string::npos; ++i) {
    publisher->publish("Heartbeat", heartbeat(sent_++));
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_NE(readFile(out_).find("Heartbeat "), std::string::npos) << readFile(out_) << stopTap(tap);
  stallThroughABurst(tap, *publisher);
  std::this_thread::sleep_for(2500ms);   // the second with the gap has had its line
  const auto errors = stopTap(tap);
  const auto stats = readFile(out_);
  EXPECT_NE(stats.find(" missed)"), std::string::npos) << stats;
  EXPECT_EQ(errors.find("rrr-tap: missed "), std::string::npos) << "gaps go in the stats line, not one line each: " << errors;
  EXPECT_NE(errors.find("messages missed in all"), std::string::npos) << errors;
}

}  // namespace
}  // namespace rrr
