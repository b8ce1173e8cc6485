"""HTTP routes served beside Slack's: each module exposes `routes(...) -> list[web.RouteDef]`."""
