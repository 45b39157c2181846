-- market_data_YYYY_MM.db, version 2: the trades that came in on the md ring (file replays of
-- trade files, and feeds), kept so that bars can be made again from them. The natural key is
-- (symbol, time, trade id); a source without trade ids numbers its trades (a file: by line).
CREATE TABLE market_trades (
  symbol TEXT NOT NULL, time_ns INTEGER NOT NULL, trade_id INTEGER NOT NULL,
  price_e8 INTEGER NOT NULL, quantity_e8 INTEGER NOT NULL,
  aggressor INTEGER NOT NULL,               -- 0 unknown, 1 buy, 2 sell (the taker's side)
  ring_instance INTEGER, ring_sequence INTEGER,
  PRIMARY KEY (symbol, time_ns, trade_id)
) WITHOUT ROWID;
