// rrr-bench-infer: the default model (as scripts/start trains it) on this machine:
//   - training time (rrr-train fit --name default: 60 synthetic days, 15-bar horizon);
//   - per-bar inference latency as rrr-infer pays it: the bar's feature update and one row
//     through the model, p50 and p99 over a day of synthetic bars after the warm-up;
//   - batch throughput: predictions per second at batch 4096.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "features/feature_set.h"
#include "infer/model.h"
#include "latency_summary.h"
#include "train/train_commands.h"
#include "train/training_bars.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::int64_t nsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rrr-bench-infer: training time, per-bar inference latency and batch throughput of the default model"};
  int batches = 50;
  app.add_option("--batches", batches, "batches of 4096 rows to time")->check(CLI::Range(1, 10000));
  CLI11_PARSE(app, argc, argv);

  const auto models = fs::temp_directory_path() / ("rrr-bench-infer-" + std::to_string(getpid()));
  std::vector<std::string> arguments{"rrr-train", "--models-dir", models.string(), "fit", "--name", "default"};
  std::vector<char*> argv_fit;
  for (auto& argument : arguments) argv_fit.push_back(argument.data());
  const auto train_start = Clock::now();
  if (rrr::train::runTrainCli(static_cast<int>(argv_fit.size()), argv_fit.data()) != 0) return 1;
  const double train_seconds = static_cast<double>(nsSince(train_start)) / 1e9;

  const auto package = rrr::infer::readModelPackage(models / "default/1");
  if (!package.ok()) return 1;
  auto model = rrr::infer::Model::load(*package);
  if (!model.ok()) return 1;

  // A day of bars the model was not trained on.
  const auto bars = rrr::train::syntheticBars(1, 99, "BTCUSDT");
  auto stream = rrr::features::FeatureStream::create(package->features);
  std::vector<std::int64_t> per_bar;
  std::vector<std::vector<double>> rows;
  for (const auto& bar : bars) {
    const auto start = Clock::now();
    const auto row = stream->update(bar);
    if (!row) continue;
    const auto logit = (*model)->predict({*row});
    per_bar.push_back(nsSince(start));
    if (!logit.ok()) return 1;
    rows.push_back(*row);
  }
  std::vector<std::vector<double>> batch;
  while (batch.size() < 4096) batch.insert(batch.end(), rows.begin(), rows.begin() + std::min(rows.size(), 4096 - batch.size()));
  (void)(*model)->predict(batch);   // warm-up
  const auto batch_start = Clock::now();
  for (int i = 0; i < batches; ++i) {
    if (!(*model)->predict(batch).ok()) return 1;
  }
  const double per_second = 4096.0 * batches / (static_cast<double>(nsSince(batch_start)) / 1e9);
  fs::remove_all(models);

  const auto summary = rrr::bench::summarize(per_bar, 100);
  std::printf("training the default model (60 synthetic days, %zu features): %.1f s\n", package->features.size(), train_seconds);
  std::printf("per-bar inference (features + one row), us: p50 %.1f  p99 %.1f  max %.1f  (%zu bars)\n", summary.p50_us, summary.p99_us,
              summary.max_us, summary.samples);
  std::printf("batch 4096 throughput: %.0f predictions/s\n", per_second);
  return 0;
}
