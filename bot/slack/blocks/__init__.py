"""Pure Block Kit builders: service results in, slack_sdk.models blocks out."""
