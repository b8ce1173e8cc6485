"""*Acknowledge all* on a storm summary: the groups rolled into it have no buttons of their own.

One transaction: the storm row is locked (so two presses acknowledge once), every firing, unacknowledged
group of the storm is acknowledged and flagged for the relay (which redraws their lines and the summary),
one audit row, one thread reply. Who may press: as for a group's own buttons, members of a project team
the groups belong to and Crisp admins; groups that reached no project (ALERT_CHANNEL) are anyone's."""

from __future__ import annotations

from bot.errors import UserError
from bot.services import Services
from bot.views import alert_storms as views
from storage.queries import alert_storms as storm_rows
from storage.queries import audit, team

async def acknowledge_storm(services: Services, *, team_id: str, user_id: str, storm_id: int) -> int:
    """Returns how many groups were acknowledged."""
    async with services.db.transaction() as session:
        storm = await storm_rows.get_storm(session, storm_id)  # locked
        if storm is None or storm.team_id != team_id:
            raise UserError("Crisp no longer knows this storm.")
        waiting = views.unacknowledged(await storm_rows.groups_of(session, storm_id))
        if not waiting:
            raise UserError("Every group of this storm is acknowledged or resolved already.")
        projects = {g.project_id for g in waiting if g.project_id is not None}
        if projects and not services.is_admin(user_id):
            member = False
            for project_id in sorted(projects):
                member = member or bool(await team.roles_of(session, project_id, user_id))
            if not member:
                raise UserError("Only members of these alerts' project teams (anyone holding a role) and Crisp "
                                "admins may acknowledge them.")
        now = services.clock.now()
        for group in waiting:
            group.acked_by, group.acked_at = user_id, now
            group.dirty_since = group.dirty_since or now  # the relay redraws its line and the summary
        await audit.record(session, team_id=team_id, project_id=None, actor_id=user_id, action="alert.storm_acked",
                           now=now, storm=storm_id, groups=[g.id for g in waiting])
        await services.outbox.post(session, storm.team_id, storm.channel_id,
                                   views.acknowledged_note(user_id, len(waiting)), thread_of=storm.message_key,
                                   requested_by=user_id)
    return len(waiting)
