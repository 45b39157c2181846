// rrr-train: the split leaks nothing, normalization comes from the training part only, and an MLP
// and a GRU trained on the synthetic market beat chance on held-out data; the package it writes loads in
// rrr-infer's loader and can be activated.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "infer/model.h"
#include "support/unique_name.h"
#include "train/dataset.h"
#include "train/model_trainer.h"
#include "train/train_commands.h"
#include "train/training_bars.h"
#include "store/bar_import.h"
#include "features/feature_set.h"

namespace rrr::train {
namespace {

namespace fs = std::filesystem;

TEST(TrainData, SplitIsChronologicalAndLabelsDoNotReachIntoTheNextPart) {
  const auto bars = syntheticBars(3, 5, "BTCUSDT");
  ASSERT_EQ(bars.size(), 3u * 1440u);
  const std::size_t horizon = 15;
  const auto data = buildDataset(bars, features::defaultFeatureNames(), horizon);
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ(data->size(), bars.size() - 60 - horizon);   // warm-up, and rows whose label bar is missing
  const auto split = chronologicalSplit(*data, 0.7, 0.15, horizon);
  const std::int64_t minute = 60'000'000'000;
  // A label looks `horizon` bars ahead; that bar must be before the next part's first row.
  EXPECT_LT(split.train.times.back() + static_cast<std::int64_t>(horizon) * minute, split.validation.times.front());
  EXPECT_LT(split.validation.times.back() + static_cast<std::int64_t>(horizon) * minute, split.test.times.front());
  EXPECT_EQ(split.train.size() + split.validation.size() + split.test.size() + 2 * horizon, data->size());
  // Labels are the direction over the horizon.
  for (std::size_t i = 0; i < 50; ++i) {
    const auto t = static_cast<std::size_t>((data->times[i] - bars.front().open_time_ns) / minute);
    EXPECT_EQ(data->labels[i], bars[t + horizon].close > bars[t].close ? 1.0F : 0.0F);
  }
}

TEST(TrainData, NormalizationIsFittedOnTheTrainingPartOnly) {
  Dataset data;
  for (int i = 0; i < 100; ++i) {
    data.rows.push_back({static_cast<double>(i), 5.0});
    data.labels.push_back(0);
    data.times.push_back(i);
  }
  const auto split = chronologicalSplit(data, 0.5, 0.25, 0);
  const auto normalization = fitNormalization(split.train);
  EXPECT_DOUBLE_EQ(normalization.mean[0], 24.5);   // rows 0..49, not 0..99
  EXPECT_NEAR(normalization.stddev[0], std::sqrt((50.0 * 50.0 - 1) / 12.0), 1e-9);
  EXPECT_DOUBLE_EQ(normalization.stddev[1], 1.0);   // a constant feature is left unscaled
}

// The margin stated in the README: at least 4 points of accuracy over always guessing the
// commoner direction of the test period, and a lower log loss than that guess.
void expectBeatsChance(const TrainOptions& options) {
  const auto dir = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-train-test");
  fs::create_directories(dir);
  const auto bars = syntheticBars(60, 7, "BTCUSDT");
  const auto data = buildDataset(bars, features::defaultFeatureNames(), 15);
  ASSERT_TRUE(data.ok());
  const auto split = chronologicalSplit(*data, 0.7, 0.15, 15);
  const auto normalization = fitNormalization(split.train);
  int epochs = 0;
  const auto result = trainModel(*data, split, normalization, options, dir / "weights.pt", [&](const EpochReport& report) {
    EXPECT_EQ(report.epoch, ++epochs);
    EXPECT_TRUE(std::isfinite(report.train_loss) && std::isfinite(report.validation_loss));
  });
  ASSERT_TRUE(result.ok()) << result.error().message;
  // A window reaches back before a part's first row, so every test row has one.
  EXPECT_EQ(result->test.rows, split.test.size());
  const double up = result->test.up_share;
  EXPECT_NEAR(up, split.test.upShare(), 1e-6);
  const double chance = std::max(up, 1 - up);
  const double prior_loss = -(up * std::log(up) + (1 - up) * std::log(1 - up));
  EXPECT_GT(result->test.accuracy, chance + 0.04) << "chance " << chance;
  EXPECT_LT(result->test.loss, prior_loss) << "the constant guess's log loss";
  EXPECT_LE(result->best_epoch, result->epochs_run);
  fs::remove_all(dir);
}

TEST(TrainModel, MlpBeatsChanceOnHeldOutSyntheticData) { expectBeatsChance(TrainOptions{}); }

TEST(TrainModel, GruOverAWindowBeatsChanceOnHeldOutSyntheticData) {
  TrainOptions options;
  options.kind = "gru";
  options.hidden = {16};
  options.window = 8;
  options.max_epochs = 8;
  expectBeatsChance(options);
}

// rrr-train with --models-dir `models` and `arguments`, in this process.
int runTrain(const fs::path& models, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"rrr-train", "--models-dir", models.string()});
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  return runTrainCli(static_cast<int>(argv.size()), argv.data());
}

TEST(TrainCommands, FitWritesAPackageThatLoadsAndActivates) {
  const auto models = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-train-models");
  const auto run = [&](const std::vector<std::string>& arguments) { return runTrain(models, arguments); };
  ASSERT_EQ(run({"fit", "--name", "tiny", "--synthetic-days", "8", "--epochs", "3"}), 0);
  ASSERT_EQ(run({"fit", "--name", "tiny", "--synthetic-days", "8", "--epochs", "3", "--activate"}), 0);
  const auto package = infer::readModelPackage(models / "tiny/2");
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_EQ(package->id(), "tiny/2");
  EXPECT_EQ(package->features, features::defaultFeatureNames());
  EXPECT_TRUE(infer::Model::load(*package).ok());
  EXPECT_EQ(infer::activeModelDir(models)->value(), models / "tiny/2");
  const auto doc = nlohmann::json::parse(std::ifstream(models / "tiny/2/model.json"));
  EXPECT_GT(doc.at("metrics").at("test").at("rows").get<int>(), 0);
  EXPECT_LT(doc.at("data").at("train_to_ns").get<std::int64_t>(), doc.at("data").at("test_from_ns").get<std::int64_t>());
  EXPECT_EQ(run({"activate", "tiny/1"}), 0);
  EXPECT_EQ(infer::activeModelDir(models)->value(), models / "tiny/1");
  EXPECT_EQ(run({"activate", "tiny/9"}), 1);   // no such model: the pointer stays
  EXPECT_EQ(infer::activeModelDir(models)->value(), models / "tiny/1");
  fs::remove_all(models);
}

TEST(TrainCommands, FitsAnLstmOverAWindow) {
  const auto models = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-train-models");
  const auto run = [&](const std::vector<std::string>& arguments) { return runTrain(models, arguments); };
  ASSERT_EQ(run({"fit", "--name", "seq", "--kind", "lstm", "--window", "4", "--hidden", "8", "--layers", "2", "--synthetic-days", "8",
                 "--epochs", "2"}), 0);
  const auto package = infer::readModelPackage(models / "seq/1");
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_EQ(package->kind, "lstm");
  EXPECT_EQ(package->window, 4u);
  EXPECT_EQ(package->layers, 2);
  auto model = infer::Model::load(*package);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_FALSE((*model)->predict({{}, {}, {}}).ok());   // fewer rows than the window
  EXPECT_EQ(run({"fit", "--name", "bad", "--window", "3", "--synthetic-days", "8"}), 2);   // an mlp reads one row
  EXPECT_FALSE(fs::exists(models / "bad"));
  fs::remove_all(models);
}

}  // namespace
}  // namespace rrr::train

namespace rrr::train {
namespace {

// market_data written by the store's import path, read back by `fit --db`.
TEST(TrainCommands, FitReadsTheSymbolsBarsFromMarketData) {
  const auto root = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-train-db");
  const auto bars = syntheticBars(10, 3, "ETHUSDT");
  std::vector<store::BarRecord> records;
  for (const auto& bar : bars) {
    const auto e8 = [](double value) { return static_cast<std::int64_t>(std::llround(value * 1e8)); };
    records.push_back({bar.open_time_ns, e8(bar.open), e8(bar.high), e8(bar.low), e8(bar.close), e8(bar.volume), 0, 1});
  }
  store::MarketShards shards(root / "db");
  std::filesystem::create_directories(root / "db");
  const auto imported = store::importBars(shards, "ETHUSDT", 60, records);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  std::vector<std::string> arguments{"rrr-train", "--models-dir", (root / "models").string(), "fit", "--name", "fromdb", "--db",
                                     (root / "db").string(), "--symbol", "ETHUSDT", "--epochs", "2"};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  ASSERT_EQ(runTrainCli(static_cast<int>(argv.size()), argv.data()), 0);
  const auto doc = nlohmann::json::parse(std::ifstream(root / "models/fromdb/1/model.json"));
  EXPECT_EQ(doc.at("data").at("rows").get<std::size_t>(), bars.size() - 60 - 15);
  EXPECT_NE(doc.at("data").at("source").get<std::string>().find("market_data"), std::string::npos);
  EXPECT_EQ(doc.at("data").at("from_ns").get<std::int64_t>(), bars[60].open_time_ns);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace rrr::train
