"""Bolt listeners, split by surface; each module has `register(app, runtime)`."""
