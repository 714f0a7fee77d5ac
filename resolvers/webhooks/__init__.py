"""Webhook endpoint mutations and queries, one module per field."""
