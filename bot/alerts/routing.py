"""Where a group's message goes: a project named by the sender (`project` label or field,
`?project=SLUG`), else a project whose `alerts route KEY=VALUE` matches its labels, else
ALERT_CHANNEL, else nowhere (kept, and listed by `alerts` in a channel without a project)."""

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
                      bot_team: str | None) -> Destination:
    if slug:
        project = await alert_rows.active_project_by_slug(session, slug.strip().lower(), bot_team)
        if project is not None:
            return Destination(project.team_id, project, project.channel_id, "project label")
    label_sets = list(label_sets)
    for labels in label_sets:  # common labels first, then each alert's
        for route, project in routes:
            if labels.get(route.label_key) == route.label_value:
                return Destination(project.team_id, project, project.channel_id,
                                   f"route {route.label_key}={route.label_value}")
    if alert_channel:
        return Destination(bot_team, None, alert_channel, "ALERT_CHANNEL")
    return Destination(bot_team, None, None, "nowhere")
