"""Pure domain layer: standard library only, no Slack, no database, no clock."""
