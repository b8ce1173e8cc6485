"""GET /install (the page with the Add to Slack button), /slack/install (to Slack's consent screen, with
a fresh state) and /slack/oauth_redirect (Slack's answer): served in OAuth mode only."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.manifest import BOT_SCOPES
from bot.workspaces.install_pages import INSTALL_PAGE_PATH, install_page


def routes(flow: AsyncOAuthFlow) -> list[web.RouteDef]:
    page = install_page(list(BOT_SCOPES))

    def bolt_request(request: web.Request) -> AsyncBoltRequest:
        headers = {name: request.headers.getall(name) for name in request.headers.keys()}
        return AsyncBoltRequest(body="", query=request.query_string, headers=headers)

    async def show_page(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_installation(bolt_request(request)))

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(bolt_request(request)))

    return [web.get(INSTALL_PAGE_PATH, show_page), web.get(flow.install_path, install),
            web.get(flow.redirect_uri_path, redirect)]
