"""The App Home tab."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.crisp_dm import Phase
from bot.views.blocks import context, divider, header, section
from bot.views.mrkdwn import channel, escape
from bot.views.phase_time import day_in_phase
from storage.tables import Project

HOME_BLOCK_LIMIT = 100


def home_view(projects: list[Project], now: datetime, slash: str) -> dict[str, Any]:
    blocks = [header("Crisp"), section("Keeps ML projects on track along CRISP-DM, in the channels where teams work.")]
    if projects:
        blocks += [divider(), section(f"*Active projects ({len(projects)})*")]
        for project in projects[: HOME_BLOCK_LIMIT - 8]:
            phase = Phase(project.phase)
            blocks.append(section(f"*{escape(project.name)}* in {channel(project.channel_id)}\n"
                                  f"{phase.title} (phase {phase.number} of 6) · day "
                                  f"{day_in_phase(project.phase_since, now)} · iteration {project.iteration}"))
    else:
        blocks += [divider(), section(f"No projects yet. In your team's channel, type `{slash} project create NAME`.")]
    blocks.append(context(f"`{slash} help` in a project channel lists what you can do there."))
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}
