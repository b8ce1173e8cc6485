"""Schedules: team check-ins and stakeholder digests at a local time on chosen days, run by a sweep."""
