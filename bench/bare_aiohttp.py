"""Baseline for bench/latency.py: an aiohttp handler that reads the body and answers a fixed JSON ack."""

from __future__ import annotations

import sys

from aiohttp import web


async def ack(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"response_type": "ephemeral", "text": "ok"})


def main() -> None:
    app = web.Application()
    app.add_routes([web.post("/slack/events", ack), web.get("/healthz", lambda r: web.json_response({}))])
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)


if __name__ == "__main__":
    main()
