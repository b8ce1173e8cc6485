"""Action, callback and block ids: one place, so listeners and views cannot drift apart."""

from __future__ import annotations


class ActionId:
    OPEN_CREATE_PROJECT = "crisp.project.create.open"


class CallbackId:
    CREATE_PROJECT = "crisp.project.create"
    SET_OBJECTIVE = "crisp.project.objective"


class BlockId:
    PROJECT_NAME = "project_name"
    PROJECT_GOAL = "project_goal"
    PROJECT_METRIC = "project_metric"


class InputId:
    PROJECT_NAME = "name"
    PROJECT_GOAL = "goal"
    PROJECT_METRIC = "metric"
