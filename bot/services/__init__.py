"""Use cases. Each takes a Session and `now`, flushes but never commits, and never talks to Slack."""
