-- trading.db, version 5: an order's transition is kept once. After a power cut the engine
-- regenerates, from its checkpoint, updates the store already holds (the rings that would have
-- told it so are gone); the same transition again is not a second one.
DELETE FROM order_updates WHERE rowid NOT IN (
  SELECT min(rowid) FROM order_updates GROUP BY client_order_id, previous_status, status, filled_quantity_e8, time_ns);
CREATE UNIQUE INDEX order_updates_once ON order_updates (client_order_id, previous_status, status, filled_quantity_e8, time_ns);
