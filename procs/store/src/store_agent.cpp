#include "store/store_agent.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/process/agent_factory.h"
#include "store_resume.h"
#include "store_statements.h"

namespace rrr::store {

std::unique_ptr<StoreAgent> StoreAgent::create(process::ProcessRuntime& runtime) {
  const auto db_dir = runtime.context().data_dir / "db";
  auto trading = openStoreDatabase(db_dir / "trading.db", kTradingMigrations, Durability::kFull);
  if (!trading.ok()) {
    spdlog::error("{}", trading.error().message);
    return nullptr;
  }
  MarketShards shards(db_dir);
  std::vector<Stream> streams;
  for (const char* ring : {"md", "pred", "intent", "decision"}) {
    auto input = process::attachInput(runtime, ring);
    if (!input) return nullptr;
    const auto instance = static_cast<std::int64_t>(input->consumer().segment().instanceId());
    const auto cursor = std::string(ring) == "md" ? storedMarketCursor(shards, ring, instance)
                                                  : storedCursor(*trading, ring, instance);
    if (cursor) {
      input->consumer().skipThrough(*cursor);
      spdlog::info("ring {} resumes after sequence {}", ring, *cursor);
    }
    streams.push_back(Stream{ring, std::move(*input), instance, std::nullopt});
  }
  return std::unique_ptr<StoreAgent>(new StoreAgent(std::move(trading).value(), std::move(shards), std::move(streams)));
}

StoreAgent::StoreAgent(Database trading, MarketShards shards, std::vector<Stream> streams)
    : trading_(std::move(trading)), shards_(std::move(shards)), streams_(std::move(streams)) {}

int StoreAgent::doWork() {
  int taken = 0;
  for (auto& stream : streams_) {
    taken += stream.input.pollDeferred(
        [&](const msg::Envelope& envelope, std::uint64_t sequence) { return write(stream, envelope, sequence); },
        kMaxBatchRows - batch_rows_);
  }
  const bool full = batch_rows_ >= kMaxBatchRows;
  const bool due = batch_rows_ > 0 && std::chrono::steady_clock::now() - batch_started_ >= kMaxBatchDelay;
  if (full || due) commitBatch();
  return taken;
}

// A quiet system wakes every 40 ms to look at the rings that are not waited on, so that every
// stream is written within ~kMaxBatchDelay + 40 ms. It blocks at once: a batching writer gains
// nothing from spinning, and spinning 25 times a second would cost more CPU than all the rest.
void StoreAgent::idle(std::chrono::milliseconds max_wait) {
  streams_.front().input.waitForMessage(std::min(max_wait, std::chrono::milliseconds(40)), ring::IdlePolicy::blocking());
}

std::vector<process::RingLagReport> StoreAgent::ringLags() const {
  std::vector<process::RingLagReport> lags;
  for (const auto& stream : streams_) lags.push_back(stream.input.lag());
  return lags;
}

void StoreAgent::onStop() {
  while (doWork() > 0) {
  }
  if (batch_rows_ > 0) commitBatch();
  spdlog::info("store drained and committed");
}

void StoreAgent::failed(const std::string& what) {
  // Nothing of this batch is committed on the rings: a restart writes it again.
  spdlog::critical("{}; exiting so that the supervisor restarts the store", what);
  spdlog::shutdown();
  std::_Exit(3);
}

void StoreAgent::beginShard(Database* shard) {
  if (auto status = shard->exec("BEGIN IMMEDIATE"); !status.ok()) failed(status.error().message);
  shard_ = shard;
}

bool StoreAgent::write(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  if (batch_rows_ == 0) batch_started_ = std::chrono::steady_clock::now();
  if (stream.ring == "md") {
    writeBar(stream, envelope, sequence);
  } else {
    writeTrading(stream, envelope, sequence);
  }
  stream.batch_last = sequence;
  ++batch_rows_;
  return true;
}

void StoreAgent::writeBar(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  const auto* bar = envelope.body_as_Bar();
  auto shard = shards_.shardFor(bar != nullptr ? bar->open_time_ns() : envelope.event_time_ns());
  if (!shard.ok()) failed(shard.error().message);
  if (shard_ != nullptr && shard_ != shard.value()) commitBatch();  // never one batch over two files
  if (batch_rows_ == 0) batch_started_ = std::chrono::steady_clock::now();
  if (shard_ == nullptr) beginShard(shard.value());
  if (bar == nullptr) {
    spdlog::warn("ring md sequence {}: {} is not stored yet", sequence, messages::typeName(envelope.body_type()));
    return;
  }
  if (auto status = insertBar(*shard_, *bar, stream.instance, sequence); !status.ok()) failed(status.error().message);
}

void StoreAgent::writeTrading(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  if (!trading_open_) {
    if (auto status = trading_.exec("BEGIN IMMEDIATE"); !status.ok()) failed(status.error().message);
    trading_open_ = true;
  }
  if (auto status = insertTradingRow(trading_, envelope, stream.instance, sequence); !status.ok()) {
    failed("ring " + stream.ring + " sequence " + std::to_string(sequence) + ": " + status.error().message);
  }
}

void StoreAgent::commitBatch() {
  for (auto& stream : streams_) {
    if (!stream.batch_last) continue;
    Database* db = stream.ring == "md" ? shard_ : &trading_;
    if (db == nullptr) continue;
    if (auto status = upsertCursor(*db, stream.ring, stream.instance, *stream.batch_last); !status.ok()) {
      failed(status.error().message);
    }
  }
  if (shard_ != nullptr) {
    if (auto status = shard_->exec("COMMIT"); !status.ok()) failed(status.error().message);
    shard_ = nullptr;
  }
  if (trading_open_) {
    if (auto status = trading_.exec("COMMIT"); !status.ok()) failed(status.error().message);
    trading_open_ = false;
  }
  for (auto& stream : streams_) {
    if (stream.batch_last) stream.input.commitThrough(*stream.batch_last);
    stream.batch_last.reset();
  }
  batch_rows_ = 0;
}

}  // namespace rrr::store
