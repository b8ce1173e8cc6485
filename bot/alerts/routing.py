"""Where a group's message goes, always inside the workspace the alert came for (the one whose alert
token the sender presented; with ALERT_TOKEN, the single workspace): a project of it named by the sender
(`project` label or field, `?project=SLUG`), else one of its projects whose `alerts route KEY=VALUE`
matches the labels, else its alert channel (`alerts channel #x`; ALERT_CHANNEL in single-workspace
mode), else nowhere (kept, and listed by `alerts` in a channel of it without a project)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries import alerts as alert_rows
from storage.tables import AlertRoute, Project


@dataclass(frozen=True)
class Destination:
    team_id: str | None
    project: Project | None
    channel_id: str | None
    why: str  # for the log: "project label", "route team=ml", "ALERT_CHANNEL", "nowhere"


async def destination(session: AsyncSession, *, slug: str | None, label_sets: Iterable[Mapping[str, str]],
                      routes: list[tuple[AlertRoute, Project]], alert_channel: str | None,
                      team_id: str | None) -> Destination:
    """`routes` are the workspace's own (`routes_in(team_id)`); `team_id` None only in single-workspace
    mode before Slack said which workspace the bot is in."""
    if slug:
        project = await alert_rows.active_project_by_slug(session, slug.strip().lower(), team_id)
        if project is not None:
            return Destination(project.team_id, project, project.channel_id, "project label")
    label_sets = list(label_sets)
    for labels in label_sets:  # common labels first, then each alert's
        for route, project in routes:
            if labels.get(route.label_key) == route.label_value:
                return Destination(project.team_id, project, project.channel_id,
                                   f"route {route.label_key}={route.label_value}")
    if alert_channel:
        return Destination(team_id, None, alert_channel, "alert channel")
    return Destination(team_id, None, None, "nowhere")
