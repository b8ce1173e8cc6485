"""Who does what in a project: roles, stakeholders, the goal and success metric, and refusals that name
who may act."""
