"""Response headers every page and API answer carries, a body-size limit, and masking of logs."""

from __future__ import annotations

import json
import logging

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onestop.org.masking import mask_text

MAX_BODY = 2 * 1024 * 1024
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Everything is served from here: no CDN, no inline script.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}
_TOO_LARGE = json.dumps(
    {"error": "http_413", "message": "请求内容过大", "field": "body", "errors": []}, ensure_ascii=False
).encode()


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware): adds the headers above and refuses bodies over ``MAX_BODY``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > MAX_BODY:
                await _too_large(send)
                return

        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                if "cache-control" not in headers and not path.startswith("/static/"):
                    # Answers may carry personal data: no shared cache keeps them, unless a route says otherwise.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _too_large(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(_TOO_LARGE)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": _TOO_LARGE})


class MaskingFilter(logging.Filter):
    """Masks 身份证号 and phone numbers in every log line that passes (个人信息保护法)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True


def install_log_masking(names: tuple[str, ...] = ("uvicorn.access", "uvicorn.error", "onestop")) -> None:
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(MaskingFilter())
