"""Season writes."""
