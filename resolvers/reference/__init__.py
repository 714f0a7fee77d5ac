"""Reads of reference data."""
