-- trading.db, version 2: the equity curve by hour, kept by a trigger, for dashboards. Snapshots
-- come every fill and every few seconds of market time: 30 days of them are tens of thousands of
-- rows, while the hourly curve is 720, and it is what a chart of 30 days can show anyway.

CREATE TABLE equity_hourly (
  hour_ns INTEGER PRIMARY KEY,      -- start of the hour, ns UTC
  time_ns INTEGER NOT NULL,         -- the snapshot it holds: the latest of that hour
  equity_e8 INTEGER NOT NULL
);

INSERT INTO equity_hourly
  SELECT time_ns / 3600000000000 * 3600000000000, max(time_ns), equity_e8
  FROM portfolio_snapshots GROUP BY time_ns / 3600000000000;

CREATE TRIGGER portfolio_snapshots_to_equity_hourly AFTER INSERT ON portfolio_snapshots
BEGIN
  INSERT INTO equity_hourly VALUES (NEW.time_ns / 3600000000000 * 3600000000000, NEW.time_ns, NEW.equity_e8)
    ON CONFLICT (hour_ns) DO UPDATE SET time_ns = excluded.time_ns, equity_e8 = excluded.equity_e8
    WHERE excluded.time_ns >= equity_hourly.time_ns;
END;
