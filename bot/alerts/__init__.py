"""The alert relay: ingest from monitoring senders, routing to projects, relaying groups to Slack,
and the buttons on alert messages."""
