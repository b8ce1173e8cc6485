"""`docs export`: the project's whole record as one Markdown document, built off the ack path and shared
in the channel through the outbox."""
