// Models on disk: TorchScript modules exported by PyTorch (an MLP on a row, a GRU over a window)
// give PyTorch's outputs; rrr-train's MLP and GRU weights load into the same layers; corrupt, mismatched and NaN-giving models are refused
// with an error that names what is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "infer/model.h"
#include "infer/networks.h"
#include "support/unique_name.h"

namespace rrr::infer {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(RRR_TEST_SOURCE_DIR) / "infer/fixtures";

class ModelLoading : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / rrr::testing::uniqueName("rrr-model-test");
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A copy of a fixture folder, to spoil.
  fs::path copyOf(const std::string& fixture) {
    const auto copy = dir_ / fixture;
    fs::copy(kFixtures / fixture, copy, fs::copy_options::recursive);
    return copy;
  }
  static void editJson(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
    auto doc = nlohmann::json::parse(std::ifstream(file));
    edit(doc);
    std::ofstream(file) << doc.dump();
  }

  fs::path dir_;
};

TEST_F(ModelLoading, TorchScriptFromPyTorchMatchesItsOutputsTo1e5) {
  const auto package = readModelPackage(kFixtures / "torchscript_mlp");
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_EQ(package->id(), "pytorch-mlp/1");
  auto model = Model::load(*package);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto expected = nlohmann::json::parse(std::ifstream(kFixtures / "torchscript_mlp/expected.json"));
  const auto rows = expected.at("rows").get<std::vector<std::vector<double>>>();
  const auto logits = expected.at("logits").get<std::vector<double>>();
  ASSERT_EQ(rows.size(), 64u);
  const auto got = (*model)->predict(rows);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) EXPECT_NEAR((*got)[i], logits[i], 1e-5) << "row " << i;
  // One row at a time gives the same as the batch.
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR((*(*model)->predict({rows[i]}))[0], logits[i], 1e-5);
}

// The window's layout is PyTorch's batch_first: [windows, rows oldest first, features].
TEST_F(ModelLoading, TorchScriptGruOverAWindowMatchesPyTorchTo1e5) {
  const auto package = readModelPackage(kFixtures / "torchscript_gru");
  ASSERT_TRUE(package.ok()) << package.error().message;
  ASSERT_EQ(package->window, 6u);
  auto model = Model::load(*package);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto expected = nlohmann::json::parse(std::ifstream(kFixtures / "torchscript_gru/expected.json"));
  const auto rows = expected.at("rows").get<std::vector<std::vector<double>>>();
  const auto logits = expected.at("logits").get<std::vector<double>>();
  ASSERT_EQ(logits.size(), rows.size() - 5);
  const auto got = (*model)->predict(rows);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) EXPECT_NEAR((*got)[i], logits[i], 1e-5) << "window " << i;
  // One window at a time, as rrr-infer predicts each bar.
  const std::vector<std::vector<double>> last(rows.end() - 6, rows.end());
  EXPECT_NEAR((*(*model)->predict(last))[0], logits.back(), 1e-5);
  const auto short_input = (*model)->predict({rows.begin(), rows.begin() + 5});
  ASSERT_FALSE(short_input.ok());
  EXPECT_NE(short_input.error().message.find("5 rows for a window of 6"), std::string::npos) << short_input.error().message;
}

TEST_F(ModelLoading, RrrTrainGruWeightsLoadIntoTheSameLayers) {
  torch::manual_seed(4);
  Network net("gru", 2, {6}, 2);
  net.save((dir_ / "weights.pt").string());
  std::ofstream(dir_ / "model.json") << R"({"name": "g", "version": 1, "kind": "gru", "file": "weights.pt", "hidden": [6], "layers": 2,
    "window": 3, "features": ["ret:1", "rsi:14"], "normalization": {"mean": [0, 0.5], "std": [1, 2]}, "horizon_bars": 15, "output": "logit"})";
  const auto package = readModelPackage(dir_);
  ASSERT_TRUE(package.ok()) << package.error().message;
  auto model = Model::load(*package);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const std::vector<std::vector<double>> rows{{0.01, 0.7}, {-0.02, 0.3}, {0.0, 0.5}, {0.03, 0.9}};
  const auto got = (*model)->predict(rows);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 2u);
  torch::NoGradGuard no_grad;
  net.train(false);
  for (std::size_t first = 0; first < 2; ++first) {
    auto window = torch::empty({1, 3, 2});
    for (std::int64_t r = 0; r < 3; ++r) {
      window[0][r][0] = rows[first + static_cast<std::size_t>(r)][0];
      window[0][r][1] = (rows[first + static_cast<std::size_t>(r)][1] - 0.5) / 2;
    }
    EXPECT_NEAR((*got)[first], net.forward(window).item<double>(), 1e-6) << "window " << first;
  }
}

TEST_F(ModelLoading, RrrTrainMlpWeightsLoadIntoTheSameLayers) {
  torch::manual_seed(3);
  auto net = makeMlp(3, {8, 4});
  torch::save(net, (dir_ / "weights.pt").string());
  std::ofstream(dir_ / "model.json") << R"({"name": "m", "version": 2, "kind": "mlp", "file": "weights.pt", "hidden": [8, 4],
    "features": ["ret:1", "rsi:14", "volz:20"], "normalization": {"mean": [0, 0.5, 0], "std": [1, 2, 1]}, "horizon_bars": 15, "output": "logit"})";
  const auto package = readModelPackage(dir_);
  ASSERT_TRUE(package.ok()) << package.error().message;
  auto model = Model::load(*package);
  ASSERT_TRUE(model.ok()) << model.error().message;
  // In service an mlp runs on the plain C++ path, which agreed with LibTorch at load.
  EXPECT_EQ((*model)->runtime().rfind("plain C++ dense layers", 0), 0u) << (*model)->runtime();
  const std::vector<double> row{0.01, 0.7, -1.5};
  torch::NoGradGuard no_grad;
  const double expected = net->forward(torch::tensor({{0.01F, 0.1F, -1.5F}})).item<double>();
  EXPECT_NEAR((*(*model)->predict({row}))[0], expected, 1e-6);
  // And a batch, row by row, as LibTorch gives it.
  const std::vector<std::vector<double>> rows{{0.5, 0.2, 3.0}, {-0.3, 0.9, -0.1}, {0.0, 0.5, 0.0}};
  const auto batch = (*model)->predict(rows);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  ASSERT_EQ(batch->size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto input = torch::tensor({{static_cast<float>(rows[i][0]), static_cast<float>((rows[i][1] - 0.5) / 2), static_cast<float>(rows[i][2])}});
    EXPECT_NEAR((*batch)[i], net->forward(input).item<double>(), 1e-6) << "row " << i;
  }
}

TEST_F(ModelLoading, CorruptWeightsAreRefusedNamingTheFile) {
  const auto copy = copyOf("torchscript_mlp");
  std::ofstream(copy / "model.pt", std::ios::trunc) << "this is not a TorchScript archive";
  auto model = Model::load(*readModelPackage(copy));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("model.pt: cannot load"), std::string::npos) << model.error().message;
}

TEST_F(ModelLoading, FeaturesThatDoNotMatchTheModelsInputsAreRefused) {
  const auto copy = copyOf("torchscript_mlp");
  editJson(copy / "model.json", [](nlohmann::json& doc) {
    doc["features"] = {"ret:1", "ret:5", "rsi:14"};
    doc["normalization"] = {{"mean", {0, 0, 0}}, {"std", {1, 1, 1}}};
  });
  auto model = Model::load(*readModelPackage(copy));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("refused"), std::string::npos) << model.error().message;
}

TEST_F(ModelLoading, UnknownFeaturesAndBadMetadataAreErrorsNamingTheField) {
  const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> spoilers{
      {[](nlohmann::json& d) { d["features"][1] = "momentum:5"; }, "'features': feature 'momentum:5' is unknown"},
      {[](nlohmann::json& d) { d.erase("normalization"); }, "'normalization' is missing"},
      {[](nlohmann::json& d) { d["normalization"]["std"][0] = 0; }, "normalization of feature 'ret:1'"},
      {[](nlohmann::json& d) { d["normalization"]["mean"].erase(0); }, "normalization has 4 means"},
      {[](nlohmann::json& d) { d["kind"] = "onnx"; }, "'kind' must be torchscript, mlp, gru or lstm"},
      {[](nlohmann::json& d) { d["kind"] = "gru"; d["hidden"] = {8}; d["layers"] = 1; }, "'window' is missing"},
      {[](nlohmann::json& d) { d["kind"] = "lstm"; d["hidden"] = {8, 4}; d["layers"] = 1; d["window"] = 4; }, "'hidden' must hold one width"},
      {[](nlohmann::json& d) { d["kind"] = "mlp"; d["hidden"] = {8}; d["window"] = 4; }, "'window' must be 1 for an mlp"},
      {[](nlohmann::json& d) { d["window"] = 0; }, "'window' must be from 1 to 512"},
      {[](nlohmann::json& d) { d["version"] = 0; }, "'version' must be"},
      {[](nlohmann::json& d) { d["file"] = "missing.pt"; }, "missing.pt does not exist"},
  };
  for (const auto& [spoil, expected] : spoilers) {
    fs::remove_all(dir_ / "torchscript_mlp");
    const auto copy = copyOf("torchscript_mlp");
    editJson(copy / "model.json", spoil);
    const auto package = readModelPackage(copy);
    ASSERT_FALSE(package.ok()) << expected;
    EXPECT_NE(package.error().message.find(expected), std::string::npos) << package.error().message;
    EXPECT_NE(package.error().message.find("model.json"), std::string::npos) << package.error().message;
  }
  std::ofstream(dir_ / "torchscript_mlp/model.json", std::ios::trunc) << "{\"name\": ";
  EXPECT_FALSE(readModelPackage(dir_ / "torchscript_mlp").ok());
}

TEST_F(ModelLoading, AModelThatGivesNaNIsRefused) {
  auto model = Model::load(*readModelPackage(kFixtures / "torchscript_nan"));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("not finite"), std::string::npos) << model.error().message;
}

TEST_F(ModelLoading, TheActivePointerNamesAModelFolder) {
  EXPECT_FALSE(activeModelDir(dir_)->has_value());   // none active
  std::ofstream(dir_ / "active") << "default/3\n";
  EXPECT_EQ(activeModelDir(dir_)->value(), dir_ / "default/3");
  for (const char* bad : {"default", "/3", "../x/1", "default/"}) {
    std::ofstream(dir_ / "active", std::ios::trunc) << bad;
    const auto active = activeModelDir(dir_);
    ASSERT_FALSE(active.ok()) << bad;
    EXPECT_NE(active.error().message.find("expected NAME/VERSION"), std::string::npos);
  }
}

}  // namespace
}  // namespace rrr::infer
