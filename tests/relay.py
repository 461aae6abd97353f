"""A relay on loopback in front of a real server (the sandbox), changing what passes through it in one way.

``change(seen, (status, headers, body))`` returns the answer to send back, or None to pass it unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import requests
from stub import Seen, StubServer

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date", "host"}
Reply = tuple[int, dict[str, str], bytes]


def relay(upstream: str, change: Callable[[Seen, Reply], Reply | None] | None = None) -> StubServer:
    session = requests.Session()
    session.trust_env = False

    def answer(seen: Seen) -> Reply:
        headers = {k: v for k, v in seen.headers.items() if k not in HOP}
        resp = session.request(
            seen.method,
            upstream + seen.path,
            data=seen.body or None,
            headers=headers,
            timeout=10,
            allow_redirects=False,
        )
        reply = (resp.status_code, {k: v for k, v in resp.headers.items() if k.lower() not in HOP}, resp.content)
        changed = change(seen, reply) if change else None
        return changed or reply

    return StubServer(answer)


def params(seen: Seen) -> dict[str, str]:
    return dict(
        parse_qsl(urlsplit(seen.path).query + ("&" + seen.body.decode() if seen.body else ""), keep_blank_values=True)
    )


def path(seen: Seen) -> str:
    return urlsplit(seen.path).path


def json_reply(status: int, body, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()
