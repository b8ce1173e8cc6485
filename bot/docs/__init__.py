"""Milestones and the documentation of each phase: who is asked for which record, when they are reminded,
and the records they submit (versioned)."""
