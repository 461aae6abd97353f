"""Telling people about drift: a Slack-compatible webhook and GitHub issues.

One GitHub issue per contract and change fingerprint: the next night's run
finds it by a marker in its body and updates it instead of opening another.
The token travels only in the Authorization header; no message, report or
exception carries it.
"""

from __future__ import annotations

from typing import Any

import requests

from .drift import ContractDrift, report_markdown

LABEL = "doc-drift"


class AlertError(Exception):
    """An alert that could not be delivered (the reports on disk are still complete)."""


def slack_message(drifts: list[ContractDrift], exit_code: int) -> dict[str, Any]:
    head = {1: "Doc drift (non-breaking)", 2: ":rotating_light: Doc drift: BREAKING"}.get(exit_code, "Doc drift")
    lines = [f"*{head}*"]
    for d in drifts:
        if d.changes:
            codes = ", ".join(f"{c.code} {c.subject}" for c in d.changes[:6]) + (" …" if len(d.changes) > 6 else "")
            lines.append(f"• `{d.method} {d.path}` ({d.worst()}): {codes}")
    text = "\n".join(lines)
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def post_webhook(url: str, drifts: list[ContractDrift], exit_code: int, timeout: float = 10) -> None:
    try:
        resp = requests.post(url, json=slack_message(drifts, exit_code), timeout=timeout)
    except requests.RequestException as exc:
        raise AlertError(f"webhook: {type(exc).__name__}") from None
    if not 200 <= resp.status_code < 300:
        raise AlertError(f"webhook: HTTP {resp.status_code}")


def _marker(d: ContractDrift) -> str:
    return f"<!-- doccontract contract={d.id} fingerprint={d.fingerprint} -->"


def github_issues(repo: str, token: str, drifts: list[ContractDrift], api_url: str = "https://api.github.com", timeout: float = 10) -> list[tuple[str, int]]:
    """Open or update one issue per drifted contract; returns (action, issue number) pairs."""
    if repo.count("/") != 1:
        raise AlertError(f"--github-issue wants OWNER/REPO, got {repo!r}")
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json", "User-Agent": "doccontract"})
    base = f"{api_url.rstrip('/')}/repos/{repo}/issues"

    def call(method: str, url: str, **kw: Any) -> Any:
        try:
            resp = session.request(method, url, timeout=timeout, **kw)
        except requests.RequestException as exc:
            raise AlertError(f"GitHub {method} {url}: {type(exc).__name__}") from None
        if not 200 <= resp.status_code < 300:
            raise AlertError(f"GitHub {method} {url}: HTTP {resp.status_code}")
        return resp.json()

    existing: dict[str, int] = {}
    for page in range(1, 11):  # at most 1000 open drift issues are looked through
        batch = call("GET", base, params={"state": "open", "labels": LABEL, "per_page": 100, "page": page})
        for issue in batch:
            for line in (issue.get("body") or "").splitlines():
                if line.startswith("<!-- doccontract contract="):
                    existing[line.strip()] = issue["number"]
        if len(batch) < 100:
            break
    done = []
    for d in drifts:
        if not d.changes:
            continue
        body = _marker(d) + "\n" + report_markdown([d], [])
        title = f"Doc drift ({d.worst()}): {d.method} {d.path} [{d.fingerprint}]"
        number = existing.get(_marker(d))
        if number is not None:
            call("PATCH", f"{base}/{number}", json={"body": body})
            done.append(("updated", number))
        else:
            created = call("POST", base, json={"title": title, "body": body, "labels": [LABEL, d.worst()]})
            done.append(("opened", created["number"]))
    return done
