"""Alert ingest throughput against a bare baseline, and receipt-to-Slack latency, in one run.

Starts, as separate processes on loopback:
  crisp      `python -m bot serve` on SQLite (its relay and outbox worker sending to a Slack stand-in in this
             process, which enforces Slack's rate limits), with 20 projects the alerts are routed to
  bare       an aiohttp handler that inserts the same rows (the group, its 10 alerts) into SQLite in one
             transaction per body (bench/bare_alerts_db.py)
Then:
  1. latency: new groups, one at a time, to channels that are not throttled (one new group per channel every
     few seconds); receipt-to-Slack is the time from sending the body to the stand-in taking the post that
     shows it (p50/p95), beside the app's own `crisp_alert_receipt_to_slack_seconds` histogram
  2. throughput: sustained Alertmanager bodies (a new group of 10 new alerts per request) over 16
     connections, for the same time against each server, driven by `wrk` with bench/alerts.lua (Debian's
     package; installed with apt-get when missing and possible, else a Python client, which tops out near
     4,500 alerts/s and says so); alerts/s stored is counted in each database afterwards.

    python bench/alerts.py [--seconds 15] [--connections 16] [--latency-groups 40]
Targets: >= 2,000 alerts/s stored by Crisp, >= 0.5 of the bare handler; receipt-to-Slack p95 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.latency import BOT_TOKEN, SIGNING_SECRET, TEAM, free_port, percentile, start  # noqa: E402
from bot.slack_standin import SlackStandIn  # noqa: E402

ALERT_TOKEN = "bench-alert-token-0123456789"
PROJECTS = 20
LATENCY_CHANNELS = 10


async def prepare(crisp_url: str, bare_url: str) -> None:
    from datetime import UTC, datetime

    from storage.db import Database
    from storage.migrate import upgrade_to_head
    from storage.tables import Project

    for url in (crisp_url, bare_url):
        db = Database(url)
        await upgrade_to_head(db.engine)
        await db.dispose()
    db = Database(crisp_url)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for slug, channel in ([(f"bench-{n}", f"C0BENCH{n:02d}") for n in range(PROJECTS)]
                              + [(f"bench-lat-{n}", f"C0LAT{n:02d}") for n in range(LATENCY_CHANNELS)]):
            session.add(Project(team_id=TEAM, channel_id=channel, name=slug, slug=slug, phase="deployment",
                                phase_since=now, created_by="U0BENCH", created_at=now))
    await db.dispose()


async def count_alerts(url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.tables import Alert

    db = Database(url)
    try:
        async with db.read() as session:
            return (await session.execute(select(func.count()).select_from(Alert))).scalar_one()
    finally:
        await db.dispose()


def latency_body(title: str, project: str) -> dict:
    return {"version": "4", "groupKey": title, "status": "firing", "receiver": "crisp",
            "commonLabels": {"alertname": title, "project": project},
            "alerts": [{"status": "firing", "fingerprint": f"{title}-{n}",
                        "labels": {"alertname": title, "project": project, "instance": f"i{n}"},
                        "annotations": {"summary": f"{title} on i{n}"}} for n in range(3)]}


async def measure_latency(standin: SlackStandIn, url: str, groups: int) -> tuple[list[float], int]:
    seen: dict[str, float] = {}

    def listener(call) -> None:
        if call.method == "chat.postMessage" and call.ok:
            match = re.match(r"Firing: (Lat\d+)", call.args.get("text", ""))
            if match:
                seen.setdefault(match.group(1), time.monotonic())

    standin.listen(listener)
    sent: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {ALERT_TOKEN}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http:
        for n in range(groups):
            title = f"Lat{n:04d}"
            body = json.dumps(latency_body(title, f"bench-lat-{n % LATENCY_CHANNELS}"))
            sent[title] = time.monotonic()
            async with http.post(f"{url}/alerts/alertmanager", data=body, headers=headers) as response:
                assert response.status == 202, await response.text()
            await asyncio.sleep(0.3)  # each channel gets a new group every 3 s: well within its budget
    deadline = time.monotonic() + 15
    while len(seen) < groups and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return [seen[t] - sent[t] for t in sent if t in seen], groups - len(seen)


def histogram_p95(exposition: str) -> str:
    buckets = [(float(le), float(count)) for le, count in
               re.findall(r'crisp_alert_receipt_to_slack_seconds_bucket\{le="([^"]+)"\} ([0-9.e+]+)', exposition)
               if le != "+Inf"]
    total = re.search(r"crisp_alert_receipt_to_slack_seconds_count ([0-9.e+]+)", exposition)
    if not total or not float(total.group(1)):
        return "no observations"
    need = 0.95 * float(total.group(1))
    for le, count in buckets:
        if count >= need:
            return f"<= {le:g} s ({int(float(total.group(1)))} observations)"
    return f"> {buckets[-1][0]:g} s"


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing Debian's package (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "wrk"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return shutil.which("wrk")


async def drive_wrk(wrk: str, url: str, seconds: int, connections: int) -> str:
    env = {**os.environ, "BENCH_TOKEN": ALERT_TOKEN, "BENCH_RUN": uuid.uuid4().hex[:8]}
    process = await asyncio.create_subprocess_exec(
        wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(REPO / "bench/alerts.lua"),
        f"{url}/alerts/alertmanager", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return out.decode()


async def drive_python(url: str, seconds: int, connections: int) -> str:
    run = uuid.uuid4().hex[:8]
    headers = {"Authorization": f"Bearer {ALERT_TOKEN}", "Content-Type": "application/json"}
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "other": 0}

    async def one(worker: int, http: aiohttp.ClientSession) -> None:
        n = 0
        while time.monotonic() < stop:
            n += 1
            key = f"{run}-{worker}-{n}"
            project = f"bench-{n % PROJECTS}"
            body = {"version": "4", "groupKey": key, "status": "firing",
                    "commonLabels": {"alertname": "BenchDrift", "project": project},
                    "alerts": [{"status": "firing", "fingerprint": f"{key}-{i}",
                                "labels": {"alertname": "BenchDrift", "project": project, "instance": f"i{i}"},
                                "annotations": {"summary": f"bench {key} alert {i}"}} for i in range(10)]}
            async with http.post(f"{url}/alerts/alertmanager", json=body, headers=headers) as response:
                await response.read()
                counts["ok" if response.status == 202 else "other"] += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as http:
        await asyncio.gather(*(one(w, http) for w in range(connections)))
    return f"python client: {counts['ok']} accepted, {counts['other']} other answers"


async def run(seconds: int, connections: int, latency_groups: int) -> None:
    workdir = tempfile.mkdtemp(prefix="crisp-alert-bench-")
    crisp_url = f"sqlite+aiosqlite:///{workdir}/crisp.db"
    bare_url = f"sqlite+aiosqlite:///{workdir}/bare.db"
    await prepare(crisp_url, bare_url)
    standin = SlackStandIn()
    api_url = await standin.start()
    standin.enforce_rate_limits()
    for n in range(PROJECTS):
        standin.add_channel(f"C0BENCH{n:02d}", f"bench-{n}")
    for n in range(LATENCY_CHANNELS):
        standin.add_channel(f"C0LAT{n:02d}", f"bench-lat-{n}")
    ports = {"crisp": free_port(), "bare": free_port()}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
           "DATABASE_URL": crisp_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": api_url, "HOST": "127.0.0.1", "PORT": str(ports["crisp"]), "ALERT_TOKEN": ALERT_TOKEN,
           "SCHEDULER_ENABLED": "false", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO)}
    processes = [
        await start("crisp", [sys.executable, "-m", "bot", "serve"], ports["crisp"], env, Path(workdir, "crisp.log")),
        await start("bare", [sys.executable, "bench/bare_alerts_db.py", str(ports["bare"]), bare_url],
                    ports["bare"], env, Path(workdir, "bare.log")),
    ]
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        latencies, missing = await measure_latency(standin, urls["crisp"], latency_groups)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{urls['crisp']}/metrics") as response:
                exposition = await response.text()
        wrk = ensure_wrk()
        if wrk is None:
            print("wrk could not be installed: driving load with a Python client, which tops out near "
                  "4,500 alerts/s here (figures below may be the client's limit, not the server's)")
        rates = {}
        for name in ("crisp", "bare"):
            db_url = crisp_url if name == "crisp" else bare_url
            before = await count_alerts(db_url)
            started = time.monotonic()
            report = await (drive_wrk(wrk, urls[name], seconds, connections) if wrk
                            else drive_python(urls[name], seconds, connections))
            elapsed = time.monotonic() - started
            stored = await count_alerts(db_url) - before
            rates[name] = stored / elapsed
            errors = re.findall(r"Non-2xx or 3xx responses: (\d+)|Socket errors: [^\n]*", report)
            print(f"{name:6} {stored:>8} alerts stored in {elapsed:5.1f} s = {rates[name]:8.0f} alerts/s"
                  f"  ({'wrk' if wrk else 'python'}; {errors or 'no errors'})")
        print(f"ratio crisp/bare: {rates['crisp'] / max(rates['bare'], 1e-9):.2f}")
        if latencies:
            print(f"receipt-to-Slack (not throttled, {len(latencies)} groups, {missing} not seen in 15 s): "
                  f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms,"
                  f" max {max(latencies) * 1000:.0f} ms; crisp_alert_receipt_to_slack_seconds p95 "
                  f"{histogram_p95(exposition)}")
        limited = [c for c in standin.calls if c.status == 429]
        print(f"Slack stand-in (enforcing 1 post/s per channel, chat.update Tier 3): {len(standin.calls)} calls, "
              f"{len(limited)} answered 429")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        await standin.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--latency-groups", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(run(args.seconds, args.connections, args.latency_groups))


if __name__ == "__main__":
    main()
