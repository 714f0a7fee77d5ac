"""Company writes."""
