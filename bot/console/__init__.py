"""Console mode: Crisp in a terminal, with the Slack stand-in in place of Slack."""
