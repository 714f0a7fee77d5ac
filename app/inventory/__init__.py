"""The inventory: stock per product, reservations per order, reachable in process or over HTTP."""
