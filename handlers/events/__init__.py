"""Events API listeners. Answers go out through the outbox; the ack is immediate."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from bot.views import home, projects as project_views
from storage.queries import projects


def register(app: AsyncApp, services: Services) -> None:
    async def app_home_opened(event, body, context) -> None:
        if event.get("tab") not in (None, "home"):
            return
        team_id = body.get("team_id") or context.get("team_id") or ""
        async with services.db.transaction() as session:
            active = await projects.active_for_team(session, team_id)
            view = home.home_view(active, services.clock.now(), services.settings.slash_command)
            await services.outbox.publish_home(session, team_id, event["user"], view)

    async def member_joined_channel(event, body, context) -> None:
        team_id = body.get("team_id") or event.get("team") or ""
        channel_id = event.get("channel") or ""
        user_id = event.get("user") or ""
        # Slack retries an event it thinks we missed; the event id keeps the answer single.
        dedupe_key = f"event:{body['event_id']}" if body.get("event_id") else None
        async with services.db.transaction() as session:
            project = await projects.active_in_channel(session, team_id, channel_id)
            if user_id == context.get("bot_user_id"):
                if project is None:
                    await services.outbox.post(session, team_id, channel_id,
                                               project_views.intro_message(services.settings.slash_command),
                                               dedupe_key=dedupe_key, requested_by=event.get("inviter"))
            elif project is not None:
                await services.outbox.ephemeral(session, team_id, channel_id, user_id,
                                                project_views.welcome_ephemeral(project, services.clock.now(),
                                                                                services.settings.slash_command),
                                                dedupe_key=dedupe_key, requested_by=user_id)

    app.event("app_home_opened")(app_home_opened)
    app.event("member_joined_channel")(member_joined_channel)
