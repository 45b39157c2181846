#include "infer/infer_agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"
#include "store/market_reader.h"

namespace rrr::infer {
namespace {

using namespace std::chrono_literals;

double real(std::int64_t e8) { return static_cast<double>(e8) / 1e8; }

features::Ohlcv ohlcvOf(const msg::Bar& bar) {
  return {bar.open_time_ns(), real(bar.open_e8()), real(bar.high_e8()), real(bar.low_e8()), real(bar.close_e8()), real(bar.volume_e8())};
}

features::Ohlcv ohlcvOf(const store::StoredBar& bar) {
  return {bar.open_time_ns, real(bar.open_e8), real(bar.high_e8), real(bar.low_e8), real(bar.close_e8), real(bar.volume_e8)};
}

}  // namespace

std::unique_ptr<InferAgent> InferAgent::create(process::ProcessRuntime& runtime) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  const auto models = settings->get<std::string>("models_dir", (runtime.context().data_dir / "models").string());
  const auto interval_s = settings->get<std::int64_t>("interval_s", 60);
  if (settings->error()) {
    spdlog::error("{}", *settings->error());
    return nullptr;
  }
  auto md = process::attachInput(runtime, "md");
  auto pred = process::openOutput(runtime, "pred");
  if (!md || !pred) return nullptr;
  auto agent = std::unique_ptr<InferAgent>(new InferAgent(std::move(*md), std::move(*pred), models, runtime.context().data_dir / "db", interval_s));
  agent->warmFromRing();
  agent->checkActiveModel();
  return agent;
}

InferAgent::InferAgent(process::InputStream md, process::OutputStream pred, std::filesystem::path models_dir, std::filesystem::path db_dir,
                       std::int64_t interval_s)
    : TransformAgent(std::move(md), std::move(pred)),
      models_dir_(models_dir),
      db_dir_(std::move(db_dir)),
      interval_s_(interval_s),
      folders_(std::move(models_dir)) {}

// The bars before the resume point that md still holds, so that features are warm at once.
void InferAgent::warmFromRing() {
  const auto& segment = input().consumer().segment();
  const std::uint64_t end = input().consumer().cursor();
  const std::uint64_t capacity = segment.config().capacity;
  const std::uint64_t lookback = std::min<std::uint64_t>(capacity, 8 * kHistoryBars);
  std::size_t bars = 0;
  for (std::uint64_t sequence = end > lookback ? end - lookback : 0; sequence < end; ++sequence) {
    const auto bytes = segment.copyPublished(sequence);
    if (!bytes) continue;
    const auto decoded = messages::decode(*bytes);
    if (!decoded.ok()) continue;
    const auto* bar = decoded.value()->body_as_Bar();
    if (bar == nullptr || bar->interval_s() != interval_s_) continue;
    auto& history = series_[bar->symbol()->str()].history;
    history.push_back(ohlcvOf(*bar));
    if (history.size() > kHistoryBars) history.pop_front();
    ++bars;
  }
  if (bars > 0) spdlog::info("read back {} bars before the resume point to warm the features", bars);
}

void InferAgent::warmFromStore(const std::string& symbol, std::deque<features::Ohlcv>& history, std::int64_t open_time_ns) const {
  const std::int64_t interval_ns = interval_s_ * 1'000'000'000;
  const auto bars = store::readBars(db_dir_, symbol, interval_s_, open_time_ns - static_cast<std::int64_t>(kHistoryBars) * interval_ns,
                                    open_time_ns);
  if (!bars.ok()) {
    spdlog::warn("{}: the bars before its first one could not be read from the store ({}); its features start cold", symbol,
                 bars.error().message);
    return;
  }
  if (bars->empty()) return;
  for (const auto& bar : *bars) history.push_back(ohlcvOf(bar));
  while (history.size() > kHistoryBars - 1) history.pop_front();   // room for the bar that asked
  spdlog::info("{}: read {} bars before its first one from the store to warm the features (ring md held none)", symbol, history.size());
}

void InferAgent::Series::addRow(std::optional<std::vector<double>> row, std::size_t window) {
  current = row.has_value();
  if (!row) return;
  rows.push_back(std::move(*row));
  while (rows.size() > window) rows.pop_front();
}

void InferAgent::rebuildFeatures(Series& series) const {
  series.features.reset();
  series.rows.clear();
  series.current = false;
  if (!model_) return;
  auto stream = features::FeatureStream::create(model_->package().features);
  if (!stream.ok()) return;   // checked when the package was read
  for (const auto& bar : series.history) series.addRow(stream->update(bar), model_->window());
  series.features.emplace(std::move(stream).value());
}

void InferAgent::checkActiveModel() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + kModelCheckEvery;
  registerNewModels();
  std::error_code error;
  auto stamp = std::filesystem::last_write_time(models_dir_ / "active", error);
  if (error) stamp = {};
  // Activation renames a new pointer into place, so its time changes: read it only then.
  if (active_stamp_ && stamp == *active_stamp_) return;
  active_stamp_ = stamp;
  model_ = loadActiveModel();
  for (auto& [symbol, series] : series_) rebuildFeatures(series);
  if (model_ && folders_.markReported(model_->package().dir)) registry_updates_.emplace_back(model_->package());
  // With no model folder at all, ml_models has no row to mark.
  if (folders_.anyReported()) registry_updates_.emplace_back(model_ ? ActiveRef{model_->package().name, model_->package().version} : ActiveRef{});
}

void InferAgent::registerNewModels() {
  for (auto& package : folders_.newPackages()) {
    // The active model's folder was incomplete when the pointer was read: load it now.
    if (!model_ && !problem_.empty() && package.dir == std::filesystem::path(active_).lexically_normal()) active_stamp_.reset();
    registry_updates_.emplace_back(std::move(package));
  }
}

// Publishes the queued ModelRecords and ActiveModels in order; false if the ring is full.
bool InferAgent::publishRegistryUpdates() {
  while (!registry_updates_.empty()) {
    auto& fbb = output().startMessage();
    if (const auto* package = std::get_if<ModelPackage>(&registry_updates_.front())) {
      std::vector<flatbuffers::Offset<flatbuffers::String>> names;
      for (const auto& feature : package->features) names.push_back(fbb.CreateString(feature));
      const auto record = msg::CreateModelRecord(
          fbb, fbb.CreateString(package->name), package->version, fbb.CreateString(package->dir.string()), fbb.CreateString(package->kind),
          fbb.CreateVector(names), package->window, package->horizon_bars, fbb.CreateString(package->metrics_json),
          package->train_from_ns ? flatbuffers::Optional<std::int64_t>(*package->train_from_ns) : flatbuffers::nullopt,
          package->train_to_ns ? flatbuffers::Optional<std::int64_t>(*package->train_to_ns) : flatbuffers::nullopt, package->created_ns);
      const auto status = output().publish(record, messages::wallClockNs(), lastCause());
      if (status == ring::PublishStatus::kMessageTooLarge) {
        const auto message = "model " + package->id() + " not registered in ml_models: its record is larger than a pred ring slot";
        spdlog::error("{}", message);
        pending_alert_ = message;
      } else if (status != ring::PublishStatus::kOk) {
        return false;
      }
    } else {
      const auto& active = std::get<ActiveRef>(registry_updates_.front());
      const auto body = msg::CreateActiveModel(fbb, fbb.CreateString(active.name), active.version);
      if (output().publish(body, messages::wallClockNs(), lastCause()) != ring::PublishStatus::kOk) return false;
    }
    registry_updates_.pop_front();
  }
  return true;
}

// The model the pointer names; nothing with problem_ set (and an Alert due) if it cannot be used,
// nothing with problem_ clear if no model is active (the stand-in predicts).
std::unique_ptr<Model> InferAgent::loadActiveModel() {
  problem_.clear();
  active_.clear();
  const auto pointer = activeModelDir(models_dir_);
  if (!pointer.ok()) {
    problem_ = pointer.error().message;
  } else if (!pointer->has_value()) {
    spdlog::info("no model is active: predicting with the built-in bar-body score");
    return nullptr;
  } else {
    active_ = (*pointer)->string();
    auto package = readModelPackage(**pointer);
    auto model = package.ok() ? Model::load(*package) : Result<std::unique_ptr<Model>, std::string>(makeError(package.error().message));
    if (model.ok()) {
      spdlog::info("model {} active ({} features, horizon {} bars; run by {})", (*model)->package().id(),
                   (*model)->package().features.size(), (*model)->package().horizon_bars, (*model)->runtime());
      return std::move(model).value();
    }
    problem_ = "model " + active_ + " not loaded: " + model.error().message;
  }
  spdlog::error("{}; no predictions until a good model is activated", problem_);
  pending_alert_ = problem_;
  return nullptr;
}

ring::PublishStatus InferAgent::publishAlert(const std::string& message, std::string_view subject, std::int64_t event_time_ns,
                                             std::optional<std::uint64_t> cause) {
  auto& fbb = output().startMessage();
  const auto alert = msg::CreateAlert(fbb, msg::Severity::Critical, fbb.CreateString("model"),
                                      fbb.CreateString(message.substr(0, messages::kMaxTextLength)), fbb.CreateString(subject));
  return output().publish(alert, event_time_ns, cause);
}

int InferAgent::doWork() {
  // The check takes ~100-150 us (a scan of the models folder): not in front of a waiting bar nor
  // right after one, unless it is a whole interval late (an unpaced feed always has a bar waiting).
  // A paced feed's checks come with the heads-up (idle()), ~1 ms before a bar.
  const auto now = std::chrono::steady_clock::now();
  const bool clear_of_bars = !input().consumer().available() && now - last_bar_at_ >= kCheckClearOfBar;
  if (clear_of_bars || now >= next_check_ + kModelCheckEvery) checkActiveModel();
  if (pending_alert_) {
    if (publishAlert(*pending_alert_, active_, messages::wallClockNs(), lastCause()) != ring::PublishStatus::kOk) return 0;
    pending_alert_.reset();
  }
  if (!publishRegistryUpdates()) return 0;
  return TransformAgent::doWork();
}

process::TransformAgent::Outcome InferAgent::handle(const msg::Envelope& input, std::uint64_t sequence,
                                                    process::OutputStream& output) {
  const auto* bar = input.body_as_Bar();
  if (bar == nullptr) return Outcome::kDone;
  last_bar_at_ = std::chrono::steady_clock::now();
  // The engine waits on pred: wake it for every bar, so that one this process does not predict
  // on (another interval) is handled as soon as it is read here, not at the engine's timeout.
  output.producer().headsUp();
  if (bar->interval_s() != interval_s_) return Outcome::kDone;   // not for us
  auto& series = series_[bar->symbol()->str()];
  const auto ohlcv = ohlcvOf(*bar);
  // A bar not newer than the last one (a retry after back-pressure, a replay) changes nothing.
  if (series.history.empty() || series.history.back().open_time_ns < ohlcv.open_time_ns) {
    if (series.history.empty()) warmFromStore(bar->symbol()->str(), series.history, ohlcv.open_time_ns);
    series.history.push_back(ohlcv);
    if (series.history.size() > kHistoryBars) series.history.pop_front();
    if (series.features) {
      series.addRow(series.features->update(ohlcv), model_->window());
    } else {
      rebuildFeatures(series);   // the symbol's first bar under this model: the history holds it
    }
  }
  if (!problem_.empty()) return Outcome::kDone;   // no prediction rather than a wrong one
  if (!model_) {
    // The stand-in's score is tanh(100 * body); as a logit, 200 * body.
    return publishPrediction(*bar, 200.0 * (ohlcv.close - ohlcv.open) / ohlcv.open, input.event_time_ns(), sequence, output);
  }
  if (!series.current || series.rows.size() < model_->window()) return Outcome::kDone;   // warming up
  const auto logits = model_->predict({series.rows.begin(), series.rows.end()});
  if (!logits.ok()) {
    spdlog::error("{} on {} at {}: no prediction", logits.error().message, bar->symbol()->str(), bar->open_time_ns());
    return process::outcomeOf(publishAlert(logits.error().message, bar->symbol()->string_view(), input.event_time_ns(), sequence));
  }
  return publishPrediction(*bar, (*logits)[0], input.event_time_ns(), sequence, output);
}

flatbuffers::Offset<msg::Prediction> InferAgent::buildPrediction(flatbuffers::FlatBufferBuilder& fbb, const msg::Bar& bar,
                                                                  double logit) const {
  const double up = 1.0 / (1.0 + std::exp(-logit));
  const double score = 2.0 * up - 1.0;
  const std::string model_id = model_ ? model_->package().name : "bar-body";
  const auto probabilities = fbb.CreateVector(std::vector<float>{static_cast<float>(1.0 - up), static_cast<float>(up)});
  return msg::CreatePrediction(fbb, fbb.CreateString(bar.symbol()->string_view()), fbb.CreateString(model_id),
                               model_ ? model_->package().version : 0, bar.open_time_ns(), model_ ? model_->package().horizon_bars : 1,
                               score, probabilities, std::fabs(score));
}

process::TransformAgent::Outcome InferAgent::publishPrediction(const msg::Bar& bar, double logit, std::int64_t event_time_ns,
                                                              std::uint64_t sequence, process::OutputStream& output) {
  return process::outcomeOf(output.publish(buildPrediction(output.startMessage(), bar, logit), event_time_ns, sequence));
}

// Blocks on md; on rrr-ingest's heads-up that a bar is due (1 ms ahead), rehearses the bar
// (warmUp): after a quiet spell the code and data are cold, and the bar itself would pay for that.
// Then it polls until the bar comes.
// Right after a bar it sleeps quietly first: the tap's copies (a ZeroMQ send each, which wakes
// ZeroMQ's thread), the store's held wake-up and the next burst's pages would take a core while
// rrr-engine and rrr-risk still work on the bar's order.
void InferAgent::idle(std::chrono::milliseconds max_wait) {
  if (const auto since_bar = std::chrono::steady_clock::now() - last_bar_at_; since_bar < kQuietAfterBar) {
    if (input().waitForMessage(kQuietSleepTimeout, ring::IdlePolicy::blockingQuietly())) return;
  }
  burst_cpu_.leave();
  if (input().waitForMessageOrHeadsUp(std::min<std::chrono::milliseconds>(max_wait, 1s)) != ring::RingConsumer::Wake::kHeadsUp) return;
  burst_cpu_.enter();
  checkActiveModel();   // if due: the bar is ~1 ms away
  warmUp();
  // Yielding, not spinning: rrr-ingest, about to publish the bar, may need this core.
  input().waitForMessage(2ms, ring::IdlePolicy{0, 1'000'000, ring::IdlePolicy::block_timeout_default()});
}

// Each series' next bar (its last one again, an interval later) through a copy of its features
// and the model, and the last bar read decoded again and a prediction for it encoded: the code and
// data the bar will need are warm. Nothing is published; the real state is only read.
void InferAgent::warmUp() {
  if (!model_) return;
  std::optional<double> logit;
  for (const auto& [symbol, series] : series_) {
    if (!series.features || series.history.empty()) continue;
    auto features = *series.features;
    auto next = series.history.back();
    next.open_time_ns += interval_s_ * 1'000'000'000;
    auto row = features.update(next);
    if (!row) continue;
    std::vector<std::vector<double>> window(series.rows.begin(), series.rows.end());
    window.push_back(std::move(*row));
    if (window.size() > model_->window()) window.erase(window.begin(), window.end() - static_cast<std::ptrdiff_t>(model_->window()));
    if (const auto logits = model_->predict(window); logits.ok()) logit = (*logits)[0];
  }
  const auto last = input().copyNewest();
  if (!logit || !last || last->envelope->body_as_Bar() == nullptr) return;
  output().rehearse(buildPrediction(output().startMessage(), *last->envelope->body_as_Bar(), *logit), last->envelope->event_time_ns());
}

}  // namespace rrr::infer
