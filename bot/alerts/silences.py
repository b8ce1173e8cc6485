"""Real Alertmanager silences behind the Silence button, made by a background sweep, never on the ack path.

Which Alertmanager: `ALERTMANAGER_URL` when set; otherwise the `externalURL` of the group's last webhook
body, unless that names this machine (localhost, 127.0.0.0/8, ::1, 0.0.0.0: Alertmanager's default when
no `--web.external-url` is given, which says nothing about where Crisp can reach it). Without either, the
silence stays Slack-only, as for the other sources.

The state is durable, in the group's `silence_id` (no extra columns):

- `want:<attempts>:<not before>`: a silence is to be created;
- `am:<id>`: Alertmanager holds silence `<id>` for this group;
- `unwant:<id>:<attempts>:<not before>`: silence `<id>` is to be expired (Unsilence, resolve);
- `failed:<reason>`: Alertmanager refused it or never answered; the Slack silence holds anyway.

A pass claims due groups in one transaction (`SKIP LOCKED`), writing the next attempt's time as a lease
(so a second process leaves them alone, and a process that dies mid-call is taken over after it), calls
Alertmanager's v2 API with httpx outside any transaction, then writes the outcome in a transaction that
checks the state is still the one it claimed. Network errors and 5xx are retried with backoff; a 4xx
fails at once. The group's message says "pending", "created" or "failed"."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx

from bot.alerts.message import edit_group_message
from bot.services import Services
from bot.views import alert_ops as views
from storage.queries import alert_ops
from storage.queries import alerts as alert_rows
from storage.queries import audit
from storage.tables import AlertGroup

log = logging.getLogger("crisp.alerts")

BATCH = 20
CALL_TIMEOUT_SECONDS = 5.0
LEASE = timedelta(seconds=30)     # > the call's timeout: a process that died mid-call is taken over after it
MAX_ATTEMPTS = 6
BACKOFF = (5, 15, 60, 300, 900)  # seconds before attempts 2, 3, …
UNTIL_RESOLVED = timedelta(days=30)  # "until resolved" in Alertmanager: a long window, expired on resolve
LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain", "0.0.0.0", "::", ""})


@dataclass(frozen=True)
class State:
    kind: str                 # "" | want | am | unwant | failed
    silence: str = ""         # Alertmanager's id
    attempts: int = 0
    not_before: int = 0       # epoch seconds
    reason: str = ""

    def encode(self) -> str | None:
        if self.kind == "want":
            return f"want:{self.attempts}:{self.not_before}"
        if self.kind == "am":
            return f"am:{self.silence}"
        if self.kind == "unwant":
            return f"unwant:{self.silence}:{self.attempts}:{self.not_before}"
        if self.kind == "failed":
            return f"failed:{self.reason}"[:64]
        return None


def parse(raw: str | None) -> State:
    if not raw:
        return State("")
    kind, _, rest = raw.partition(":")
    try:
        if kind == "want":
            attempts, not_before = rest.split(":")
            return State("want", attempts=int(attempts), not_before=int(not_before))
        if kind == "am":
            return State("am", silence=rest)
        if kind == "unwant":
            silence, attempts, not_before = rest.rsplit(":", 2)
            return State("unwant", silence=silence, attempts=int(attempts), not_before=int(not_before))
        if kind == "failed":
            return State("failed", reason=rest)
    except ValueError:
        pass
    return State("am", silence=raw)  # a bare id (older rows): an Alertmanager silence


def alertmanager_for(settings, group: AlertGroup) -> str | None:
    """Where this group's silences go, or None (see the module's docstring)."""
    if group.source != "alertmanager":
        return None
    if settings.alertmanager_url:
        return settings.alertmanager_url.rstrip("/")
    url = group.external_url or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url.rstrip("/")
    return None if address.is_loopback or address.is_unspecified else url.rstrip("/")


def silenced_now(group: AlertGroup, now: datetime) -> bool:
    return group.status == "firing" and (
        group.silenced_until_resolved or (group.silenced_until is not None and group.silenced_until > now))


# -- called from the buttons, in their transaction ----------------------------------------------------------

def request(services: Services, group: AlertGroup) -> bool:
    """The Silence button: ask for an Alertmanager silence too, where there is one. True when asked."""
    if alertmanager_for(services.settings, group) is None:
        return False
    state = parse(group.silence_id)
    if state.kind in ("", "failed"):
        group.silence_id = State("want").encode()
        return True
    return state.kind in ("want", "unwant")  # unwant: the sweep asks again once the old one is gone


def cancel(group: AlertGroup) -> None:
    """Unsilence or resolve: expire the Alertmanager silence (or stop asking for one)."""
    state = parse(group.silence_id)
    if state.kind in ("want", "failed"):
        group.silence_id = None
    elif state.kind == "am":
        group.silence_id = State("unwant", silence=state.silence).encode()


# -- the sweep ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    group_id: int
    claimed: str
    kind: str        # create | expire
    base_url: str
    silence: str = ""
    body: dict | None = None


@dataclass(frozen=True)
class Answer:
    ok: bool
    silence: str = ""
    error: str = ""
    retry: bool = False


def silence_body(group: AlertGroup, created_by: str, project_name: str | None, now: datetime) -> dict | None:
    matchers = [{"name": str(name), "value": str(value), "isRegex": False, "isEqual": True}
                for name, value in sorted(group.common_labels.items())]
    if not matchers:
        return None
    ends = group.silenced_until if group.silenced_until is not None else now + UNTIL_RESOLVED
    where = f"project {project_name}" if project_name else "no project"
    return {"matchers": matchers, "startsAt": now.isoformat().replace("+00:00", "Z"),
            "endsAt": ends.isoformat().replace("+00:00", "Z"), "createdBy": f"slack:{created_by}",
            "comment": f"Silenced from Slack with Crisp ({where}): {group.title}"[:500]}


def _due(now: datetime):
    def due(group: AlertGroup) -> bool:
        state = parse(group.silence_id)
        return state.kind == "am" or state.not_before <= int(now.timestamp())
    return due


async def silence_sweep(services: Services, *, client: httpx.AsyncClient | None = None) -> str:
    """One pass: claim due groups, call Alertmanager, record what happened."""
    jobs = await _claim(services)
    if not jobs:
        return "jobs=0"
    own = client is None
    client = client or httpx.AsyncClient(timeout=CALL_TIMEOUT_SECONDS)
    try:
        answers = await asyncio.gather(*(_call(client, job) for job in jobs))
    finally:
        if own:
            await client.aclose()
    for job, answer in zip(jobs, answers, strict=True):
        await _settle(services, job, answer)
    done = sum(1 for a in answers if a.ok)
    return f"jobs={len(jobs)} ok={done} failed={len(jobs) - done}"


async def _claim(services: Services) -> list[Job]:
    now = services.clock.now()
    jobs: list[Job] = []
    with services.db.background():
        async with services.db.transaction() as session:
            for group in await alert_ops.claim_silence_work(session, now=now, limit=BATCH, due=_due(now)):
                state = parse(group.silence_id)
                base = alertmanager_for(services.settings, group)
                if state.kind == "want" and not silenced_now(group, now):
                    group.silence_id = None  # unsilenced or resolved before it was made
                    continue
                if state.kind == "am":  # its Slack silence ended: expire it there too
                    state = State("unwant", silence=state.silence)
                if base is None:
                    group.silence_id = State("failed", reason="no Alertmanager URL").encode() \
                        if state.kind == "want" else None
                    continue
                lease = int((now + LEASE).timestamp())
                claimed = State(state.kind, silence=state.silence, attempts=state.attempts + 1,
                                not_before=lease).encode()
                group.silence_id = claimed
                if state.kind == "want":
                    project = await alert_ops.project_of(session, group.project_id)
                    body = silence_body(group, group.silenced_by or "unknown", project.name if project else None,
                                        now)
                    if body is None:
                        group.silence_id = State("failed", reason="no common labels to match").encode()
                        await _edit(services, session, group)
                        continue
                    jobs.append(Job(group.id, claimed, "create", base, body=body))
                else:
                    jobs.append(Job(group.id, claimed, "expire", base, silence=state.silence))
    return jobs


async def _call(client: httpx.AsyncClient, job: Job) -> Answer:
    try:
        if job.kind == "create":
            response = await client.post(f"{job.base_url}/api/v2/silences", json=job.body)
        else:
            response = await client.delete(f"{job.base_url}/api/v2/silence/{job.silence}")
    except (httpx.HTTPError, OSError) as exc:
        return Answer(False, error=f"{type(exc).__name__}", retry=True)
    text = response.text[:200]
    if job.kind == "expire" and (response.status_code == 404 or "already expired" in text or "not found" in text):
        # Gone there already (it ran out at its endsAt, or someone expired it): what we wanted.
        return Answer(True)
    if response.status_code >= 500 or response.status_code == 429:
        return Answer(False, error=f"HTTP {response.status_code}", retry=True)
    if response.status_code >= 400:
        return Answer(False, error=f"HTTP {response.status_code}: {text}")
    if job.kind == "create":
        try:
            silence = response.json().get("silenceID")
        except (ValueError, AttributeError):
            silence = None
        if not isinstance(silence, str) or not silence or len(silence) > 50:
            return Answer(False, error="no silenceID in the answer")
        return Answer(True, silence=silence)
    return Answer(True)


async def _settle(services: Services, job: Job, answer: Answer) -> None:
    now = services.clock.now()
    with services.db.background():
        async with services.db.transaction() as session:
            group = await alert_rows.get_group(session, job.group_id, lock=True)
            if group is None:
                return
            current = parse(group.silence_id)
            if job.kind == "create":
                await _settle_create(services, session, group, job, answer, current, now)
            else:
                await _settle_expire(services, session, group, job, answer, current, now)


async def _settle_create(services, session, group: AlertGroup, job: Job, answer: Answer, current: State,
                         now: datetime) -> None:
    if answer.ok:
        if group.silence_id != job.claimed and current.kind not in ("", "want"):
            log.warning("alert group %s: Alertmanager silence %s was made while the group changed; it ends on "
                        "its own at its endsAt", group.id, answer.silence)
            return
        if silenced_now(group, now):
            group.silence_id = State("am", silence=answer.silence).encode()
            await audit.record(session, team_id=group.team_id or "", project_id=group.project_id,
                               actor_id=group.silenced_by or "crisp", action="alert.am_silenced", now=now,
                               group=group.id, silence=answer.silence)
            await _edit(services, session, group)
        else:  # unsilenced meanwhile
            group.silence_id = State("unwant", silence=answer.silence).encode()
        return
    if group.silence_id != job.claimed:
        return  # someone changed it meanwhile: their state stands
    claimed = parse(job.claimed)
    if answer.retry and claimed.attempts < MAX_ATTEMPTS:
        wait = BACKOFF[min(claimed.attempts - 1, len(BACKOFF) - 1)]
        group.silence_id = State("want", attempts=claimed.attempts,
                                 not_before=int((now + timedelta(seconds=wait)).timestamp())).encode()
        log.warning("alert group %s: Alertmanager silence not made (%s); trying again in %s s",
                    group.id, answer.error, wait)
        return
    group.silence_id = State("failed", reason=answer.error).encode()
    log.warning("alert group %s: Alertmanager silence failed for good: %s", group.id, answer.error)
    await _edit(services, session, group)
    if group.message_key and group.team_id:
        await services.outbox.post(session, group.team_id, group.channel_id,
                                   views.silence_failed_note(answer.error, job.base_url),
                                   thread_of=group.message_key)


async def _settle_expire(services, session, group: AlertGroup, job: Job, answer: Answer, current: State,
                         now: datetime) -> None:
    if group.silence_id != job.claimed:
        return
    claimed = parse(job.claimed)
    if not answer.ok and answer.retry and claimed.attempts < MAX_ATTEMPTS:
        wait = BACKOFF[min(claimed.attempts - 1, len(BACKOFF) - 1)]
        group.silence_id = State("unwant", silence=claimed.silence, attempts=claimed.attempts,
                                 not_before=int((now + timedelta(seconds=wait)).timestamp())).encode()
        return
    if not answer.ok:
        log.warning("alert group %s: Alertmanager silence %s could not be expired: %s", group.id, claimed.silence,
                    answer.error)
        if group.message_key and group.team_id:
            await services.outbox.post(session, group.team_id, group.channel_id,
                                       views.expire_failed_note(claimed.silence, answer.error, job.base_url),
                                       thread_of=group.message_key)
    else:
        await audit.record(session, team_id=group.team_id or "", project_id=group.project_id, actor_id="crisp",
                           action="alert.am_unsilenced", now=now, group=group.id, silence=claimed.silence)
    # Silenced again meanwhile: ask for a new one.
    group.silence_id = State("want").encode() if silenced_now(group, now) else None


async def _edit(services: Services, session, group: AlertGroup) -> None:
    await edit_group_message(services, session, group)

