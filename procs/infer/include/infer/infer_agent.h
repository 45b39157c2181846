#pragma once
// rrr-infer: one Prediction per 1m Bar of each symbol on md, from the active model
// (data/models/active, see infer/model_package.h), with its id and version.
//
// - Features come from common/features, one FeatureStream per symbol; the last kHistoryBars bars
//   of each symbol are kept so that a newly activated model with other features starts warm.
//   On start, the bars before the resume point are read back from md for the same reason; a
//   symbol md holds none of (the ring made anew after a reboot, the store's data kept) has them
//   read from the store's market data at its first bar. A model over a window of rows (a GRU or
//   LSTM) predicts once its window is full.
// - The pointer's time is checked every second; a new model is loaded between two bars (hot swap: no
//   bar is skipped). A model that fails to load, or whose features are unknown or do not fit its
//   inputs: an error in the log, an Alert on pred, and no predictions until a good one is
//   activated (Degraded meanwhile). A NaN or infinite output: an Alert instead of that bar's
//   Prediction.
// - With no model activated at all, the built-in stand-in scores each bar's body,
//   tanh(100 * (close - open) / open), as model "bar-body" version 0.
// - For the store's ml_models: a ModelRecord for each complete model folder (on start, and within
//   a second of one appearing), and an ActiveModel whenever the model predicting changes.

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <variant>

#include "common/os/burst_cpu.h"
#include "common/process/transform_agent.h"
#include "features/feature_set.h"
#include "infer/model.h"
#include "infer/model_folder_scan.h"

namespace rrr::infer {

class InferAgent : public process::TransformAgent {
 public:
  static std::unique_ptr<InferAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  // Blocks on md; after rrr-ingest's heads-up that a bar is due, warms the model and spins.
  void idle(std::chrono::milliseconds max_wait) override;
  bool degraded() const override { return !problem_.empty(); }
  std::string degradedReason() const override { return problem_; }

 protected:
  Outcome handle(const msg::Envelope& input, std::uint64_t sequence, process::OutputStream& output) override;

 private:
  static constexpr std::size_t kHistoryBars = 1024;
  // How often the models folder is looked at for new packages and a changed `active` pointer.
  static constexpr auto kModelCheckEvery = std::chrono::seconds(1);
  // The check (~100-150 us) waits this long after a bar: the path the bar started (engine, risk)
  // would otherwise wait for this process's core (docs/LATENCY.md).
  static constexpr auto kCheckClearOfBar = std::chrono::milliseconds(2);
  static constexpr auto kQuietAfterBar = std::chrono::microseconds(500);
  // The quiet sleep's timeout: past the kernel's next tick (4 ms here), so that blocking does not
  // reprogram the core's timer device (a VM exit here, holding the core ~10-19 us while the close's
  // first intent waits for rrr-risk on it). The sleep then lasts until md's next message or this
  // timeout, so the put-off work waits up to 5 ms after a bar (docs/LATENCY.md).
  static constexpr auto kQuietSleepTimeout = std::chrono::milliseconds(5);
  struct Series {
    std::deque<features::Ohlcv> history;
    std::optional<features::FeatureStream> features;
    // The model's last window of feature rows, oldest first; `current` when the newest is at
    // history.back() (not while features warm up).
    std::deque<std::vector<double>> rows;
    bool current = false;

    void addRow(std::optional<std::vector<double>> row, std::size_t window);
  };

  InferAgent(process::InputStream md, process::OutputStream pred, std::filesystem::path models_dir, std::filesystem::path db_dir,
             std::int64_t interval_s);
  void warmFromRing();
  // The symbol's bars before open_time_ns that the store holds (up to kHistoryBars), into history.
  void warmFromStore(const std::string& symbol, std::deque<features::Ohlcv>& history, std::int64_t open_time_ns) const;
  void warmUp();
  flatbuffers::Offset<msg::Prediction> buildPrediction(flatbuffers::FlatBufferBuilder& fbb, const msg::Bar& bar, double logit) const;
  void checkActiveModel();
  void registerNewModels();
  bool publishRegistryUpdates();
  std::unique_ptr<Model> loadActiveModel();
  void rebuildFeatures(Series& series) const;
  ring::PublishStatus publishAlert(const std::string& message, std::string_view subject, std::int64_t event_time_ns,
                                   std::optional<std::uint64_t> cause);
  Outcome publishPrediction(const msg::Bar& bar, double logit, std::int64_t event_time_ns, std::uint64_t sequence, process::OutputStream& output);

  std::filesystem::path models_dir_;
  std::filesystem::path db_dir_;
  std::int64_t interval_s_;
  std::map<std::string, Series> series_;
  std::unique_ptr<Model> model_;
  std::string active_;   // the folder the pointer named when last read
  std::optional<std::filesystem::file_time_type> active_stamp_;   // the pointer's time then
  std::chrono::steady_clock::time_point next_check_{};
  std::chrono::steady_clock::time_point last_bar_at_{};   // when handle() last took a bar
  os::BurstCpu burst_cpu_{os::BurstCpu::Side::kOthers};    // the cores it shares with rrr-risk in a paced burst
  std::optional<std::string> pending_alert_;
  struct ActiveRef {
    std::string name;   // empty: none
    std::uint32_t version = 0;
  };
  ModelFolderScan folders_;
  std::deque<std::variant<ModelPackage, ActiveRef>> registry_updates_;   // for ml_models, in order
  std::string problem_;   // why nothing is predicted; empty while predicting
};

}  // namespace rrr::infer
