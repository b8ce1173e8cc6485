"""Who does what in a project: role assignments and stakeholders, kept with their history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

CURRENT = text("removed_at IS NULL")


class RoleAssignment(SQLModel, table=True):
    """A person holding a role in a project, from assigned_at until removed_at (None: still holds it)."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        Index("uq_role_assignment_current", "project_id", "user_id", "role", unique=True,
              sqlite_where=CURRENT, postgresql_where=CURRENT),
        Index("ix_role_assignment_user", "team_id", "user_id"),
        Index("ix_role_assignment_project_id_id", "project_id", "id"),  # the team's history, newest first
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    user_id: str = Field(max_length=32)
    role: str = Field(max_length=32)
    assigned_by: str = Field(max_length=32)
    assigned_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    removed_by: str | None = Field(default=None, max_length=32)
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class Stakeholder(SQLModel, table=True):
    """Someone who receives the project's digests (the sponsor role counts as one without a row)."""

    __tablename__ = "stakeholder"
    __table_args__ = (
        Index("uq_stakeholder_current", "project_id", "user_id", unique=True,
              sqlite_where=CURRENT, postgresql_where=CURRENT),
        Index("ix_stakeholder_project_id_id", "project_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32)
    added_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    removed_by: str | None = Field(default=None, max_length=32)
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
