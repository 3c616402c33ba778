"""Scheduled work: one `tick(now)` that does whatever is due, run by APScheduler or the CLI."""
