"""The messages that travel between the workflow's states: small, typed, camelCase on the wire."""
