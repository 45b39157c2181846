-- trading.db, version 1: trading state, model registry, risk, alerts, audit.
-- Money, prices and quantities are INTEGER fixed-point in units of 1e-8 (columns ending _e8):
-- exact for every tick and lot size, summed without rounding drift. Times are INTEGER ns UTC.

CREATE TABLE stream_cursors (
  ring TEXT PRIMARY KEY,
  ring_instance INTEGER NOT NULL,   -- the ring segment's random instance id
  last_sequence INTEGER NOT NULL,   -- last ring sequence whose rows are committed here
  updated_ns INTEGER NOT NULL
);

CREATE TABLE ml_models (
  model_id TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL,
  features TEXT NOT NULL, horizon_bars INTEGER NOT NULL, metrics_json TEXT NOT NULL,
  train_from_ns INTEGER, train_to_ns INTEGER, created_ns INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (model_id, version)
);

CREATE TABLE ml_predictions (
  symbol TEXT NOT NULL, model_id TEXT NOT NULL, model_version INTEGER NOT NULL,
  bar_open_time_ns INTEGER NOT NULL, horizon_bars INTEGER NOT NULL,
  score REAL NOT NULL, confidence REAL NOT NULL, class_probabilities TEXT,
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL,
  PRIMARY KEY (symbol, model_id, model_version, bar_open_time_ns)
);

CREATE TABLE order_intents (
  client_order_id TEXT PRIMARY KEY, strategy_id TEXT NOT NULL, symbol TEXT NOT NULL,
  action TEXT NOT NULL, side TEXT NOT NULL, order_type TEXT NOT NULL, time_in_force TEXT NOT NULL,
  quantity_e8 INTEGER NOT NULL, limit_price_e8 INTEGER NOT NULL, stop_price_e8 INTEGER NOT NULL,
  decision_time_ns INTEGER NOT NULL, target_client_order_id TEXT,
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL
);

CREATE TABLE risk_decisions (
  client_order_id TEXT PRIMARY KEY, approved INTEGER NOT NULL, rule TEXT NOT NULL,
  limit_value REAL NOT NULL, observed_value REAL NOT NULL, detail TEXT NOT NULL,
  decided_ns INTEGER NOT NULL,
  ring_instance INTEGER NOT NULL, ring_sequence INTEGER NOT NULL
);

CREATE TABLE orders (
  client_order_id TEXT PRIMARY KEY, exchange_order_id TEXT, strategy_id TEXT, symbol TEXT NOT NULL,
  side TEXT NOT NULL, order_type TEXT NOT NULL, time_in_force TEXT NOT NULL, status TEXT NOT NULL,
  quantity_e8 INTEGER NOT NULL, limit_price_e8 INTEGER NOT NULL, stop_price_e8 INTEGER NOT NULL,
  filled_quantity_e8 INTEGER NOT NULL, average_fill_price_e8 INTEGER NOT NULL,
  created_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL
);
CREATE INDEX orders_by_status ON orders (status, symbol);

CREATE TABLE order_updates (
  client_order_id TEXT NOT NULL, previous_status TEXT NOT NULL, status TEXT NOT NULL,
  filled_quantity_e8 INTEGER NOT NULL, remaining_quantity_e8 INTEGER NOT NULL, reason TEXT,
  time_ns INTEGER NOT NULL
);
CREATE INDEX order_updates_by_order ON order_updates (client_order_id, time_ns);

CREATE TABLE trades (
  fill_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
  price_e8 INTEGER NOT NULL, quantity_e8 INTEGER NOT NULL, fee_e8 INTEGER NOT NULL,
  fee_currency TEXT, liquidity TEXT NOT NULL, time_ns INTEGER NOT NULL
);
CREATE INDEX trades_by_time ON trades (time_ns);

CREATE TABLE positions (
  symbol TEXT PRIMARY KEY, quantity_e8 INTEGER NOT NULL, average_cost_e8 INTEGER NOT NULL,
  realized_pnl_e8 INTEGER NOT NULL, unrealized_pnl_e8 INTEGER NOT NULL, mark_price_e8 INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL
);

CREATE TABLE portfolio_snapshots (
  time_ns INTEGER PRIMARY KEY, equity_e8 INTEGER NOT NULL, cash_json TEXT NOT NULL,
  realized_pnl_e8 INTEGER NOT NULL, unrealized_pnl_e8 INTEGER NOT NULL, fees_paid_e8 INTEGER NOT NULL,
  peak_equity_e8 INTEGER NOT NULL
);

CREATE TABLE risk_limits (
  name TEXT PRIMARY KEY, value REAL NOT NULL, updated_ns INTEGER NOT NULL
);

CREATE TABLE risk_events (
  time_ns INTEGER NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, symbol TEXT,
  client_order_id TEXT, limit_value REAL NOT NULL, observed_value REAL NOT NULL,
  kill_switch_active INTEGER NOT NULL, trading_halted INTEGER NOT NULL, detail TEXT
);
CREATE INDEX risk_events_by_time ON risk_events (time_ns);

CREATE TABLE alerts (
  time_ns INTEGER NOT NULL, severity TEXT NOT NULL, rule TEXT NOT NULL, subject TEXT, message TEXT NOT NULL
);
CREATE INDEX alerts_by_time ON alerts (time_ns);

CREATE TABLE process_events (
  time_ns INTEGER NOT NULL, process TEXT NOT NULL, event TEXT NOT NULL, detail TEXT
);

-- Append-only; each record carries the hash of the one before it (see rrr-db verify-audit).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, kind TEXT NOT NULL, subject TEXT,
  detail TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL
);

CREATE VIEW open_positions AS
  SELECT symbol, quantity_e8, average_cost_e8, mark_price_e8,
         (mark_price_e8 - average_cost_e8) * quantity_e8 / 100000000 AS unrealized_pnl_e8, updated_ns
  FROM positions WHERE quantity_e8 != 0;

CREATE VIEW latest_equity AS
  SELECT time_ns, equity_e8 FROM portfolio_snapshots ORDER BY time_ns DESC LIMIT 1;

-- Realized P&L of fills today (UTC) net of fees, from the trades table.
CREATE VIEW todays_pnl AS
  SELECT COALESCE(SUM(CASE side WHEN 'Sell' THEN price_e8 * quantity_e8 / 100000000
                              ELSE -price_e8 * quantity_e8 / 100000000 END) - SUM(fee_e8), 0) AS cash_flow_e8,
         COUNT(*) AS fills
  FROM trades
  WHERE time_ns >= (CAST(strftime('%s', 'now', 'start of day') AS INTEGER) * 1000000000);
