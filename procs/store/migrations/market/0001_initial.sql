-- market_data_YYYY_MM.db, version 1: one month of bars. Prices and volumes are INTEGER
-- fixed-point in units of 1e-8; open_time_ns is the bar's start, ns UTC.

CREATE TABLE stream_cursors (
  ring TEXT PRIMARY KEY, ring_instance INTEGER NOT NULL, last_sequence INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL
);

-- One row per (symbol, interval, open time): the natural key, so a bar delivered twice (a feed
-- replaying after a reconnect, an import run again) is stored once.
CREATE TABLE market_data (
  symbol TEXT NOT NULL, interval_s INTEGER NOT NULL, open_time_ns INTEGER NOT NULL,
  open_e8 INTEGER NOT NULL, high_e8 INTEGER NOT NULL, low_e8 INTEGER NOT NULL, close_e8 INTEGER NOT NULL,
  volume_e8 INTEGER NOT NULL, quote_volume_e8 INTEGER NOT NULL, trade_count INTEGER NOT NULL,
  ring_instance INTEGER, ring_sequence INTEGER,
  PRIMARY KEY (symbol, interval_s, open_time_ns)
) WITHOUT ROWID;
