"""Baseline for bench/alerts.py: an aiohttp handler that reads an Alertmanager body as JSON and inserts the
same rows Crisp stores for it (one alert_group row, one alert row per alert) into SQLite, in one transaction
per body, and answers 202: no credential check, no validation, no dedupe, no routing, no relay."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import create_async_engine

from storage.tables import Alert, AlertGroup


def main() -> None:
    port, database_url = int(sys.argv[1]), sys.argv[2]
    engine = create_async_engine(database_url)

    @event.listens_for(engine.sync_engine, "connect")
    def pragmas(connection, _record) -> None:  # as Crisp configures SQLite: WAL, synchronous=NORMAL
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    groups, alerts = AlertGroup.__table__, Alert.__table__

    async def receive(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        now = datetime.now(UTC)
        async with engine.begin() as connection:
            group_id = (await connection.execute(insert(groups).values(
                source="alertmanager", group_key=hashlib.sha256(body["groupKey"].encode()).hexdigest(),
                title=body["commonLabels"].get("alertname", ""), severity="warning", summary="", rule="", kind="",
                common_labels=body["commonLabels"], links={}, status="firing", first_seen_at=now, last_seen_at=now,
                started_at=now, alert_count=len(body["alerts"]), firing_count=len(body["alerts"]), truncated=0,
                silenced_until_resolved=False, revision=1, dirty_since=now).returning(groups.c.id))).scalar_one()
            await connection.execute(insert(alerts), [
                dict(group_id=group_id, fingerprint=a["fingerprint"], status=a["status"],
                     summary=a["annotations"].get("summary", ""), labels=a["labels"], annotations=a["annotations"],
                     values={}, links={}, starts_at=now, digest=hashlib.sha256(json.dumps(a).encode()).hexdigest(),
                     first_seen_at=now, last_seen_at=now) for a in body["alerts"]])
        return web.json_response({"status": "stored", "alerts": len(body["alerts"])}, status=202)

    app = web.Application(client_max_size=1024 * 1024)
    app.add_routes([web.post("/alerts/alertmanager", receive), web.get("/healthz", lambda r: web.json_response({}))])
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
