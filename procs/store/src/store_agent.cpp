#include "store/store_agent.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/process/agent_factory.h"
#include "store_schema.h"

namespace rrr::store {
namespace {

constexpr const char* kDurableRings[] = {"md", "pred", "intent", "decision"};

Result<StoreAgent::Statements, SqlError> prepareStatements(Database& db);

// Resumes each ring after the cursor the database holds for this instance of the ring.
Status<SqlError> resumeFromDatabase(Database& db, std::vector<process::InputStream*> inputs,
                                    const std::vector<std::string>& rings, const std::vector<std::int64_t>& instances) {
  RRR_ASSIGN_OR_RETURN(auto select, db.prepare("SELECT ring_instance, last_sequence FROM stream_cursors WHERE ring = ?"));
  for (std::size_t i = 0; i < rings.size(); ++i) {
    select.bind(1, rings[i]);
    RRR_ASSIGN_OR_RETURN(const bool found, select.step());
    if (found && select.columnInt(0) == instances[i]) {
      const auto last = static_cast<std::uint64_t>(select.columnInt(1));
      inputs[i]->consumer().skipThrough(last);
      spdlog::info("ring {} resumes after sequence {}", rings[i], last);
    }
    select.reset();
  }
  return {};
}

}  // namespace

std::unique_ptr<StoreAgent> StoreAgent::create(process::ProcessRuntime& runtime) {
  auto db = Database::open(runtime.context().data_dir / "db" / "trading.db");
  if (!db.ok()) {
    spdlog::error("{}", db.error().message);
    return nullptr;
  }
  if (auto status = db->exec(kSkeletonSchema); !status.ok()) {
    spdlog::error("cannot create the schema: {}", status.error().message);
    return nullptr;
  }
  std::vector<Stream> streams;
  for (const char* ring : kDurableRings) {
    auto input = process::attachInput(runtime, ring);
    if (!input) return nullptr;
    const auto instance = static_cast<std::int64_t>(input->consumer().segment().instanceId());
    streams.push_back(Stream{ring, std::move(*input), instance, std::nullopt});
  }
  std::vector<process::InputStream*> inputs;
  std::vector<std::string> rings;
  std::vector<std::int64_t> instances;
  for (auto& stream : streams) {
    inputs.push_back(&stream.input);
    rings.push_back(stream.ring);
    instances.push_back(stream.instance);
  }
  if (auto status = resumeFromDatabase(*db, inputs, rings, instances); !status.ok()) {
    spdlog::error("cannot read stream cursors: {}", status.error().message);
    return nullptr;
  }
  auto statements = prepareStatements(*db);
  if (!statements.ok()) {
    spdlog::error("{}", statements.error().message);
    return nullptr;
  }
  return std::unique_ptr<StoreAgent>(new StoreAgent(std::move(db).value(), std::move(statements).value(), std::move(streams)));
}

StoreAgent::StoreAgent(Database db, Statements statements, std::vector<Stream> streams)
    : db_(std::move(db)), statements_(std::move(statements)), streams_(std::move(streams)) {}

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
  // Nothing of this batch is committed, in SQLite or on the rings: a restart writes it again.
  spdlog::critical("{}; exiting so that the supervisor restarts the store", what);
  spdlog::shutdown();
  std::_Exit(3);
}

void StoreAgent::commitBatch() {
  for (auto& stream : streams_) {
    if (!stream.batch_last) continue;
    auto status = statements_.cursor.bind(1, stream.ring).bind(2, stream.instance).bind(3, static_cast<std::int64_t>(*stream.batch_last)).run();
    if (!status.ok()) failed(status.error().message);
  }
  if (auto status = db_.exec("COMMIT"); !status.ok()) failed(status.error().message);
  for (auto& stream : streams_) {
    if (stream.batch_last) stream.input.commitThrough(*stream.batch_last);
    stream.batch_last.reset();
  }
  batch_rows_ = 0;
}

bool StoreAgent::write(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence) {
  if (batch_rows_ == 0) {
    if (auto status = db_.exec("BEGIN IMMEDIATE"); !status.ok()) failed(status.error().message);
    batch_started_ = std::chrono::steady_clock::now();
  }
  Status<SqlError> status;
  const std::int64_t seq = static_cast<std::int64_t>(sequence);
  if (const auto* bar = envelope.body_as_Bar()) {
    status = statements_.bar.bind(1, stream.instance).bind(2, seq).bind(3, bar->symbol()->string_view())
                 .bind(4, static_cast<std::int64_t>(bar->interval_s())).bind(5, bar->open_time_ns()).bind(6, bar->open_e8())
                 .bind(7, bar->high_e8()).bind(8, bar->low_e8()).bind(9, bar->close_e8()).bind(10, bar->volume_e8())
                 .bind(11, static_cast<std::int64_t>(bar->trade_count())).run();
  } else if (const auto* prediction = envelope.body_as_Prediction()) {
    status = statements_.prediction.bind(1, stream.instance).bind(2, seq).bind(3, prediction->symbol()->string_view())
                 .bind(4, prediction->model_id()->string_view()).bind(5, static_cast<std::int64_t>(prediction->model_version()))
                 .bind(6, prediction->bar_open_time_ns()).bind(7, prediction->score()).bind(8, prediction->confidence()).run();
  } else if (const auto* intent = envelope.body_as_OrderIntent()) {
    status = statements_.intent.bind(1, stream.instance).bind(2, seq).bind(3, intent->client_order_id()->string_view())
                 .bind(4, intent->strategy_id()->string_view()).bind(5, intent->symbol()->string_view())
                 .bind(6, std::string_view(msg::EnumNameSide(intent->side())))
                 .bind(7, std::string_view(msg::EnumNameOrderType(intent->order_type())))
                 .bind(8, intent->quantity_e8()).bind(9, intent->decision_time_ns()).run();
  } else if (const auto* decision = envelope.body_as_RiskDecision()) {
    status = statements_.decision.bind(1, stream.instance).bind(2, seq).bind(3, decision->client_order_id()->string_view())
                 .bind(4, static_cast<std::int64_t>(decision->approved())).bind(5, std::string_view(msg::EnumNameRiskRule(decision->rule())))
                 .bind(6, decision->detail() != nullptr ? decision->detail()->string_view() : std::string_view()).run();
  } else {
    spdlog::warn("ring {} sequence {}: {} is not stored yet", stream.ring, sequence, messages::typeName(envelope.body_type()));
  }
  if (!status.ok()) failed("ring " + stream.ring + " sequence " + std::to_string(sequence) + ": " + status.error().message);
  stream.batch_last = sequence;
  ++batch_rows_;
  return true;
}

namespace {

Result<StoreAgent::Statements, SqlError> prepareStatements(Database& db) {
  RRR_ASSIGN_OR_RETURN(auto bar, db.prepare("INSERT INTO market_data VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
  RRR_ASSIGN_OR_RETURN(auto prediction, db.prepare("INSERT INTO ml_predictions VALUES (?,?,?,?,?,?,?,?)"));
  RRR_ASSIGN_OR_RETURN(auto intent, db.prepare("INSERT INTO order_intents VALUES (?,?,?,?,?,?,?,?,?)"));
  RRR_ASSIGN_OR_RETURN(auto decision, db.prepare("INSERT INTO risk_decisions VALUES (?,?,?,?,?,?)"));
  RRR_ASSIGN_OR_RETURN(auto cursor, db.prepare("INSERT INTO stream_cursors VALUES (?,?,?) ON CONFLICT(ring) DO UPDATE SET "
                                               "ring_instance = excluded.ring_instance, last_sequence = excluded.last_sequence"));
  return StoreAgent::Statements{std::move(bar), std::move(prediction), std::move(intent), std::move(decision), std::move(cursor)};
}

}  // namespace
}  // namespace rrr::store
