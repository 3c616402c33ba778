"""Slack I/O: the Bolt app, listeners, Block Kit builders and the outbound poster."""
