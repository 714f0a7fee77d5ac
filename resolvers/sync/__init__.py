"""Sync checkpoints: the change feed per integration, and its acknowledgements."""
