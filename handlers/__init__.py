"""Slack listeners and HTTP routes. Thin: parse, call a service, render."""
