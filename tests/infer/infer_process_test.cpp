// rrr-infer as a real process under load (a bar per symbol every 10 ms): models (on one row, and
// a GRU over a window) are switched while bars flow without a bar left unpredicted; a model that
// gives NaN, or cannot be loaded, is an Alert and no predictions, until a good one is activated;
// every model folder, trained before the start or while running, is registered in ml_models with
// its test metrics, and the one predicting is marked active; on rings made anew (a reboot) the
// features are warm from the store's bars at once.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "../supervisor/rrr_system.h"

namespace rrr::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Status = std::map<std::string, nlohmann::json>;

const fs::path kFixtures = fs::path(RRR_TEST_SOURCE_DIR) / "infer/fixtures";

std::vector<long long> column(const RrrSystem& sut, const std::string& sql, const std::string& db = "trading") {
  const auto result = sut.db({"query", sql, "--db", db, "--format", "csv"});
  std::vector<long long> values;
  std::istringstream lines(result.output);
  std::string line;
  std::getline(lines, line);   // header
  while (std::getline(lines, line)) values.push_back(std::atoll(line.c_str()));
  return values;
}

// Copies a fixture in as data/models/NAME/VERSION.
fs::path install(const RrrSystem& sut, const std::string& fixture, const std::string& name, int version) {
  const auto models = sut.root() / "data/models";
  const auto dir = models / name / std::to_string(version);
  fs::create_directories(dir);
  fs::copy(kFixtures / fixture, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  auto doc = nlohmann::json::parse(std::ifstream(dir / "model.json"));
  doc["name"] = name;
  doc["version"] = version;
  std::ofstream(dir / "model.json") << doc.dump();
  return dir;
}

// Points data/models/active at NAME/VERSION, as activation does: write, then rename.
void point(const RrrSystem& sut, const std::string& name, int version) {
  const auto models = sut.root() / "data/models";
  std::ofstream(models / "active.tmp") << name << "/" << version << "\n";
  fs::rename(models / "active.tmp", models / "active");
}

void activate(const RrrSystem& sut, const std::string& fixture, const std::string& name, int version) {
  install(sut, fixture, name, version);
  point(sut, name, version);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(InferProcess, ModelsSwitchUnderLoadWithoutABarLeftUnpredicted) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto predicted_by = [&](const std::string& model, int version) {
    return count(sut, "SELECT count(*) FROM ml_predictions WHERE model_id = '" + model + "' AND model_version = " + std::to_string(version));
  };
  ASSERT_TRUE(eventually([&] { return predicted_by("bar-body", 0) > 20; }, 20s)) << "the stand-in predicts before any model is active";
  activate(sut, "torchscript_mlp", "pytorch-mlp", 1);
  ASSERT_TRUE(eventually([&] { return predicted_by("pytorch-mlp", 1) > 50; }, 20s));
  activate(sut, "torchscript_mlp", "pytorch-mlp", 2);
  ASSERT_TRUE(eventually([&] { return predicted_by("pytorch-mlp", 2) > 50; }, 20s));
  // A GRU over 6 rows: its window is full at once from the bars already seen.
  activate(sut, "torchscript_gru", "pytorch-gru", 1);
  ASSERT_TRUE(eventually([&] { return predicted_by("pytorch-gru", 1) > 50; }, 20s));
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_models WHERE active = 1 AND model_id = 'pytorch-gru' AND window_rows = 6"), 1);
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_models WHERE active = 0 AND model_id = 'pytorch-mlp' AND kind = 'torchscript'"), 2);
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);

  for (const std::string symbol : {"BTCUSDT", "ETHUSDT"}) {
    const auto predicted = column(sut, "SELECT bar_open_time_ns FROM ml_predictions WHERE symbol = '" + symbol + "' ORDER BY 1");
    ASSERT_FALSE(predicted.empty());
    const std::set<long long> predicted_set(predicted.begin(), predicted.end());
    EXPECT_EQ(predicted_set.size(), predicted.size()) << symbol << ": one prediction per bar";
    const auto bars = sut.db({"bars", symbol, "--interval", "60"});
    ASSERT_EQ(bars.exit_code, 0) << bars.output;
    std::istringstream lines(bars.output);
    std::string line;
    std::getline(lines, line);
    std::size_t checked = 0;
    while (std::getline(lines, line)) {
      const long long open_ns = std::atoll(line.c_str());   // open_time_ns,symbol,...
      if (open_ns < predicted.front() || open_ns > predicted.back()) continue;
      EXPECT_TRUE(predicted_set.contains(open_ns)) << symbol << " bar " << line << " has no prediction";
      ++checked;
    }
    EXPECT_GT(checked, 100u) << symbol;
  }
  // Each switch happened between bars: the models' bars do not overlap.
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_predictions a JOIN ml_predictions b ON a.symbol = b.symbol AND "
                       "a.bar_open_time_ns = b.bar_open_time_ns AND (a.model_id, a.model_version) != (b.model_id, b.model_version)"),
            0);
}

// Unpaced, bars keep coming: rrr-infer's model check, kept clear of bars where it can be, runs
// in the pauses of the feed or once it is a whole interval late, and an activation still takes
// effect within seconds, for good.
TEST(InferProcess, AnActivationTakesEffectUnderAnUnpacedFeed) {
  auto config = pipelineConfig();
  replaceOnce(config, "settings: {pace: 6000x}", "settings: {pace: fast}");
  RrrSystem sut(config);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto predicted_by = [&](const std::string& model, int version) {
    return count(sut, "SELECT count(*) FROM ml_predictions WHERE model_id = '" + model + "' AND model_version = " + std::to_string(version));
  };
  ASSERT_TRUE(eventually([&] { return predicted_by("bar-body", 0) > 1000; }, 20s));
  activate(sut, "torchscript_mlp", "pytorch-mlp", 1);
  ASSERT_TRUE(eventually([&] { return predicted_by("pytorch-mlp", 1) > 1000; }, 20s));
  const auto stand_in = predicted_by("bar-body", 0);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(predicted_by("bar-body", 0), stand_in) << "the switch is for good";
}

TEST(InferProcess, NaNAndUnloadableModelsAreAlertsAndNoPredictions) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  activate(sut, "torchscript_nan", "nan", 1);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM alerts WHERE rule = 'model' AND message LIKE '%not finite%'") > 0; }, 20s));
  EXPECT_TRUE(sut.waitFor([](const Status& s) {
    return s.at("infer")["state"] == "Degraded" && s.at("infer")["last_exit"].get<std::string>().find("nan/1 not loaded") != std::string::npos;
  }, 10s));
  EXPECT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_models WHERE model_id = 'nan'") == 1; }, 10s));
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_models WHERE active = 1"), 0) << "no model is predicting";
  const auto before = count(sut, "SELECT count(*) FROM ml_predictions");
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_predictions"), before) << "no predictions while the active model is bad";
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_predictions WHERE model_id = 'nan'"), 0);

  const auto broken = install(sut, "torchscript_mlp", "broken", 1);
  std::ofstream(broken / "model.pt", std::ios::trunc) << "not a model";
  point(sut, "broken", 1);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM alerts WHERE rule = 'model' AND message LIKE '%cannot load%'") > 0; }, 20s));

  activate(sut, "torchscript_mlp", "good", 1);
  EXPECT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_predictions WHERE model_id = 'good'") > 10; }, 20s));
  EXPECT_TRUE(sut.waitFor([](const Status& s) { return s.at("infer")["state"] == "Ready"; }, 10s));
}

int train(const RrrSystem& sut, const std::string& arguments) {
  const auto command = binDirectory() + "/rrr-train --models-dir " + (sut.root() / "data/models").string() + " " + arguments + " >/dev/null 2>&1";
  return std::system(command.c_str());
}

std::string text(const RrrSystem& sut, const std::string& sql) {
  const auto result = sut.db({"query", sql, "--format", "csv"});
  const auto newline = result.output.find('\n');
  return newline == std::string::npos ? "" : result.output.substr(newline + 1, result.output.find('\n', newline + 1) - newline - 1);
}

TEST(InferProcess, ModelsAreRegisteredInMlModelsWithTheirTestMetrics) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(train(sut, "fit --name early --synthetic-days 8 --epochs 2 --activate"), 0);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_models WHERE model_id = 'early' AND active = 1") == 1; }, 20s));
  const auto doc = nlohmann::json::parse(std::ifstream(sut.root() / "data/models/early/1/model.json"));
  for (const std::string metric : {"accuracy", "loss"}) {
    const auto value = doc.at("metrics").at("test").at(metric).get<double>();
    EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_models WHERE model_id = 'early' AND abs(json_extract(metrics_json, '$.test." + metric +
                             "') - " + std::to_string(value) + ") < 1e-6"), 1) << metric << " " << value;
  }
  EXPECT_EQ(count(sut, "SELECT train_from_ns FROM ml_models WHERE model_id = 'early'"), doc.at("data").at("from_ns").get<long long>());
  EXPECT_EQ(count(sut, "SELECT train_to_ns FROM ml_models WHERE model_id = 'early'"), doc.at("data").at("train_to_ns").get<long long>());
  EXPECT_EQ(count(sut, "SELECT json_array_length(features) FROM ml_models WHERE model_id = 'early'"), static_cast<long long>(doc.at("features").size()));
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_models, json_each(ml_models.features) WHERE value = 'macd:12,26,9'"), 1);

  // Trained while the system runs: registered within seconds, not active until activated.
  ASSERT_EQ(train(sut, "fit --name late --kind gru --window 4 --hidden 8 --synthetic-days 8 --epochs 1"), 0);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_models WHERE model_id = 'late' AND kind = 'gru' AND window_rows = 4 AND active = 0") == 1; }, 20s));
  ASSERT_EQ(train(sut, "activate late/1"), 0);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_predictions WHERE model_id = 'late'") > 10; }, 20s));
  EXPECT_TRUE(eventually([&] { return text(sut, "SELECT group_concat(model_id) FROM ml_models WHERE active = 1") == "late"; }, 10s));

  // A restart announces them again: the rows are replaced, not added.
  const auto infer = sut.pidOf("infer");
  ASSERT_EQ(sut.supervisor({"restart", "infer"}).exit_code, 0);
  ASSERT_TRUE(sut.waitFor([&](const Status& s) { return s.at("infer")["pid"] != infer && s.at("infer")["state"] == "Ready"; }, 20s));
  EXPECT_EQ(count(sut, "SELECT count(*) FROM ml_models"), 2);
  EXPECT_EQ(text(sut, "SELECT group_concat(model_id) FROM ml_models WHERE active = 1"), "late");
}

std::vector<long long> barTimes(const RrrSystem& sut, const std::string& sql) { return column(sut, sql, "market_data_2024_01"); }

// A reboot clears the rings, so md holds no bar before the first new one: rrr-infer reads them from
// the store, and the bars right after the start are predicted (cold features would give nothing
// for their warm-up, ~35 bars for the MACD among them).
TEST(InferProcess, OnRingsMadeAnewTheFirstBarIsPredictedFromTheStoresBars) {
  RrrSystem sut(pipelineConfig());
  ASSERT_EQ(train(sut, "fit --name warm --synthetic-days 8 --epochs 2 --activate"), 0);
  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_predictions WHERE symbol = 'BTCUSDT'") > 100; }, 30s));
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto last = count(sut, "SELECT max(bar_open_time_ns) FROM ml_predictions WHERE symbol = 'BTCUSDT'");
  ASSERT_EQ(barTimes(sut, "SELECT max(open_time_ns) FROM market_data WHERE symbol = 'BTCUSDT' AND interval_s = 60"),
            std::vector<long long>{last}) << "the stop let rrr-infer predict every bar published";
  ASSERT_EQ(sut.supervisor({"remove-rings"}).exit_code, 0);

  ASSERT_EQ(sut.supervisor({"start"}).exit_code, 0);
  const auto after = "symbol = 'BTCUSDT' AND bar_open_time_ns > " + std::to_string(last);
  ASSERT_TRUE(eventually([&] { return count(sut, "SELECT count(*) FROM ml_predictions WHERE " + after) > 50; }, 30s));
  ASSERT_EQ(sut.supervisor({"stop"}).exit_code, 0);
  const auto bars = barTimes(sut, "SELECT open_time_ns FROM market_data WHERE symbol = 'BTCUSDT' AND interval_s = 60 AND open_time_ns > " +
                                      std::to_string(last) + " ORDER BY 1");
  ASSERT_FALSE(bars.empty());
  EXPECT_EQ(bars.front(), last + 60'000'000'000LL) << "the feed went on after the store's last bar";
  EXPECT_EQ(column(sut, "SELECT bar_open_time_ns FROM ml_predictions WHERE " + after + " ORDER BY 1"), bars)
      << "every bar after the start predicted, the first one included";
}

}  // namespace
}  // namespace rrr::testing
