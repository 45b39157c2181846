-- trading.db, version 4: how many consecutive feature rows a model reads per prediction (1 for a
-- model on one row; a GRU or LSTM reads a window).
ALTER TABLE ml_models ADD COLUMN window_rows INTEGER NOT NULL DEFAULT 1;
