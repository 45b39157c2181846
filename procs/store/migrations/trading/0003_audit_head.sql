-- trading.db, version 3: the head of the audit chain. Each audit_log record hashes the one before
-- it, which finds an edited or removed record; removing the newest records would still leave a
-- valid chain, so the id and hash of the newest are also kept here, updated in the same
-- transaction as every append.
CREATE TABLE audit_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);
