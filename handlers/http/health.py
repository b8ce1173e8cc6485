"""GET /healthz and GET /metrics."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.metrics import CONTENT_TYPE_LATEST
from bot.services import Services
from storage.queries import outbox as outbox_rows

log = logging.getLogger(__name__)


def routes(services: Services) -> list[web.RouteDef]:
    async def healthz(_request: web.Request) -> web.Response:
        if await services.db.ping():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unavailable", "detail": "database does not answer"}, status=503)

    async def metrics(_request: web.Request) -> web.Response:
        try:
            async with services.db.read() as session:
                services.metrics.set_outbox_depth(await outbox_rows.count_by_status(session))
        except Exception as exc:  # metrics must still answer while the database is down
            log.debug("outbox depth unavailable for /metrics: %s", exc)
        response = web.Response(body=services.metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    return [web.get("/healthz", healthz), web.get("/metrics", metrics)]
