"""One module per sender format; each turns a parsed JSON body into NormalisedGroups or raises
FormatError naming the offending field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.alerts.formats import alertmanager, evidently, generic, grafana
from bot.alerts.formats.common import FormatError
from bot.alerts.model import NormalisedGroup

Parser = Callable[[Any, Mapping[str, str]], list[NormalisedGroup]]

PARSERS: dict[str, Parser] = {
    "alertmanager": alertmanager.parse,
    "grafana": grafana.parse,
    "evidently": evidently.parse,
    "generic": generic.parse,
}

__all__ = ["PARSERS", "FormatError", "Parser"]
