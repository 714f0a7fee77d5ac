"""Payment method writes."""
