"""slack-sdk's installation and OAuth state tables, on Crisp's own metadata so Alembic creates them and the
models/migration test compares them (built by the sdk's own table builders: they cannot drift from what
the sdk's SQLAlchemy stores expect), and the lease that lets one process at a time refresh a workspace's
rotating token."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

SlackInstallations = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, SQLAlchemyInstallationStore.default_installations_table_name)
SlackBots = SQLAlchemyInstallationStore.build_bots_table(
    SQLModel.metadata, SQLAlchemyInstallationStore.default_bots_table_name)
SlackOAuthStates = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, SQLAlchemyOAuthStateStore.default_table_name)


class SlackTokenLease(SQLModel, table=True):
    """Who is refreshing a workspace's bot token now: the process whose claim of this row succeeded
    (inserted, or taken over once `leased_until` passed). It calls oauth.v2.access with the refresh token
    while the others wait for the new token instead of spending the refresh token a second time."""

    __tablename__ = "slack_token_lease"

    workspace: str = Field(primary_key=True, max_length=80)  # "enterprise_id:team_id"
    holder: str = Field(max_length=64)
    leased_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
