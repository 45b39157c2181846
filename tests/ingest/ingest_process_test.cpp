// rrr-ingest as a real process under the supervisor: replay determinism bit for bit (also across
// a SIGKILL), ingest lag in heartbeats, the halt policy, config errors, and `rrr-ingest import`.
#include <gtest/gtest.h>

#include <signal.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <thread>

#include "common/ring/ring_segment.h"
#include "schemas/envelope_generated.h"
#include "supervisor/config.h"
#include "support/file_text.h"
#include "support/shared_data.h"
#include "../supervisor/rrr_system.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;
namespace fs = std::filesystem;

// The built-in pipeline with rrr-ingest's settings replaced and room on md for a whole replay.
std::string ingestConfig(const std::string& settings) {
  auto config = pipelineConfig();
  replaceOnce(config, "settings: {pace: 6000x}", "settings: " + settings);
  replaceOnce(config, "capacity: 4096, producer: ingest", "capacity: 65536, producer: ingest");
  return config;
}

std::string replaySettings(const std::string& pace, const std::vector<std::pair<std::string, std::string>>& files) {
  std::string text = "{source: replay, pace: " + pace + ", aggregate: [5m, 1h], files: [";
  for (std::size_t i = 0; i < files.size(); ++i) {
    text += (i ? ", " : "") + std::string("{path: '") + files[i].first + "', symbol: " + files[i].second + "}";
  }
  return text + "]}";
}

// Every message on ring md, as published, with the publish time (the wall clock) zeroed; the
// system must be stopped (no writer).
std::vector<std::string> ringMessages(const RrrSystem& sut) {
  const auto prefix = supervisor::ringPrefixFor(fs::weakly_canonical(sut.root() / "run"));
  auto segment = ring::RingSegment::open(prefix + "md");
  EXPECT_TRUE(segment.ok());
  std::vector<std::string> messages;
  if (!segment.ok()) return messages;
  const auto published = segment->published();
  EXPECT_LE(published, segment->config().capacity) << "the ring must still hold every message";
  for (std::uint64_t sequence = 0; sequence < published; ++sequence) {
    const auto copy = segment->copyPublished(sequence);
    EXPECT_TRUE(copy.has_value()) << sequence;
    if (!copy) break;
    std::string bytes(reinterpret_cast<const char*>(copy->data()), copy->size());
    const auto* table = reinterpret_cast<const flatbuffers::Table*>(flatbuffers::GetSizePrefixedRoot<msg::Envelope>(bytes.data()));
    const auto* publish_time = table->GetAddressOf(msg::Envelope::VT_PUBLISH_TIME_NS);
    if (publish_time != nullptr) std::memset(bytes.data() + (publish_time - reinterpret_cast<const std::uint8_t*>(bytes.data())), 0, 8);
    messages.push_back(std::move(bytes));
  }
  return messages;
}

std::vector<std::string> replay(const std::string& settings, bool kill_midway) {
  RrrSystem sut(ingestConfig(settings));
  EXPECT_EQ(sut.supervisor({"start"}).exit_code, 0);
  if (kill_midway) {
    std::this_thread::sleep_for(400ms);
    EXPECT_FALSE(logHas(sut, "ingest", "replay complete")) << "the kill must come mid-replay";
    ::kill(sut.pidOf("ingest"), SIGKILL);
  }
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return logHas(sut, "ingest", "replay complete"); }, 60s));
  if (kill_midway) {
    EXPECT_EQ(sut.status().at("ingest")["restarts"], 1);
    const std::regex resumed("\\] ([1-9][0-9]*) messages were already on ring md: resumed after them");
    EXPECT_TRUE(std::regex_search(logText(sut, "ingest"), resumed));
  }
  EXPECT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  return ringMessages(sut);
}

TEST(IngestProcess, ReplayOfTheSameFilesAndConfigPublishesTheSameMessagesBitForBit) {
  RRR_REQUIRE_SHARED_DATA();
  const auto data = sharedData() / "ohlcv" / "freqtrade";
  const auto settings = replaySettings("fast", {{(data / "json" / "UNITTEST_BTC-1m.json").string(), "BTC"},
                                                {(data / "trades" / "XRP_ETH-trades.json.gz").string(), "XRPETH"}});
  const auto first = replay(settings, false);
  const auto second = replay(settings, false);
  // 13,681 1m bars of BTC and their 5m and 1h bars; 12,477 XRP/ETH trades, their 2,469 1m bars
  // and the 5m and 1h bars made of those.
  ASSERT_GT(first.size(), 13'681u + 12'477u + 2'469u);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) ASSERT_EQ(first[i], second[i]) << "message " << i;
}

TEST(IngestProcess, SigkillMidReplayResumesWithNoMessageLostOrRepeated) {
  RRR_REQUIRE_SHARED_DATA();
  const auto file = (sharedData() / "ohlcv" / "freqtrade" / "json" / "UNITTEST_BTC-1m.json").string();
  const auto undisturbed = replay(replaySettings("fast", {{file, "BTC"}}), false);
  // 14,397 minutes (13,681 bars and their gaps) at 100,000x: about 8.6 s of replay, killed 0.4 s
  // after `start` returns (which, under sanitizers, waits seconds for rrr-infer's LibTorch).
  const auto killed = replay(replaySettings("100000x", {{file, "BTC"}}), true);
  ASSERT_EQ(undisturbed.size(), killed.size());
  for (std::size_t i = 0; i < undisturbed.size(); ++i) ASSERT_EQ(undisturbed[i], killed[i]) << "message " << i;
}

TEST(IngestProcess, ANewSourceOnAKeptRingIsPublishedAfterTheOldOneNotSkipped) {
  RRR_REQUIRE_SHARED_DATA();
  const auto data = sharedData() / "ohlcv";
  const auto first = (data / "nautilus_trader" / "ADABTC-1m-2021-11-27.csv").string();
  const auto second = (data / "nautilus_trader" / "ADABTC-1m-2021-11-28.csv").string();
  RrrSystem sut(ingestConfig(replaySettings("fast", {{first, "ADABTC"}})));
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return logHas(sut, "ingest", "replay complete"); }, 30s));
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto before = ringMessages(sut);
  sut.writeConfig(ingestConfig(replaySettings("fast", {{second, "ADABTC"}})));
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status&) { return logHas(sut, "ingest", "the source changed since those messages were published"); }, 30s));
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto after = ringMessages(sut);
  ASSERT_GT(before.size(), 0u);
  EXPECT_GE(after.size(), before.size() + 11) << "the second day's 11 one-minute bars (and more) follow the first day's";
  for (std::size_t i = 0; i < before.size(); ++i) ASSERT_EQ(before[i], after[i]) << i;
}

// Open times of the bars on ring md (the system stopped).
std::vector<std::int64_t> barOpenTimes(const RrrSystem& sut) {
  std::vector<std::int64_t> times;
  for (const auto& bytes : ringMessages(sut)) {
    const auto* envelope = flatbuffers::GetSizePrefixedRoot<msg::Envelope>(bytes.data());
    if (const auto* bar = envelope->body_as_Bar()) times.push_back(bar->open_time_ns());
  }
  return times;
}

// Until this run's replay is complete and stored.
bool waitForThisReplay(RrrSystem& sut, std::size_t completed_before) {
  return sut.waitFor([&](const Status& status) {
    return logCount(sut, "ingest", "replay complete") > completed_before && ringLag(status, "store", "md") == 0;
  }, 60s);
}

void runToTheEndAndStop(RrrSystem& sut) {
  const auto completed = logCount(sut, "ingest", "replay complete");
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(waitForThisReplay(sut, completed));
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
}

// A reboot clears /dev/shm (here: remove-rings) while data/ keeps the store's bars and the other
// processes' state: the feed goes on after what the store holds instead of from its start.
TEST(IngestProcess, ARingMadeAnewResumesAfterTheBarsTheStoreHolds) {
  RRR_REQUIRE_SHARED_DATA();
  const auto data = sharedData() / "ohlcv" / "nautilus_trader";
  const auto first_day = (data / "ADABTC-1m-2021-11-27.csv").string();
  const auto second_day = (data / "ADABTC-1m-2021-11-28.csv").string();
  constexpr std::int64_t kSecondDay = 1'638'057'600'000'000'000;
  RrrSystem sut(ingestConfig(replaySettings("fast", {{first_day, "ADABTC"}})));
  runToTheEndAndStop(sut);
  ASSERT_FALSE(barOpenTimes(sut).empty());
  ASSERT_EQ(sut.supervisor({"remove-rings", "--discard"}).exit_code, 0);

  // The same source, now with the next day's file after the first.
  sut.writeConfig(ingestConfig(replaySettings("fast", {{first_day, "ADABTC"}, {second_day, "ADABTC"}})));
  runToTheEndAndStop(sut);
  // The first day's 10 one-minute bars, two 5m bars and its 1h bar were stored: not again.
  EXPECT_TRUE(logHas(sut, "ingest", "ring md is new: 13 messages the store already holds were not published again"));
  const auto times = barOpenTimes(sut);
  ASSERT_GE(times.size(), 11u) << "the second day's 11 one-minute bars";
  for (const auto time : times) EXPECT_GE(time, kSecondDay) << "a bar the store held was published again";
  const auto stored = sut.db({"query", "--db", "market_data_2021_11", "--format", "csv", "SELECT count(*) AS n FROM market_data WHERE interval_s = 60"});
  EXPECT_NE(stored.output.find("\n21"), std::string::npos) << "both days' one-minute bars, once each: " << stored.output;
}

std::string perpSettings(const std::string& pace, const fs::path& file) {
  return "{source: replay, pace: " + pace + ", aggregate: [5m], files: [{path: '" + file.string() +
         "', symbol: BTCUSDT, format: csv, time: datetime, columns: {time: timestamp, open: open, high: high, low: low, close: close, "
         "volume: volume}}]}";
}

// The first `bars` lines of a real BTC perpetual 1m file (and its header), into the test's folder.
fs::path perpFile(const RrrSystem& sut, const std::string& name, int bars) {
  std::ifstream in(sharedData() / "ohlcv" / "nautilus_trader" / "btc-perp-20211231-20220201_1m.csv");
  const auto path = sut.root() / name;
  std::ofstream out(path);
  std::string line;
  for (int n = 0; n <= bars && std::getline(in, line); ++n) out << line << '\n';
  return path;
}

// 1,004 minutes stored (ending with a whole 5m bar: a replay's end closes a partial one, which
// the longer file then makes whole, another bar at that place), the rings removed, then 4,000 minutes of the same file at 30,000x (the
// last 3,000 take about 6 s); rrr-ingest SIGKILLed 0.3 s after `start` returns if `kill` (which,
// under sanitizers, waits seconds for rrr-infer's LibTorch). What ring md holds at the end.
std::vector<std::string> resumedFromTheStore(bool kill) {
  RrrSystem sut(pipelineConfig());
  sut.writeConfig(ingestConfig(perpSettings("fast", perpFile(sut, "first.csv", 1004))));
  runToTheEndAndStop(sut);
  EXPECT_EQ(sut.supervisor({"remove-rings"}).exit_code, 0);
  sut.writeConfig(ingestConfig(perpSettings("30000x", perpFile(sut, "whole.csv", 4000))));
  const auto completed = logCount(sut, "ingest", "replay complete");
  EXPECT_EQ(sut.supervisor({"start"}).exit_code, 0);
  if (kill) {
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(logCount(sut, "ingest", "replay complete"), completed) << "the kill must come mid-replay";
    ::kill(sut.pidOf("ingest"), SIGKILL);
  }
  EXPECT_TRUE(waitForThisReplay(sut, completed));
  EXPECT_TRUE(logHas(sut, "ingest", "ring md is new: "));
  if (kill) {
    EXPECT_TRUE(logHas(sut, "ingest", "messages the store held when ring md was made were left out again, as then"));
  }
  EXPECT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  return ringMessages(sut);
}

// After a resume from the store, a restart must place itself on the ring as the first run filtered
// the source, not count the ring's messages from the source's start.
TEST(IngestProcess, SigkillAfterAResumeFromTheStoreLosesAndRepeatsNothing) {
  RRR_REQUIRE_SHARED_DATA();
  const auto undisturbed = resumedFromTheStore(false);
  const auto killed = resumedFromTheStore(true);
  ASSERT_GT(undisturbed.size(), 3000u) << "the last 2,996 minutes' bars and their 5m bars";
  ASSERT_EQ(undisturbed.size(), killed.size());
  for (std::size_t i = 0; i < undisturbed.size(); ++i) ASSERT_EQ(undisturbed[i], killed[i]) << "message " << i;
}

// Another source after the ring was made anew (its bar at the stored place differs): published
// from its start, not cut where the store's bars end.
TEST(IngestProcess, ARingMadeAnewWithAnotherSourceIsPublishedFromItsStart) {
  RRR_REQUIRE_SHARED_DATA();
  const auto day = (sharedData() / "ohlcv" / "nautilus_trader" / "ADABTC-1m-2021-11-27.csv").string();
  RrrSystem sut(ingestConfig(replaySettings("fast", {{day, "ADABTC"}})));
  runToTheEndAndStop(sut);
  ASSERT_EQ(sut.supervisor({"remove-rings", "--discard"}).exit_code, 0);
  // The same minutes with another last close.
  auto text = fileText(day);
  const auto last_line = text.rfind('\n', text.size() - 2) + 1;
  const auto close = text.find("0.00002865,8160", last_line);
  ASSERT_NE(close, std::string::npos);
  text.replace(close, 10, "0.00002864");
  const auto changed = sut.root() / "changed.csv";
  std::ofstream(changed) << text;
  sut.writeConfig(ingestConfig(replaySettings("fast", {{changed.string(), "ADABTC"}})));
  runToTheEndAndStop(sut);
  EXPECT_TRUE(logHas(sut, "ingest", "the store's last bar of ADABTC 60s is not what this source makes at its place"));
  EXPECT_EQ(barOpenTimes(sut).size(), 10u + 2u + 1u) << "every bar of the changed file";
}

TEST(IngestProcess, HeartbeatsReportTheLagBehindTheReplayClockWhenTheRingHoldsItBack) {
  // rrr-engine, a durable reader of md, is stopped: md fills and holds ingest back.
  auto config = pipelineConfig();
  replaceOnce(config, "settings: {pace: 6000x}", "settings: {pace: 60000x}");
  RrrSystem free_running(config);
  ASSERT_EQ(free_running.supervisor({"start"}).exit_code, 0);
  std::this_thread::sleep_for(1500ms);
  EXPECT_LT(free_running.status().at("ingest")["event_lag_ms"].get<long>(), 1000) << free_running.status().at("ingest").dump();
  ASSERT_EQ(free_running.supervisor({"stop"}).exit_code, 0);

  RrrSystem held_back(config);
  ASSERT_EQ(held_back.supervisor({"start"}).exit_code, 0);
  ASSERT_EQ(held_back.supervisor({"stop", "engine"}).exit_code, 0);
  EXPECT_TRUE(held_back.waitFor([](const Status& s) { return s.at("ingest")["event_lag_ms"].get<long>() > 2000; }, 20s))
      << held_back.status().at("ingest").dump();
  EXPECT_NE(held_back.supervisor({"status"}).output.find("event:"), std::string::npos);
}

TEST(IngestProcess, HaltPolicyStopsTheSeriesAndTheProcessSaysWhereAndWhy) {
  RrrSystem sut(pipelineConfig());
  const auto file = sut.root() / "BAD-1m.csv";
  std::ofstream(file) << "1704067200000,10,11,9,10.5,1\n"
                         "1704067260000,10,11,9,10.5,1\n"
                         "1704067200000,10,11,9,10.5,1\n"     // line 3: out of order
                         "1704067320000,10,11,9,10.5,1\n";
  sut.writeConfig(ingestConfig("{source: replay, pace: fast, validation: {out_of_order: halt}, files: [{path: BAD-1m.csv, symbol: BAD}]}"));
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("ingest")["state"] == "Degraded"; }, 10s))
      << sut.status().at("ingest").dump();
  const auto why = sut.status().at("ingest")["last_exit"].get<std::string>();
  EXPECT_NE(why.find("BAD-1m.csv:3 (out of order)"), std::string::npos) << why;
  EXPECT_EQ(sut.status().at("ingest")["restarts"], 0);
  EXPECT_TRUE(sut.waitFor([&](const Status&) { return logHas(sut, "ingest", "2 accepted; dropped: out of order 1; halted at"); }, 5s));
}

TEST(IngestProcess, ABadSettingIsAClearErrorNamingTheLine) {
  RrrSystem sut(ingestConfig("{source: replay, pace: warp, files: [{path: x.csv, symbol: X}]}"));
  EXPECT_NE(sut.supervisor({"start"}).exit_code, 0);
  const auto log = logText(sut, "ingest");
  EXPECT_NE(log.find("rrr.yml:"), std::string::npos) << log;
  EXPECT_NE(log.find("settings.pace: 'warp' is not fast, realtime or <N>x"), std::string::npos) << log;
}

TEST(IngestProcess, ImportLoadsHistoryOnceAndASecondImportAddsNothing) {
  RRR_REQUIRE_SHARED_DATA();
  RrrSystem sut(pipelineConfig());
  const auto file = (sharedData() / "ohlcv" / "nautilus_trader" / "ADABTC-1m-2021-11-27.csv").string();
  const auto first = sut.tool("rrr-ingest", "import", {file, "--aggregate", "5m"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("bars of ADABTC: "), std::string::npos) << first.output;
  EXPECT_NE(first.output.find(", 0 already present"), std::string::npos) << first.output;
  const auto again = sut.tool("rrr-ingest", "import", {file, "--aggregate", "5m"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(": 0 new, "), std::string::npos) << again.output;
  const auto rows = sut.db({"query", "SELECT interval_s, count(*) FROM market_data GROUP BY interval_s", "--db", "market_data_2021_11", "--format", "csv"});
  EXPECT_NE(rows.output.find("60,"), std::string::npos) << rows.output;
  EXPECT_NE(rows.output.find("300,"), std::string::npos) << rows.output;
  const auto bad = sut.tool("rrr-ingest", "import", {file, "--interval", "7q"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--interval: '7q' is not an interval"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace rrr::testing
