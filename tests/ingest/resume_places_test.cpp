// Where a feed on a ring made anew resumes: the store's last bar of each series, moved back to
// rrr-engine's checkpoint where the store holds bars the checkpoint does not reflect (a power cut).
#include <gtest/gtest.h>

#include <fstream>

#include "engine/engine_checkpoint.h"
#include "ingest/engine_point.h"
#include "ingest/store_resume.h"
#include "store/store_files.h"
#include "support/unique_name.h"

namespace rrr::ingest {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kMinuteNs = 60'000'000'000;
constexpr std::int64_t kStart = 1'706'745'600LL * 1'000'000'000;   // 2024-02-01
std::int64_t closeOf(int minute) { return kStart + (minute + 1) * kMinuteNs; }

class ResumePlaces : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-resume");
    fs::create_directories(dbDir());
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path dbDir() const { return root_ / "db"; }

  // 1m bars of `symbol` for minutes [0, count), each with its minute as its close.
  void writeBars(const std::string& symbol, int count) {
    store::MarketShards shards(dbDir());
    for (int minute = 0; minute < count; ++minute) {
      const std::int64_t open_time = kStart + minute * kMinuteNs;
      auto insert = shards.shardFor(open_time).value()->prepare("INSERT INTO market_data VALUES (?, 60, ?, 1, 1, 1, ?, 1, 0, 1, NULL, NULL)");
      ASSERT_TRUE(insert->bind(1, std::string_view(symbol)).bind(2, open_time).bind(3, std::int64_t{minute}).run().ok());
    }
  }

  fs::path root_;
};

TEST(EnginePoint, TheSeriesResumesAfterItsLastBarOrTheOneBeforeWhosePredictionWasTheLastTaken) {
  const std::int64_t minute = kMinuteNs;
  EnginePoint point{{{"BTCUSDT/60", 500 * minute}, {"BTCUSDT/300", 500 * minute}, {"BTCUSDT/3600", 540 * minute}, {"ETHUSDT/60", 500 * minute}},
                    {}};
  EXPECT_EQ(point.resumeAfter("BTCUSDT", 60), 500 * minute) << "no prediction taken: the bars alone";
  EXPECT_EQ(point.resumeAfter("SOLUSDT", 60), std::nullopt) << "a series the engine never saw: from its start";
  point.last_prediction = {{"BTCUSDT", 499 * minute}};
  EXPECT_EQ(point.resumeAfter("BTCUSDT", 60), 499 * minute) << "the bar of 500 was taken, its prediction not yet";
  EXPECT_EQ(point.resumeAfter("BTCUSDT", 300), 500 * minute) << "499 is no close of a 5m bar: not this series' prediction";
  EXPECT_EQ(point.resumeAfter("BTCUSDT", 3600), 540 * minute) << "a partial hour's bar: its last bar";
  EXPECT_EQ(point.resumeAfter("ETHUSDT", 60), 500 * minute) << "no prediction taken for ETHUSDT: its last bar";
  point.last_prediction = {{"BTCUSDT", 500 * minute}};
  EXPECT_EQ(point.resumeAfter("BTCUSDT", 60), 500 * minute) << "both taken";
  point.last_prediction = {{"BTCUSDT", 400 * minute}};
  EXPECT_EQ(point.resumeAfter("BTCUSDT", 60), 500 * minute) << "predictions stopped long before: none is awaited";
}

TEST_F(ResumePlaces, AStoreAheadOfTheEngineResumesAtTheEnginesBarOrFromTheStart) {
  writeBars("BTCUSDT", 20);
  writeBars("ETHUSDT", 20);
  writeBars("SOLUSDT", 5);
  std::vector<std::pair<std::string, std::int64_t>> series;
  for (const char* symbol : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) series.emplace_back(symbol, 60);
  const auto stored = readLastStoredBars(dbDir(), series);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  auto places = *stored;
  ASSERT_EQ(places.size(), 3u);
  EXPECT_EQ(places.at({"BTCUSDT", 60}).close_e8, 19);

  // BTCUSDT: the engine is 8 bars behind the store; ETHUSDT: at a bar the store lacks (its file
  // lost the end); SOLUSDT: ahead of the store.
  const EnginePoint engine{{{"BTCUSDT/60", closeOf(11)}, {"ETHUSDT/60", closeOf(25)}, {"SOLUSDT/60", closeOf(30)}}, {}};
  const auto moved = moveBackToEngine(dbDir(), engine, places);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(*moved, 1);
  EXPECT_EQ(places.at({"BTCUSDT", 60}).close_e8, 11) << "the bar the checkpoint ends with";
  EXPECT_EQ(places.at({"ETHUSDT", 60}).close_e8, 19) << "the engine is past the store: the store's place";
  EXPECT_EQ(places.at({"SOLUSDT", 60}).close_e8, 4);

  const EnginePoint gap{{{"BTCUSDT/60", kStart - 5 * kMinuteNs}}, {}};
  ASSERT_EQ(moveBackToEngine(dbDir(), gap, places).value(), 3);
  EXPECT_TRUE(places.empty()) << "no stored bar at the engine's place, or no place: every series from its start";
}

TEST_F(ResumePlaces, TheEnginesOwnCheckpointIsReadAndABrokenOneIsAnErrorNamingIt) {
  const auto path = root_ / "checkpoint.json";
  EXPECT_FALSE(readEnginePoint(path).value().has_value()) << "no checkpoint: nothing to catch up on";

  engine::EngineCheckpoint checkpoint;
  checkpoint.core.last_bar_close_ns = {{"BTCUSDT/60", closeOf(3)}};
  checkpoint.core.last_prediction_ns = {{"BTCUSDT", closeOf(2)}};   // bar 3's prediction not yet taken
  ASSERT_TRUE(engine::writeCheckpoint(path, checkpoint).ok());
  const auto point = readEnginePoint(path);
  ASSERT_TRUE(point.ok() && point->has_value()) << (point.ok() ? "none" : point.error().message);
  EXPECT_EQ((*point)->resumeAfter("BTCUSDT", 60), closeOf(2));

  std::ofstream(path) << R"({"version": 1, "core": {"last_prediction": {}}})";
  const auto broken = readEnginePoint(path);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find(path.string()), std::string::npos) << broken.error().message;
  EXPECT_NE(broken.error().message.find("last_bar_close"), std::string::npos) << broken.error().message;
}

}  // namespace
}  // namespace rrr::ingest
