"""Product writes."""
