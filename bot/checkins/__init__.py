"""Team check-ins: DMs with a form, one reminder halfway, a summary in the channel when the window closes."""
