"""Subcommands of `/als`: one module per area, each handler takes a CommandContext."""
