"""Feedback on the model's predictions: `feedback TEXT` and the message shortcut "Send as model feedback"."""
