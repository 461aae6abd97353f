"""Telling people about drift: a Slack-compatible webhook and GitHub issues.

One GitHub issue per contract and change fingerprint: the next night's run
finds it by a marker in its body and updates it instead of opening another.
The token travels only in the Authorization header; no message, report or
exception carries it.  Page text is neutralised for the medium it goes to
(:func:`neutral.slack`, :func:`neutral.github`), and every call has a total
deadline and reads at most :data:`MAX_ANSWER_BYTES` of an answer, inflated.
"""

from __future__ import annotations

import http.client
import json
from typing import Any

import requests
import urllib3

from .. import neutral
from ..wire.transport import Deadline, WatchedAdapter, read_capped
from .drift import Change, ContractDrift, focus, report_markdown

LABEL = "doc-drift"

#: The most of a webhook's or GitHub's answer read, decompressed (a page of 100 issues is ~1 MB).
MAX_ANSWER_BYTES = 8 * 1024 * 1024


class AlertError(Exception):
    """An alert that could not be delivered (the reports on disk are still complete)."""


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _what_changed(c: Change) -> str:
    """One change in words, with before and after where the languages agree on them (Slack-escaped)."""
    line = c.message
    lang = next((lg for lg in c.languages if lg in c.before or lg in c.after), None)
    before, after = (c.before.get(lang), c.after.get(lang)) if lang else (None, None)
    if isinstance(before, str) and isinstance(after, str):
        before, after = focus(before, after, context=30)
    if before is not None or after is not None:
        line += (
            f": {_short(before, 120) if before is not None else '(none)'} → "
            f"{_short(after, 120) if after is not None else '(none)'}"
        )
    if c.why:
        line += f" ({c.why})"
    return neutral.slack(line)


def slack_message(
    drifts: list[ContractDrift], exit_code: int, run_url: str = "", per_contract: int = 6, max_chars: int = 3500
) -> dict[str, Any]:
    """What changed, in words (not only codes), per contract; waived changes left out; bounded in size."""
    head = {1: "Doc drift (non-breaking)", 2: ":rotating_light: Doc drift: BREAKING"}.get(exit_code, "Doc drift")
    lines = [f"*{head}*" + (f" · <{neutral.slack(run_url)}|CI run>" if run_url else "")]
    for d in drifts:
        live = d.live()
        if not live:
            continue
        link, label = neutral.slack(d.urls.get("en", "")), neutral.slack(d.label)
        name = f"<{link}|{label}>" if link else f"`{label}`"
        lines.append(f"• {name} ({d.worst()}):")
        lines += [f"    – {_what_changed(c)}" for c in live[:per_contract]]
        if len(live) > per_contract:
            lines.append(f"    – and {len(live) - per_contract} more (see the drift report)")
    text = "\n".join(lines)
    if len(text) > max_chars:
        text = text[: max_chars - 40].rsplit("\n", 1)[0] + "\n… (more in the drift report)"
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def _session() -> requests.Session:
    session = requests.Session()
    session.mount("http://", WatchedAdapter())
    session.mount("https://", WatchedAdapter())
    return session


def _call(
    session: requests.Session, where: str, timeout: float, method: str, url: str, redirects: bool = False, **kw: Any
) -> tuple[int, bytes]:
    """(status, body) of one request, all of it within ``timeout`` seconds (a server trickling a
    byte at a time is cut off at the deadline, not after each slow read) and at most
    MAX_ANSWER_BYTES of body, inflated (a small gzip bomb is refused, not inflated whole)."""
    with Deadline(timeout) as deadline:
        try:
            resp = session.request(
                method, url, timeout=(timeout, timeout), stream=True, allow_redirects=redirects, **kw
            )
            try:
                body = read_capped(resp, MAX_ANSWER_BYTES)
            finally:
                resp.close()
        except ValueError as exc:  # read_capped: too large or undecodable
            raise AlertError(f"{where}: {exc}") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            if deadline.expired:
                raise AlertError(f"{where}: no complete answer within {timeout:g}s") from None
            raise AlertError(f"{where}: {type(exc).__name__}") from None
        if deadline.expired:  # the deadline's shutdown can look like a complete (short) answer
            raise AlertError(f"{where}: no complete answer within {timeout:g}s")
    return resp.status_code, body


def post_webhook(url: str, drifts: list[ContractDrift], exit_code: int, timeout: float = 10, run_url: str = "") -> None:
    status, _ = _call(_session(), "webhook", timeout, "POST", url, json=slack_message(drifts, exit_code, run_url))
    if not 200 <= status < 300:
        raise AlertError(f"webhook: HTTP {status}")


def _marker(d: ContractDrift) -> str:
    return f"<!-- doccontract contract={d.id} fingerprint={d.fingerprint} -->"


def github_issues(
    repo: str, token: str, drifts: list[ContractDrift], api_url: str = "https://api.github.com", timeout: float = 10
) -> list[tuple[str, int]]:
    """Open or update one issue per drifted contract; returns (action, issue number) pairs."""
    if repo.count("/") != 1:
        raise AlertError(f"--github-issue wants OWNER/REPO, got {repo!r}")
    session = _session()
    session.headers.update(
        {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json", "User-Agent": "doccontract"}
    )
    base = f"{api_url.rstrip('/')}/repos/{repo}/issues"

    def call(method: str, url: str, **kw: Any) -> Any:
        status, body = _call(session, f"GitHub {method} {url}", timeout, method, url, redirects=True, **kw)
        if not 200 <= status < 300:
            raise AlertError(f"GitHub {method} {url}: HTTP {status}")
        try:
            return json.loads(body)
        except ValueError:
            raise AlertError(f"GitHub {method} {url}: the answer is not JSON") from None

    existing: dict[str, int] = {}
    for page in range(1, 11):  # at most 1000 open drift issues are looked through
        batch = call("GET", base, params={"state": "open", "labels": LABEL, "per_page": 100, "page": page})
        if not isinstance(batch, list) or not all(isinstance(i, dict) for i in batch):
            raise AlertError(f"GitHub GET {base}: expected a list of issues")
        for issue in batch:
            for line in (issue.get("body") or "").splitlines():
                if line.startswith("<!-- doccontract contract="):
                    existing[line.strip()] = issue["number"]
        if len(batch) < 100:
            break
    done = []
    for d in drifts:
        if not d.live():
            continue
        body = _marker(d) + "\n" + neutral.github(report_markdown([d], []))
        title = neutral.github(f"Doc drift ({d.worst()}): {d.method} {d.path} [{d.fingerprint}]")
        number = existing.get(_marker(d))
        if number is not None:
            call("PATCH", f"{base}/{number}", json={"body": body})
            done.append(("updated", number))
        else:
            created = call("POST", base, json={"title": title, "body": body, "labels": [LABEL, d.worst()]})
            done.append(("opened", created["number"]))
    return done
