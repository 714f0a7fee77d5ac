"""Concurrency: contenders on separate sessions with real commits."""
