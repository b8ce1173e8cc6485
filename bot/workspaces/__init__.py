"""Workspaces Crisp serves: whose token a call uses, which are installed, what an uninstall stops."""
