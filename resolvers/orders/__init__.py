"""Order reads and writes."""
