// rrr-store under faults, with the real system: a full disk (a small tmpfs) and a database written
// by a newer rrr. The store stays up, says Degraded, alerts, holds the data on the rings, and
// writes everything once the fault is gone.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <fstream>
#include <thread>

#include "../supervisor/rrr_system.h"
#include "common/ring/ring_segment.h"
#include "store/sqlite.h"
#include "supervisor/config.h"
#include "support/file_text.h"

namespace rrr::testing {
namespace {

using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

std::string fastFeedConfig() {
  auto config = pipelineConfig();
  replaceOnce(config, "settings: {pace: 6000x}", "settings: {pace: 60000x}");
  return config;
}

// The catch-up after the fault is thousands of rows (md's ring is made larger for it). The store
// must heartbeat between its turns while it writes them: with a tight watchdog, a catch-up taken
// in one turn got it killed before its first COMMIT, again and again, and nothing was written.
std::string fullDiskConfig() {
  auto config = fastFeedConfig();
  replaceOnce(config, "watchdog_ms: 1000", "watchdog_ms: 400");
  replaceOnce(config, "md:       {slot_bytes: 512, capacity: 4096,", "md:       {slot_bytes: 512, capacity: 16384,");
  return config;
}

TEST(StoreFault, FullDiskDegradesTheStoreWhichHoldsTheDataAndWritesItAllOnceThereIsRoom) {
  RrrSystem sut(fullDiskConfig());
  const auto data = sut.root() / "data";
  std::filesystem::create_directories(data);
  ASSERT_EQ(mount("tmpfs", data.c_str(), "tmpfs", 0, "size=1m"), 0) << "mounting a tmpfs needs root, as in CI";
  struct Unmount {
    std::filesystem::path path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{data};

  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Degraded"; }, 30s))
      << sut.supervisor({"status"}).output;
  const auto status = sut.status();
  EXPECT_NE(status.at("store")["last_exit"].get<std::string>().find("full"), std::string::npos) << status.at("store").dump();
  EXPECT_EQ(status.at("store")["restarts"], 0) << "a fault is not a crash loop";
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return logHas(sut, "monitor", "alert Critical [store-write] store");
  }, 5s));

  // While degraded the store reads nothing more: the bars pile up, held on the md ring.
  std::this_thread::sleep_for(1s);
  std::uint64_t held = 0;
  const auto degraded = sut.status();
  for (const auto& lag : degraded.at("store")["ring_lag"]) {
    if (lag["ring"] == "md") held = lag["lag"];
  }
  EXPECT_GT(held, 500u) << degraded.at("store").dump();

  ASSERT_EQ(mount("tmpfs", data.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Ready"; }, 60s))
      << sut.supervisor({"status"}).output;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sut.status().at("store")["restarts"], 0) << logText(sut, "supervisor");
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);

  const auto config = supervisor::loadConfig(sut.configPath(), binDirectory());
  auto md = ring::RingSegment::open(config->ringPrefix() + "md");
  ASSERT_TRUE(md.ok());
  auto shard = store::Database::openReadOnly(data / "db" / "market_data_2024_01.db");
  ASSERT_TRUE(shard.ok());
  auto rows = shard->prepare("SELECT count(*), min(ring_sequence), max(ring_sequence) FROM market_data");
  ASSERT_TRUE(rows->step().value());
  const auto published = static_cast<std::int64_t>(md->published());
  EXPECT_EQ(rows->columnInt(0), published);
  EXPECT_EQ(rows->columnInt(1), 0);
  EXPECT_EQ(rows->columnInt(2), published - 1);
}

TEST(StoreFault, LockHeldByAnotherProgramDegradesTheStoreUntilItIsReleased) {
  // A slow feed: with bars every 10 ms the store holds its write transaction most of the time,
  // and the foreign program would have to race it for the lock.
  auto config = pipelineConfig();
  replaceOnce(config, "settings: {pace: 6000x}", "settings: {pace: 200x}");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  std::this_thread::sleep_for(300ms);
  {
    // Another program (here: this test) takes trading.db's write lock and keeps it past the
    // store's 5 s busy timeout.
    auto foreign = store::Database::open(sut.root() / "data" / "db" / "trading.db");
    ASSERT_TRUE(foreign.ok());
    ASSERT_TRUE(foreign->exec("BEGIN EXCLUSIVE").ok());
    ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Degraded"; }, 20s))
        << sut.supervisor({"status"}).output;
    EXPECT_NE(sut.status().at("store")["last_exit"].get<std::string>().find("locked"), std::string::npos)
        << sut.status().at("store").dump();
    ASSERT_TRUE(foreign->exec("ROLLBACK").ok());
  }
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Ready"; }, 60s));
  EXPECT_EQ(sut.status().at("store")["restarts"], 0);
  EXPECT_TRUE(sut.waitFor([&](const Status&) {
    return logHas(sut, "monitor", "writing works again");
  }, 5s));
}

TEST(StoreFault, ALongReadOnlyReaderNeverHoldsTheWriterUp) {
  RrrSystem sut(fastFeedConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  std::this_thread::sleep_for(300ms);
  const auto shard = sut.root() / "data" / "db" / "market_data_2024_01.db";
  auto count = [&] {
    auto db = store::Database::openReadOnly(shard).value();
    auto select = db.prepare("SELECT count(*) FROM market_data").value();
    return select.step().value() ? select.columnInt(0) : -1;
  };
  auto reader = store::Database::openReadOnly(shard);
  ASSERT_TRUE(reader.ok());
  auto held = reader->prepare("SELECT count(*) FROM market_data");
  ASSERT_TRUE(reader->exec("BEGIN").ok());
  ASSERT_TRUE(held->step().value());  // a read transaction stays open from here
  const auto seen_by_reader = held->columnInt(0);
  const auto before = count();
  std::this_thread::sleep_for(2s);
  const auto after = count();
  EXPECT_GT(after, before + 1000) << "the store kept writing while a reader held its snapshot";
  EXPECT_EQ(sut.status().at("store")["state"], "Ready");
  held->reset();
  ASSERT_TRUE(held->step().value());
  EXPECT_EQ(held->columnInt(0), seen_by_reader) << "the reader kept its consistent snapshot";
  ASSERT_TRUE(reader->exec("COMMIT").ok());
}

TEST(StoreFault, CorruptFileDegradesTheStoreWithAClearErrorAndNothingIsWrittenOverIt) {
  RrrSystem sut(pipelineConfig());
  const auto db_dir = sut.root() / "data" / "db";
  std::filesystem::create_directories(db_dir);
  const std::string garbage(8192, '\x42');
  std::ofstream(db_dir / "trading.db", std::ios::binary) << garbage;
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Degraded"; }, 5s));
  const auto status = sut.status();
  EXPECT_NE(status.at("store")["last_exit"].get<std::string>().find("trading.db"), std::string::npos) << status.at("store").dump();
  EXPECT_NE(status.at("store")["last_exit"].get<std::string>().find("not a database"), std::string::npos) << status.at("store").dump();
  EXPECT_EQ(status.at("store")["restarts"], 0);
  EXPECT_EQ(fileText(db_dir / "trading.db"), garbage) << "the damaged file is left for inspection or restore";
}

TEST(StoreFault, DatabaseOfANewerSchemaIsLeftAloneAndTheStoreStaysDegradedWithoutRestarting) {
  RrrSystem sut(pipelineConfig());
  std::filesystem::create_directories(sut.root() / "data" / "db");
  {
    auto db = store::Database::open(sut.root() / "data" / "db" / "trading.db");
    ASSERT_TRUE(db->exec("PRAGMA user_version = 99").ok());
  }
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([](const Status& s) { return s.at("store")["state"] == "Degraded"; }, 5s));
  std::this_thread::sleep_for(2s);
  const auto status = sut.status();
  EXPECT_EQ(status.at("store")["state"], "Degraded");
  EXPECT_EQ(status.at("store")["restarts"], 0);
  EXPECT_NE(status.at("store")["last_exit"].get<std::string>().find("schema version 99, newer than this binary"), std::string::npos)
      << status.at("store").dump();
  auto db = store::Database::openReadOnly(sut.root() / "data" / "db" / "trading.db");
  auto version = db->prepare("PRAGMA user_version");
  ASSERT_TRUE(version->step().value());
  EXPECT_EQ(version->columnInt(0), 99);
}

}  // namespace
}  // namespace rrr::testing
