"""Action, callback and block ids: one place, so listeners and views cannot drift apart."""

from __future__ import annotations


class ActionId:
    OPEN_CREATE_PROJECT = "crisp.project.create.open"


class CallbackId:
    CREATE_PROJECT = "crisp.project.create"


class BlockId:
    PROJECT_NAME = "project_name"


class InputId:
    PROJECT_NAME = "name"
