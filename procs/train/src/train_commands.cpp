#include "train/train_commands.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/os/durable_file.h"
#include "features/feature_set.h"
#include "infer/model.h"
#include "ingest/market_file.h"
#include "ingest/ohlcv_file.h"
#include "store/market_reader.h"
#include "train/model_trainer.h"
#include "train/training_bars.h"

namespace rrr::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct FitOptions {
  std::string name;
  std::size_t synthetic_days = 60;
  std::uint64_t seed = 7;
  std::string symbol = "BTCUSDT";
  ingest::OhlcvFileOptions file;
  std::string db_dir;           // market_data_YYYY_MM.db files: the symbol's 1m bars from them
  std::size_t horizon = 15;
  TrainOptions model;
  bool activate = false;
};

std::uint32_t nextVersion(const fs::path& model_dir) {
  std::uint32_t last = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(model_dir, error)) {
    const auto name = entry.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name.size() < 10) {
      last = std::max(last, static_cast<std::uint32_t>(std::stoul(name)));
    }
  }
  return last + 1;
}

json evaluationJson(const Evaluation& e) {
  return {{"loss", e.loss}, {"accuracy", e.accuracy}, {"rows", e.rows}, {"up_share", e.up_share}};
}

// model.json is written last, after the weights are on the disk: a folder with one is complete.
bool writeModelJson(const fs::path& dir, const json& model) {
  auto status = os::flushFileToDisk(dir / model.at("file").get<std::string>());
  if (status.ok()) status = os::replaceFileDurably(dir / "model.json", model.dump(1) + "\n");
  if (!status.ok()) std::fprintf(stderr, "%s\n", status.error().message.c_str());
  return status.ok();
}

// Writes the pointer as activation does everywhere: after checking that rrr-infer could load it.
int activate(const fs::path& models_dir, const std::string& id) {
  const auto dir = models_dir / id;
  const auto package = infer::readModelPackage(dir);
  if (!package.ok()) {
    std::fprintf(stderr, "%s\n", package.error().message.c_str());
    return 1;
  }
  if (package->id() != id) {
    std::fprintf(stderr, "%s holds model %s, not %s\n", dir.c_str(), package->id().c_str(), id.c_str());
    return 1;
  }
  const auto model = infer::Model::load(*package);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  if (auto status = os::replaceFileDurably(models_dir / "active", id + "\n"); !status.ok()) {
    std::fprintf(stderr, "%s\n", status.error().message.c_str());
    return 1;
  }
  std::printf("active: %s\n", id.c_str());
  return 0;
}

int fit(const fs::path& models_dir, const FitOptions& options) {
  std::vector<features::Ohlcv> bars;
  std::string source;
  if (!options.db_dir.empty()) {
    // Every month from 1970 to 2100 (the times the readers accept): each shard present is read.
    const auto stored = store::readBars(options.db_dir, options.symbol, 60, 0, ingest::kLatestTimeNs);
    if (!stored.ok()) {
      std::fprintf(stderr, "%s\n", stored.error().message.c_str());
      return 1;
    }
    const auto real = [](std::int64_t e8) { return static_cast<double>(e8) / 1e8; };
    for (const auto& bar : *stored) {
      bars.push_back({bar.open_time_ns, real(bar.open_e8), real(bar.high_e8), real(bar.low_e8), real(bar.close_e8), real(bar.volume_e8)});
    }
    source = "market_data in " + options.db_dir + ", " + options.symbol + " 1m";
  } else if (!options.file.path.empty()) {
    auto read = ingest::readOhlcvFile(options.file);
    if (!read.ok()) {
      std::fprintf(stderr, "%s\n", read.error().message.c_str());
      return 1;
    }
    bars = std::move(read).value();
    source = "file " + options.file.path;
  } else {
    bars = syntheticBars(options.synthetic_days, options.seed, options.symbol);
    source = "synthetic market, seed " + std::to_string(options.seed) + ", " + options.symbol + ", " + std::to_string(options.synthetic_days) + " days";
  }
  const auto names = features::defaultFeatureNames();
  const auto data = buildDataset(bars, names, options.horizon);
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", data.error().message.c_str());
    return 1;
  }
  const auto split = chronologicalSplit(*data, 0.7, 0.15, options.horizon);
  const auto normalization = fitNormalization(split.train);
  const auto version = nextVersion(models_dir / options.name);
  const auto dir = models_dir / options.name / std::to_string(version);
  fs::create_directories(dir);
  std::fprintf(stderr, "%zu bars from the %s: %zu training, %zu validation, %zu test rows; %zu features, horizon %zu bars\n", bars.size(),
               source.c_str(), split.train.size(), split.validation.size(), split.test.size(), names.size(), options.horizon);
  const auto result = trainModel(*data, split, normalization, options.model, dir / "weights.pt", [](const EpochReport& r) {
    std::fprintf(stderr, "epoch %d/%d  loss %.5f  validation %.5f%s  %.1f s, ETA %.0f s\n", r.epoch, r.max_epochs, r.train_loss, r.validation_loss,
                 r.best ? " (best)" : "", r.seconds, r.eta_seconds);
  });
  if (!result.ok()) {
    fs::remove_all(dir);
    std::fprintf(stderr, "%s\n", result.error().message.c_str());
    return 1;
  }
  const double chance = std::max(result->test.up_share, 1.0 - result->test.up_share);
  const json model{
      {"name", options.name},
      {"version", version},
      {"kind", options.model.kind},
      {"file", "weights.pt"},
      {"hidden", options.model.hidden},
      {"layers", options.model.layers},
      {"window", options.model.window},
      {"features", names},
      {"normalization", {{"mean", normalization.mean}, {"std", normalization.stddev}}},
      {"horizon_bars", options.horizon},
      {"output", "logit"},
      {"target", "close higher after horizon_bars"},
      {"metrics",
       {{"train", evaluationJson(result->train)},
        {"validation", evaluationJson(result->validation)},
        {"test", evaluationJson(result->test)},
        {"test_chance_accuracy", chance},
        {"epochs_run", result->epochs_run},
        {"best_epoch", result->best_epoch},
        {"training_seconds", result->seconds}}},
      {"data", {{"source", source}, {"from_ns", data->times.front()}, {"to_ns", data->times.back()}, {"rows", data->size()},
                {"train_to_ns", split.train.times.back()}, {"test_from_ns", split.test.times.front()}}},
      {"seed", options.model.seed},
      {"created_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count()}};
  if (!writeModelJson(dir, model)) return 1;
  std::printf("%s/%u: test accuracy %.4f (always guessing the commoner direction: %.4f), test loss %.5f, %d epochs, %.1f s\n",
              options.name.c_str(), version, result->test.accuracy, chance, result->test.loss, result->epochs_run, result->seconds);
  return options.activate ? activate(models_dir, options.name + "/" + std::to_string(version)) : 0;
}

int list(const fs::path& models_dir) {
  const auto active = infer::activeModelDir(models_dir);
  std::error_code error;
  for (const auto& name : fs::directory_iterator(models_dir, error)) {
    if (!name.is_directory()) continue;
    for (const auto& version : fs::directory_iterator(name.path(), error)) {
      const auto package = infer::readModelPackage(version.path());
      const bool is_active = active.ok() && active->has_value() && fs::equivalent(**active, version.path(), error);
      if (!package.ok()) {
        std::printf("%s %s/%s  unreadable: %s\n", is_active ? "*" : " ", name.path().filename().c_str(), version.path().filename().c_str(),
                    package.error().message.c_str());
        continue;
      }
      const auto doc = json::parse(std::ifstream(version.path() / "model.json"), nullptr, false);
      const double accuracy = doc.is_object() ? doc.value("/metrics/test/accuracy"_json_pointer, -1.0) : -1.0;
      std::printf("%s %-24s %-12s horizon %-4u test accuracy %s\n", is_active ? "*" : " ", package->id().c_str(), package->kind.c_str(),
                  package->horizon_bars, accuracy >= 0 ? std::to_string(accuracy).c_str() : "-");
    }
  }
  return 0;
}

int describe(const fs::path& models_dir, const std::string& id) {
  std::ifstream in(models_dir / id / "model.json");
  if (!in) {
    std::fprintf(stderr, "%s: no such model\n", (models_dir / id).c_str());
    return 1;
  }
  std::printf("%s", std::string(std::istreambuf_iterator<char>(in), {}).c_str());
  return 0;
}

}  // namespace

int runTrainCli(int argc, char** argv) {
  CLI::App app{"rrr-train: trains rrr-infer's models and manages data/models"};
  std::string models_dir = "data/models";
  app.add_option("--models-dir", models_dir, "the models folder rrr-infer reads (its models_dir setting)");
  app.require_subcommand(1);
  FitOptions options;
  auto* fit_command = app.add_subcommand("fit", "train a model on bars and write the next version of NAME");
  fit_command->add_option("--name", options.name, "the model's name")->required();
  fit_command->add_option("--synthetic-days", options.synthetic_days, "days of the synthetic market to train on")->check(CLI::Range(1, 3650));
  fit_command->add_option("--seed", options.seed, "the synthetic market's seed (and the trainer's)");
  fit_command->add_option("--symbol", options.symbol, "the symbol (synthetic market or --db)");
  fit_command->add_option("--file", options.file.path, "train on an OHLCV file instead");
  fit_command->add_option("--db", options.db_dir, "train on --symbol's 1m bars in market_data (the folder of market_data_YYYY_MM.db, e.g. data/db)");
  fit_command->add_option("--format", options.file.format, "the file's format (default: guessed by name)");
  fit_command->add_option("--time-column", options.file.time_column, "csv: the time column");
  fit_command->add_option("--time-unit", options.file.time_unit, "csv: auto, s, ms, us, ns or datetime");
  fit_command->add_option("--horizon", options.horizon, "bars ahead the direction is predicted over")->check(CLI::Range(1, 10000));
  fit_command->add_option("--epochs", options.model.max_epochs, "at most this many epochs")->check(CLI::Range(1, 10000));
  fit_command->add_option("--patience", options.model.patience, "stop after this many epochs without a better validation loss");
  fit_command->add_option("--kind", options.model.kind, "mlp (on the last feature row), gru or lstm (over --window rows)")
      ->check(CLI::IsMember({"mlp", "gru", "lstm"}));
  auto* hidden = fit_command->add_option("--hidden", options.model.hidden, "mlp: hidden layer widths (default 32,16); gru, lstm: the width (default 32)")
      ->delimiter(',');
  auto* window = fit_command->add_option("--window", options.model.window, "gru, lstm: feature rows per prediction (default 16)")
      ->check(CLI::Range(1, 512));
  fit_command->add_option("--layers", options.model.layers, "gru, lstm: stacked recurrent layers")->check(CLI::Range(1, 8));
  fit_command->add_flag("--activate", options.activate, "activate the model once written");
  std::string id;
  app.add_subcommand("list", "the models and their test accuracy; * marks the active one");
  auto* activate_command = app.add_subcommand("activate", "make NAME/VERSION the model rrr-infer predicts with (it switches without a restart)");
  activate_command->add_option("model", id, "NAME/VERSION")->required();
  auto* describe_command = app.add_subcommand("describe", "a model's model.json: features, normalization, metrics, data");
  describe_command->add_option("model", id, "NAME/VERSION")->required();
  CLI11_PARSE(app, argc, argv);
  options.model.seed = options.seed;
  if (options.model.kind != "mlp") {
    if (hidden->count() == 0) options.model.hidden = {32};
    if (window->count() == 0) options.model.window = 16;
  } else if (options.model.window != 1) {
    std::fprintf(stderr, "--window: an mlp reads one feature row; use --kind gru or lstm for a window\n");
    return 2;
  }
  if (fit_command->parsed()) return fit(models_dir, options);
  if (activate_command->parsed()) return activate(models_dir, id);
  if (describe_command->parsed()) return describe(models_dir, id);
  return list(models_dir);
}

}  // namespace rrr::train
