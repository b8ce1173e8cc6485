"""Editing a group's one message outside the relay (buttons, silences, iterations): the same rendering."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.iteration import offers_iteration
from bot.alerts.relay import mentions_for
from bot.services import Services
from bot.views import alerts as views
from storage.queries import alerts as alert_rows
from storage.tables import AlertGroup


async def edit_group_message(services: Services, session: AsyncSession, group: AlertGroup, *,
                             requested_by: str | None = None) -> bool:
    """Queue an edit of the group's message showing its state now; False when it has no message yet."""
    if group.message_key is None or group.team_id is None:
        return False
    await session.flush()
    alerts = await alert_rows.alerts_of(session, group.id)
    mentions = await mentions_for(session, group) if group.status == "firing" else []
    body = views.group_message(group, alerts, services.clock.now(), mentions=mentions,
                               offer_iteration=await offers_iteration(session, group))
    await services.outbox.update(session, group.team_id, group.message_key, body, requested_by=requested_by)
    return True
