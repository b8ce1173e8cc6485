"""Stakeholder digests: the project's real state, by DM to each stakeholder and sponsor."""
