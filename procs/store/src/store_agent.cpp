#include "store/store_agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"
#include "store_resume.h"
#include "store_statements.h"

namespace rrr::store {
namespace {

constexpr auto kMaxRetryDelay = std::chrono::milliseconds(30'000);
constexpr auto kSettle = std::chrono::milliseconds(2);

std::unique_ptr<BackupScheduler> makeBackups(process::ProcessRuntime& runtime, const std::filesystem::path& db_dir) {
  auto settings = process::ProcessSettings::load(runtime.context());
  if (!settings.ok()) {
    spdlog::error("{}", settings.error().message);
    return nullptr;
  }
  BackupRetention retention;
  retention.daily = settings->get<int>("backups_daily", retention.daily);
  retention.weekly = settings->get<int>("backups_weekly", retention.weekly);
  retention.monthly = settings->get<int>("backups_monthly", retention.monthly);
  const int check_s = settings->get<int>("backup_check_s", 60);
  if (settings->error() || check_s <= 0) {
    spdlog::error("bad settings: {}", settings->error().value_or("backup_check_s must be positive"));
    return nullptr;
  }
  return std::make_unique<BackupScheduler>(db_dir, runtime.context().backup_dir, retention, std::chrono::seconds(check_s));
}

}  // namespace

std::unique_ptr<StoreAgent> StoreAgent::create(process::ProcessRuntime& runtime) {
  std::vector<Stream> streams;
  for (const char* ring : kStoredRings) {
    auto input = process::attachInput(runtime, ring);
    if (!input) return nullptr;
    const auto instance = static_cast<std::int64_t>(input->consumer().segment().instanceId());
    streams.push_back(Stream{ring, std::move(*input), instance, std::nullopt});
  }
  auto backups = makeBackups(runtime, runtime.context().data_dir / "db");
  if (!backups) return nullptr;
  std::unique_ptr<StoreAgent> agent(new StoreAgent(runtime, std::move(streams), std::move(backups)));
  // A file that cannot be opened is a fault to retry, not a reason to exit: the rings hold the data.
  agent->openDatabases();
  return agent;
}

StoreAgent::StoreAgent(process::ProcessRuntime& runtime, std::vector<Stream> streams, std::unique_ptr<BackupScheduler> backups)
    : runtime_(&runtime),
      db_dir_(runtime.context().data_dir / "db"),
      streams_(std::move(streams)),
      backups_(std::move(backups)) {}

bool StoreAgent::openDatabases() {
  // backtest.db is written by backtests; the store creates and migrates it with the others, so
  // every file under data/db is at the schema version of this build.
  if (auto backtest = openStoreDatabase(db_dir_ / "backtest.db", kTradingMigrations, Durability::kFull); !backtest.ok()) {
    fault(backtest.error().message);
    return false;
  }
  auto trading = openStoreDatabase(tradingDatabase(db_dir_), kTradingMigrations, Durability::kFull);
  if (!trading.ok()) {
    fault(trading.error().message);
    return false;
  }
  auto audit = AuditLog::load(*trading);
  if (!audit.ok()) {
    fault(audit.error().message);
    return false;
  }
  trading_.emplace(std::move(trading).value());
  audit_.emplace(std::move(audit).value());
  shards_.emplace(db_dir_);
  for (auto& stream : streams_) {
    const auto cursor = stream.ring == "md" ? storedMarketCursor(*shards_, stream.ring, stream.instance)
                                            : storedCursor(*trading_, stream.ring, stream.instance);
    if (cursor && stream.input.consumer().skipThrough(*cursor)) {
      spdlog::info("ring {} resumes after sequence {}", stream.ring, *cursor);
    }
  }
  retrying_ = fault_.has_value();  // still degraded until a batch commits
  return true;
}

void StoreAgent::recovered() {
  spdlog::info("store recovered from: {}", *fault_);
  alert(msg::Severity::Info, "writing works again after: " + *fault_);
  fault_.reset();
  retrying_ = false;
  retry_delay_ = std::chrono::milliseconds(1000);
}

void StoreAgent::alert(msg::Severity severity, const std::string& text) {
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto body = msg::CreateAlert(fbb, severity, fbb.CreateString("store-write"),
                                     fbb.CreateString(text.substr(0, messages::kMaxTextLength)), fbb.CreateString("store"));
  runtime_->tap().publish("Alert", builder.finish(messages::EnvelopeHeader{"store", 0, messages::wallClockNs(), 0}, body));
}

void StoreAgent::fault(const std::string& what) {
  if (shard_ != nullptr) (void)shard_->exec("ROLLBACK");
  if (trading_open_ && trading_) (void)trading_->exec("ROLLBACK");
  shard_ = nullptr;
  trading_open_ = false;
  batch_rows_ = 0;
  shards_.reset();
  audit_.reset();
  trading_.reset();
  for (auto& stream : streams_) {
    stream.input.rewindToCommitted();
    stream.batch_last.reset();
  }
  if (!fault_) {
    spdlog::error("store cannot write: {}; the rings hold the data; retrying", what);
    alert(msg::Severity::Critical, "cannot write: " + what + "; data held on the rings, retrying");
  }
  fault_ = what;
  retrying_ = false;
  retry_at_ = std::chrono::steady_clock::now() + retry_delay_;
  retry_delay_ = std::min(retry_delay_ * 2, kMaxRetryDelay);
}

int StoreAgent::doWork() {
  if (fault_ && !retrying_) {
    if (std::chrono::steady_clock::now() < retry_at_ || !openDatabases()) return 0;
  }
  int taken = 0;
  for (auto& stream : streams_) {
    const int room = std::min(kMaxRowsPerTurn - taken, kMaxBatchRows - batch_rows_);
    if (room <= 0) break;
    taken += stream.input.pollDeferred(
        [&](const msg::Envelope& envelope, std::uint64_t sequence) { return write(stream, envelope, sequence); }, room);
    if (fault_ && !retrying_) return 0;
  }
  const bool full = batch_rows_ >= kMaxBatchRows;
  const bool due = batch_rows_ > 0 && std::chrono::steady_clock::now() - batch_started_ >= kMaxBatchDelay;
  // While retrying after a fault, commit at once: the first batch that commits ends the fault.
  if ((full || due || (retrying_ && batch_rows_ > 0)) && !commitBatch()) return 0;
  if (batch_rows_ == 0) backups_->poll(std::chrono::steady_clock::now());
  return taken;
}

// A quiet system wakes every 40 ms to look at the rings that are not waited on, so that every
// stream is written within ~kMaxBatchDelay + 40 ms. It blocks at once: a batching writer gains
// nothing from spinning, and spinning 25 times a second would cost more CPU than all the rest.
void StoreAgent::idle(std::chrono::milliseconds max_wait) {
  if (fault_ && !retrying_) {
    std::this_thread::sleep_for(std::min(max_wait, std::chrono::milliseconds(100)));
    return;
  }
  // Woken after a burst of md (rrr-ingest wakes a batching reader when it goes idle), the store
  // lets the burst it started (prediction, intent, decision, fills) pass before it writes: the hot
  // path keeps the cores, and the whole burst goes in one transaction.
  if (streams_.front().input.waitForMessage(std::min(max_wait, std::chrono::milliseconds(40)), ring::IdlePolicy::batching())) {
    std::this_thread::sleep_for(kSettle);
  }
}

std::vector<process::RingLagReport> StoreAgent::ringLags() const {
  std::vector<process::RingLagReport> lags;
  for (const auto& stream : streams_) lags.push_back(stream.input.lag());
  return lags;
}

void StoreAgent::onStop() {
  while ((!fault_ || retrying_) && doWork() > 0) {
  }
  if (!fault_ && batch_rows_ > 0) commitBatch();
  spdlog::info(fault_ ? "store stopped while degraded; the rings keep what was not written" : "store drained and committed");
}

bool StoreAgent::write(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  if (batch_rows_ == 0) batch_started_ = std::chrono::steady_clock::now();
  const bool written = stream.ring == "md" ? writeBar(stream, envelope, sequence) : writeTrading(stream, envelope, sequence);
  if (!written) return false;
  stream.batch_last = sequence;
  ++batch_rows_;
  return true;
}

bool StoreAgent::writeBar(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  const auto* bar = envelope.body_as_Bar();
  const auto* trade = envelope.body_as_Trade();
  auto shard = shards_->shardFor(bar != nullptr ? bar->open_time_ns() : trade != nullptr ? trade->time_ns() : envelope.event_time_ns());
  if (!shard.ok()) {
    fault(shard.error().message);
    return false;
  }
  if (shard_ != nullptr && shard_ != shard.value() && !commitBatch()) return false;  // never one batch over two files
  if (batch_rows_ == 0) batch_started_ = std::chrono::steady_clock::now();
  if (shard_ == nullptr) {
    if (auto status = shard.value()->exec("BEGIN IMMEDIATE"); !status.ok()) {
      fault(status.error().message);
      return false;
    }
    shard_ = shard.value();
  }
  if (bar == nullptr && trade == nullptr) {
    spdlog::warn("ring md sequence {}: {} is not stored", sequence, messages::typeName(envelope.body_type()));
    return true;
  }
  const auto status = bar != nullptr ? insertBar(*shard_, *bar, stream.instance, sequence)
                                     : insertTrade(*shard_, *trade, stream.instance, sequence);
  if (!status.ok()) {
    fault(status.error().message);
    return false;
  }
  return true;
}

bool StoreAgent::writeTrading(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  if (!trading_open_) {
    if (auto status = trading_->exec("BEGIN IMMEDIATE"); !status.ok()) {
      fault(status.error().message);
      return false;
    }
    trading_open_ = true;
  }
  auto status = insertTradingRow(*trading_, envelope, stream.instance, sequence);
  if (status.ok()) {
    if (const auto entry = auditEntryFor(envelope)) {
      status = audit_->append(*trading_, envelope.event_time_ns(), entry->kind, entry->subject, entry->detail);
    }
  }
  if (!status.ok()) {
    fault("ring " + stream.ring + " sequence " + std::to_string(sequence) + ": " + status.error().message);
    return false;
  }
  return true;
}

bool StoreAgent::commitBatch() {
  for (auto& stream : streams_) {
    if (!stream.batch_last) continue;
    Database* db = stream.ring == "md" ? shard_ : &*trading_;
    if (db == nullptr) continue;
    if (auto status = upsertCursor(*db, stream.ring, stream.instance, *stream.batch_last); !status.ok()) {
      fault(status.error().message);
      return false;
    }
  }
  if (shard_ != nullptr) {
    if (auto status = shard_->exec("COMMIT"); !status.ok()) {
      fault(status.error().message);
      return false;
    }
    shard_ = nullptr;
  }
  if (trading_open_) {
    if (auto status = trading_->exec("COMMIT"); !status.ok()) {
      fault(status.error().message);
      return false;
    }
    trading_open_ = false;
  }
  for (auto& stream : streams_) {
    if (stream.batch_last) stream.input.commitThrough(*stream.batch_last);
    stream.batch_last.reset();
  }
  batch_rows_ = 0;
  if (retrying_) recovered();
  return true;
}

}  // namespace rrr::store
