"""Baseline for bench/latency.py: an aiohttp handler that makes the same database read as
`/crisp status` (the channel's active project) with SQLAlchemy async and answers it as JSON:
no signature check, no Bolt, no command router, no Block Kit."""

from __future__ import annotations

import sys

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from storage.tables import Project


def main() -> None:
    port, database_url = int(sys.argv[1]), sys.argv[2]
    engine = create_async_engine(database_url)

    async def status(request: web.Request) -> web.Response:
        form = await request.post()
        async with engine.connect() as connection:
            project = (await connection.execute(
                select(Project.__table__).where(Project.team_id == form["team_id"],
                                                Project.channel_id == form["channel_id"],
                                                Project.archived_at.is_(None)))).first()
        return web.json_response({"response_type": "ephemeral",
                                  "text": f"{project.name} is in {project.phase}, iteration {project.iteration}"})

    app = web.Application()
    app.add_routes([web.post("/slack/events", status), web.get("/healthz", lambda r: web.json_response({}))])
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
