"""The install flow's web pages: where to start, what went right, what went wrong and what to do next.
Plain HTML; every value from outside (workspace names, reasons) is escaped."""

from __future__ import annotations

from html import escape

INSTALL_PATH = "/slack/install"
INSTALL_PAGE_PATH = "/install"

_STYLE = ("body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:40rem;margin:3rem auto;"
          "padding:0 1rem;line-height:1.5;color:#1d1c1d}h1{color:#1f3a5f}code{background:#f4f4f4;padding:0 .2rem}"
          "a.button{display:inline-block;background:#1f3a5f;color:#fff;padding:.6rem 1.2rem;border-radius:4px;"
          "text-decoration:none}")


def _page(title: str, *paragraphs: str) -> str:
    """`paragraphs` are HTML already (callers escape what they put in)."""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
            f"<body><h1>{escape(title)}</h1>\n{body}\n</body></html>")


def install_page(scopes: list[str]) -> str:
    return _page(
        "Add Crisp to your Slack workspace",
        "Crisp keeps machine-learning projects on track along CRISP-DM, in the channels where teams work.",
        f'<a class="button" href="{INSTALL_PATH}">Add to Slack</a>',
        "Slack will show what Crisp may do: " + ", ".join(f"<code>{escape(scope)}</code>" for scope in scopes)
        + ". Crisp asks for no user scopes: it never acts as you.",
        "Install Crisp into each workspace that uses it. Installing it for a whole Enterprise Grid "
        "organization at once is not supported.",
    )


def success_page(team_name: str | None, slash_command: str) -> str:
    where = escape(team_name) if team_name else "your workspace"
    command = escape(slash_command)
    return _page(
        "Crisp is installed",
        f"Crisp is now part of <strong>{where}</strong>.",
        f"Next: open the channel of an ML project, invite Crisp there (<code>/invite @Crisp</code>) and type "
        f"<code>{command} project create NAME</code>. <code>{command} help</code> lists everything else.",
        "You can close this page.",
    )


# Why an install failed (Bolt's reasons, and Crisp's own), and what to do next.
FAILURES: dict[str, tuple[str, str]] = {
    "access_denied": ("Installation cancelled", "Crisp was not installed. To install it after all, start again."),
    "invalid_browser": ("This install link cannot be used here",
                        "The install must finish in the browser that started it, with cookies allowed. "
                        "Start again from this browser."),
    "invalid_state": ("This install link has expired or was used already",
                      "Install links are valid for ten minutes and for one install. Start again."),
    "missing_code": ("Slack did not confirm the installation", "Nothing was installed. Start again."),
    "invalid_code": ("Slack did not confirm the installation",
                     "Slack refused the confirmation code (it may have been used already). Start again."),
    "enterprise_install": ("Crisp installs per workspace",
                           "Installing Crisp for a whole Enterprise Grid organization is not supported; nothing "
                           "was installed. Ask an organization admin to add Crisp to each workspace that needs it, "
                           "or install it from within one workspace."),
    "storage_error": ("Crisp could not save the installation",
                      "Nothing was installed; the database was busy or unreachable. Try again in a minute."),
}


def failure_page(reason: str) -> str:
    title, advice = FAILURES.get(reason, ("Crisp was not installed", f"Slack said: {reason}. Start again."))
    return _page(title, escape(advice), f'<a class="button" href="{INSTALL_PATH}">Start again</a>')
