// Schema migrations and the files of the store.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/migrations.h"
#include "store/store_files.h"
#include "support/unique_name.h"

namespace rrr::store {
namespace {

class StoreFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-store");
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Every table, index and view with its SQL, in a comparable order.
  static std::string schemaOf(Database& db) {
    auto select = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name");
    std::string schema;
    while (select->step().value()) schema += select->columnText(0) + " " + select->columnText(1) + ": " + select->columnText(2) + "\n";
    return schema;
  }

  std::filesystem::path dir_;
};

TEST_F(StoreFilesTest, FreshDatabaseIsMigratedToTheLatestVersion) {
  auto db = openStoreDatabase(dir_ / "trading.db", kTradingMigrations, Durability::kFull);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(schemaVersion(*db).value(), kTradingMigrations.back().version);
  EXPECT_NE(schemaOf(*db).find("table audit_log"), std::string::npos);
  EXPECT_NE(schemaOf(*db).find("view open_positions"), std::string::npos);
}

// From each earlier version (a file migrated only that far), migrating gives exactly the schema of
// a fresh database.
TEST_F(StoreFilesTest, EveryEarlierVersionMigratesToTheSameSchemaAsAFreshDatabase) {
  int set = 0;
  for (const auto* migrations : {&kTradingMigrations, &kMarketMigrations}) {
    const auto prefix_name = "set" + std::to_string(set++) + "_";
    auto fresh = openStoreDatabase(dir_ / (prefix_name + "fresh.db"), *migrations, Durability::kNormal);
    ASSERT_TRUE(fresh.ok());
    const auto expected = schemaOf(*fresh);
    for (std::size_t applied = 0; applied < migrations->size(); ++applied) {
      const auto path = dir_ / (prefix_name + "from_" + std::to_string(applied) + ".db");
      auto db = Database::open(path);
      ASSERT_TRUE(db.ok());
      const std::vector<Migration> prefix(migrations->begin(), migrations->begin() + static_cast<std::ptrdiff_t>(applied));
      ASSERT_TRUE(migrate(*db, path.string(), prefix).ok());
      ASSERT_TRUE(migrate(*db, path.string(), *migrations).ok());
      EXPECT_EQ(schemaOf(*db), expected) << "from version " << applied;
      EXPECT_EQ(schemaVersion(*db).value(), migrations->back().version);
    }
  }
}

// Version 5 keeps an order's transition once: a file written before it may hold one twice (the
// engine regenerating after a power cut), and the migration keeps the first of each.
TEST_F(StoreFilesTest, OrderUpdatesHeldTwiceAreKeptOnceAndNotTakenTwiceAfterwards) {
  const auto path = dir_ / "trading.db";
  auto db = Database::open(path);
  ASSERT_TRUE(db.ok());
  const std::vector<Migration> through4(kTradingMigrations.begin(), kTradingMigrations.begin() + 4);
  ASSERT_EQ(through4.back().version, 4);
  ASSERT_TRUE(migrate(*db, path.string(), through4).ok());
  const auto insert = [&](const char* status, std::int64_t filled, std::int64_t time_ns) {
    return db->prepare("INSERT INTO order_updates VALUES ('a-1', 'Accepted', ?, ?, 0, 'first', ?)")->bind(1, std::string_view(status))
        .bind(2, filled).bind(3, time_ns).run();
  };
  for (int copy = 0; copy < 2; ++copy) {
    ASSERT_TRUE(insert("PartiallyFilled", 5, 100).ok());
    ASSERT_TRUE(insert("Filled", 10, 200).ok());
  }
  ASSERT_TRUE(insert("Filled", 10, 300).ok());   // another time: another transition

  const auto rows = [&] {
    auto select = db->prepare("SELECT count(*) FROM order_updates");
    EXPECT_TRUE(select->step().value());
    return select->columnInt(0);
  };
  EXPECT_EQ(rows(), 5);
  ASSERT_TRUE(migrate(*db, path.string(), kTradingMigrations).ok());
  EXPECT_EQ(rows(), 3);
  EXPECT_FALSE(insert("Filled", 10, 200).ok()) << "the same transition again is refused by the index";
}

TEST_F(StoreFilesTest, SchemaNewerThanTheBinaryIsRefusedAndLeftUntouched) {
  {
    auto db = Database::open(dir_ / "trading.db");
    ASSERT_TRUE(db->exec("PRAGMA user_version = 99; CREATE TABLE future (x)").ok());
  }
  const auto opened = openStoreDatabase(dir_ / "trading.db", kTradingMigrations, Durability::kFull);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, StoreError::kNewerSchema);
  EXPECT_NE(opened.error().message.find("schema version 99, newer than this binary knows"), std::string::npos)
      << opened.error().message;
  auto db = Database::open(dir_ / "trading.db");
  EXPECT_EQ(schemaVersion(*db).value(), 99);
}

TEST(ShardFileName, FollowsTheCalendarMonthOfTheBarsOpenTimeInUtc) {
  constexpr std::int64_t kFeb1 = 1'706'745'600LL * 1'000'000'000;  // 2024-02-01T00:00:00Z
  EXPECT_EQ(shardFileName(kFeb1 - 1), "market_data_2024_01.db");
  EXPECT_EQ(shardFileName(kFeb1), "market_data_2024_02.db");
  EXPECT_EQ(shardFileName(1'735'689'600LL * 1'000'000'000), "market_data_2025_01.db");  // 2025-01-01
}

}  // namespace
}  // namespace rrr::store
