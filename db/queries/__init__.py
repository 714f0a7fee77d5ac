"""Async query functions: session first, tenant scope as a required keyword, none commits."""
