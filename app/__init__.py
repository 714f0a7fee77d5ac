"""Wiring: settings, the ASGI app, the command line."""
