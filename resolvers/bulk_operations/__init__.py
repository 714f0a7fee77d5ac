"""Background bulk operations: start, read, cancel."""
