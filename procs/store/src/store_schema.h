#pragma once
// The walking skeleton's tables: one per durable stream, keyed by (ring instance, ring sequence) so
// that a duplicate write is an error, not a silent second row; plus the stream cursors.

namespace rrr::store {

inline constexpr const char* kSkeletonSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS stream_cursors (
  ring TEXT PRIMARY KEY, ring_instance INTEGER NOT NULL, last_sequence INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS market_data (
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL, symbol TEXT NOT NULL,
  interval_s INTEGER NOT NULL, open_time_ns INTEGER NOT NULL, open_e8 INTEGER NOT NULL,
  high_e8 INTEGER NOT NULL, low_e8 INTEGER NOT NULL, close_e8 INTEGER NOT NULL,
  volume_e8 INTEGER NOT NULL, trade_count INTEGER NOT NULL,
  PRIMARY KEY (ring_instance, ring_sequence));
CREATE TABLE IF NOT EXISTS ml_predictions (
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL, symbol TEXT NOT NULL,
  model_id TEXT NOT NULL, model_version INTEGER NOT NULL, bar_open_time_ns INTEGER NOT NULL,
  score REAL NOT NULL, confidence REAL NOT NULL,
  PRIMARY KEY (ring_instance, ring_sequence));
CREATE TABLE IF NOT EXISTS order_intents (
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL, client_order_id TEXT NOT NULL,
  strategy_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, order_type TEXT NOT NULL,
  quantity_e8 INTEGER NOT NULL, decision_time_ns INTEGER NOT NULL,
  PRIMARY KEY (ring_instance, ring_sequence));
CREATE TABLE IF NOT EXISTS risk_decisions (
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL, client_order_id TEXT NOT NULL,
  approved INTEGER NOT NULL, rule TEXT NOT NULL, detail TEXT NOT NULL,
  PRIMARY KEY (ring_instance, ring_sequence));
)sql";

}  // namespace rrr::store
