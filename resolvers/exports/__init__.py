"""Order exports: start one, read its job."""
