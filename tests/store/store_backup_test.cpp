// Backups, restore after corruption, and reading bars across monthly files.
#include <gtest/gtest.h>

#include <fstream>

#include "store/backups.h"
#include "store/market_reader.h"
#include "store/store_files.h"
#include "support/unique_name.h"

namespace rrr::store {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kFeb1Ns = 1'706'745'600LL * 1'000'000'000;
constexpr std::int64_t kMinuteNs = 60'000'000'000;

class StoreBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-backup");
    fs::create_directories(dbDir());
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path dbDir() const { return root_ / "data" / "db"; }
  fs::path backupsDir() const { return root_ / "backups"; }

  // Bars every minute from `from`, `count` of them, through the store's own statements.
  void writeBars(std::int64_t from, int count) {
    MarketShards shards(dbDir());
    for (int i = 0; i < count; ++i) {
      const std::int64_t open_time = from + i * kMinuteNs;
      auto* db = shards.shardFor(open_time).value();
      auto insert = db->prepare("INSERT INTO market_data VALUES ('BTCUSDT', 60, ?, 100, 110, 90, 105, 1, 0, 1, NULL, NULL)");
      ASSERT_TRUE(insert->bind(1, open_time).run().ok());
    }
  }

  fs::path root_;
};

TEST_F(StoreBackupTest, BackupIsVerifiedAndRetentionKeepsTheNewest) {
  writeBars(kFeb1Ns - 10 * kMinuteNs, 20);
  std::vector<fs::path> folders;
  for (int i = 0; i < 4; ++i) {
    auto report = backupAll(dbDir(), backupsDir(), BackupKind::kWeekly, 3);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->files, (std::vector<std::string>{"market_data_2024_01.db", "market_data_2024_02.db"}));
    folders.push_back(report->folder);
  }
  const auto kept = listBackups(backupsDir(), BackupKind::kWeekly);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept.front(), folders.back());
  EXPECT_FALSE(fs::exists(folders.front())) << "the oldest is dropped";
  std::ifstream manifest(kept.front() / "MANIFEST");
  std::string line;
  std::getline(manifest, line);
  EXPECT_NE(line.find("integrity=ok"), std::string::npos);
  EXPECT_TRUE(newestBackupAge(backupsDir(), BackupKind::kWeekly).has_value());
  EXPECT_FALSE(newestBackupAge(backupsDir(), BackupKind::kMonthly).has_value());
}

TEST_F(StoreBackupTest, CorruptedLiveFileIsFoundAndRestoredFromABackup) {
  writeBars(kFeb1Ns, 500);
  auto report = backupAll(dbDir(), backupsDir(), BackupKind::kDaily, 7);
  ASSERT_TRUE(report.ok());
  const auto live = dbDir() / "market_data_2024_02.db";
  {  // checkpoint so that the pages are in the main file, then damage them
    auto db = Database::open(live);
    ASSERT_TRUE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  {
    std::fstream file(live, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096);  // pages 2-5 whole, headers included
    const std::string garbage(4 * 4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  EXPECT_NE(integrityCheck(live), "ok");
  ASSERT_TRUE(restoreBackup(report->folder, dbDir()).ok());
  EXPECT_EQ(integrityCheck(live), "ok");
  const auto bars = readBars(dbDir(), "BTCUSDT", 60, kFeb1Ns, kFeb1Ns + 1000 * kMinuteNs);
  ASSERT_TRUE(bars.ok());
  EXPECT_EQ(bars->size(), 500u);
}

TEST_F(StoreBackupTest, ReadingADamagedShardIsAnErrorNamingTheFileNotAShorterHistory) {
  writeBars(kFeb1Ns, 500);
  const auto live = dbDir() / "market_data_2024_02.db";
  {
    auto db = Database::open(live);
    ASSERT_TRUE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  {  // the schema (page 1) stays readable, so the query prepares and fails while stepping
    std::fstream file(live, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096);
    const std::string garbage(4 * 4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto bars = readBars(dbDir(), "BTCUSDT", 60, kFeb1Ns, kFeb1Ns + 1000 * kMinuteNs);
  ASSERT_FALSE(bars.ok()) << bars->size() << " bars read from a damaged file";
  EXPECT_NE(bars.error().message.find("market_data_2024_02.db"), std::string::npos) << bars.error().message;
}

TEST_F(StoreBackupTest, InterruptedBackupIsNeitherListedNorRestored) {
  writeBars(kFeb1Ns, 5);
  fs::create_directories(backupsDir() / "daily" / "20990101T000000Z-000");
  EXPECT_TRUE(listBackups(backupsDir(), BackupKind::kDaily).empty());
  const auto restored = restoreBackup(backupsDir() / "daily" / "20990101T000000Z-000", dbDir());
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code, BackupError::kNotFound);
}

TEST_F(StoreBackupTest, BarsAcrossAMonthBoundaryComeBackInOrderFromBothFiles) {
  writeBars(kFeb1Ns - 30 * kMinuteNs, 60);
  EXPECT_TRUE(fs::exists(dbDir() / "market_data_2024_01.db"));
  EXPECT_TRUE(fs::exists(dbDir() / "market_data_2024_02.db"));
  const auto bars = readBars(dbDir(), "BTCUSDT", 60, kFeb1Ns - 20 * kMinuteNs, kFeb1Ns + 20 * kMinuteNs);
  ASSERT_TRUE(bars.ok()) << bars.error().message;
  ASSERT_EQ(bars->size(), 40u);
  for (std::size_t i = 0; i < bars->size(); ++i) {
    EXPECT_EQ((*bars)[i].open_time_ns, kFeb1Ns - 20 * kMinuteNs + static_cast<std::int64_t>(i) * kMinuteNs);
  }
}

}  // namespace
}  // namespace rrr::store
