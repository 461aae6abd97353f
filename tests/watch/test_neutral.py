"""Page text leaving for a CI log, Slack or GitHub carries no command, control sequence or mention;
alert calls end at a total deadline and read a bounded answer (real loopback servers)."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
import time
import tracemalloc
import zlib

import pytest
from helpers import ROOT, SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rawserver import RawServer
from stub import StubServer
from test_drift import variant

from doccontract import neutral
from doccontract.cli import app as cli
from doccontract.cli import output
from doccontract.watch.alerts import AlertError, github_issues, post_webhook, slack_message
from doccontract.watch.drift import Change, ContractDrift, report_markdown, write_reports

HEADING = (
    "::warning::" + "w" * 120 + " ##[error]boom \x1b]0;pwn\x07 <!here> <!channel> @acme/team acme/api#1 GH-2 `tick"
)
DESCRIPTION = "Risk unit <!everyone> @octo ::error::" + "y" * 120 + " ##[error]x \x1b[31m \x08 back`tick"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def runner_commands(text: str) -> list[str]:
    """Lines GitHub's runner would act on: '::cmd::' after leading blanks, or '##[cmd]' anywhere."""
    return [line for line in re.split(r"\r\n|\n|\r", text) if line.lstrip().startswith("::") or "##[" in line]


def at_mentions(text: str) -> list[str]:
    return re.findall(r"@[A-Za-z0-9]", text)


def live_mentions(markdown: str) -> list[str]:
    """@user, @org/team, and the issue cross-references that notify other issues (#12, org/repo#12, GH-12)."""
    return re.findall(r"@[A-Za-z0-9]|#\d|(?i:\bGH-\d)", markdown)


def hostile_drift(
    heading: str = HEADING, description: str = DESCRIPTION, url: str = "https://developers.binance.com/docs/x"
) -> ContractDrift:
    return ContractDrift(
        id="page",
        method="DELETE",
        path="/sapi/v1/x",
        changes=[
            Change("breaking", "title.changed", "title", "the title changed", ["en"], {"en": "Close"}, {"en": heading}),
            Change(
                "documentation",
                "param.description",
                "groupId",
                f"the description of {heading} changed",
                ["en"],
                {"en": "old"},
                {"en": description},
            ),
        ],
        urls={"en": url},
    )


# --------------------------------------------------------------------------- terminal / CI log


def test_diff_prints_page_text_without_runner_commands_or_control_characters(tmp_path):
    new = tmp_path / "new.md"
    new.write_text(
        variant(
            en=[
                ("# Close Risk Unit (TRADE)", "# Close Risk Unit (TRADE) " + HEADING),
                ("Risk unit unique identifier  \n  \n", DESCRIPTION + "  \n  \n"),
            ]
        )
    )
    for fmt in ("markdown", "json"):
        r = subprocess.run(
            [sys.executable, "-m", "doccontract", "diff", str(SEED), str(new), "--format", fmt],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert r.returncode in (1, 2), r.stderr
        out = r.stdout + r.stderr
        assert "title.changed" in out
        assert runner_commands(out) == [] and not CONTROL.search(out.replace("\n", "")), out
    # the JSON stays JSON and says exactly what the page says
    after = json.loads(r.stdout)["contracts"][0]["changes"]
    assert any(
        c["after"].get("en") == "Close Risk Unit (TRADE) " + HEADING for c in after if c["code"] == "title.changed"
    )


def test_a_wrapped_heading_never_starts_a_line_with_a_command():
    out = io.StringIO()
    output.say(f"note: page heading ## {HEADING}", neutral.TerminalStream(out))
    text = out.getvalue()
    assert len(text.splitlines()) > 1  # the long word was wrapped onto its own line
    assert runner_commands(text) == [] and "\\u001b]0;pwn\\u0007" in text


def test_a_command_split_across_writes_is_still_broken():
    out = io.StringIO()
    stream = neutral.TerminalStream(out)
    for piece in ("x:", ":warning:", ":y\n#", "#", "[error]z\n"):
        stream.write(piece)
    assert (
        runner_commands(out.getvalue()) == []
        and out.getvalue().replace(neutral.ZWSP, "") == "x::warning::y\n##[error]z\n"
    )


def test_main_neutralises_what_any_command_prints(capsys):
    """The CLI's own streams are the one place: an error message quoting page text is neutralised too."""
    code = cli.main(["diff", "::error::x ##[error]y \x1b[2J", str(SEED)])
    err = capsys.readouterr().err
    assert code == 2 and "no such file" in err and runner_commands(err) == [] and "\x1b" not in err


# --------------------------------------------------------------------------- Slack and GitHub


def test_the_webhook_text_escapes_slack_controls_and_keeps_its_own_links():
    got = []
    with StubServer(lambda seen: got.append(json.loads(seen.body)) or (200, {}, b"ok")) as hook:
        post_webhook(hook.url, [hostile_drift()], 2, timeout=5, run_url="https://ci/run/1")
    text = got[0]["text"]
    assert "<!" not in text and "<@" not in text and at_mentions(text) == []
    assert "&lt;!here&gt;" in text and "&lt;!everyone&gt;" in text
    assert "<https://developers.binance.com/docs/x|DELETE /sapi/v1/x>" in text and "<https://ci/run/1|CI run>" in text
    assert got[0]["blocks"][0]["text"]["text"] == text


class FakeGitHub:
    def __init__(self):
        self.issues: list[dict] = []

    def __call__(self, seen):
        if seen.method == "GET":
            return (200, {"Content-Type": "application/json"}, json.dumps(self.issues).encode())
        data = json.loads(seen.body)
        if seen.method == "POST":
            self.issues.append({"number": len(self.issues) + 1, **data})
            return (201, {}, json.dumps(self.issues[-1]).encode())
        self.issues[int(seen.path.rsplit("/", 1)[1]) - 1].update(data)
        return (200, {}, b"{}")


def test_github_issue_title_and_body_mention_nobody_and_are_found_again():
    gh = FakeGitHub()
    drift = hostile_drift()
    drift.path = "/sapi/v1/@acme/team"
    with StubServer(gh) as srv:
        assert github_issues("acme/api", "t0ken", [drift], api_url=srv.url, timeout=5) == [("opened", 1)]
        assert github_issues("acme/api", "t0ken", [drift], api_url=srv.url, timeout=5) == [("updated", 1)]
    issue = gh.issues[0]
    assert live_mentions(issue["title"]) == [] and live_mentions(issue["body"]) == []
    assert "acme/team" in issue["body"].replace(neutral.ZWJ, "") and "@\u200dacme/team" in issue["title"]


# --------------------------------------------------------------------------- fuzzing the alert bodies

PIECES = [
    "::",
    ":",
    "##[",
    "#",
    "[",
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<@U123>",
    "<#C1>",
    "<https://evil|x>",
    "@team",
    "@org/team",
    "@",
    "`",
    "``",
    "&",
    "<",
    ">",
    "<!--",
    "#12",
    "org/repo#3",
    "gh-4",
    "\x1b",
    "\x07",
    "\x08",
    "\r",
    "\n",
    "\u202e",
    "\x9b",
    "w" * 110,
    " ",
    "\t",
]
PAGE_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=25).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=PAGE_TEXT, description=PAGE_TEXT, pieces=st.integers(1, 7))
def test_random_page_text_leaves_no_command_control_or_mention(heading, description, pieces):
    drift = hostile_drift(heading, description)
    # terminal / CI log: the markdown report and a wrapped line, written in arbitrary pieces
    out = io.StringIO()
    stream = neutral.TerminalStream(out)
    text = report_markdown([drift], []) + "\n"
    step = max(1, len(text) // pieces)
    for i in range(0, len(text), step):
        stream.write(text[i : i + step])
    output.say(f"note: {heading} {description}", stream)
    printed = out.getvalue()
    assert runner_commands(printed) == [] and not CONTROL.search(printed.replace("\n", "").replace("\t", ""))
    # JSON for a terminal: the same value back, and still nothing for the runner
    value = {"heading": heading, "description": description}
    dumped = neutral.terminal_json(value, indent=2)
    assert json.loads(dumped) == value and runner_commands(dumped) == []
    # Slack: every '<' is one of our own links
    message = slack_message([drift], 2, run_url="https://ci/run/1")["text"]
    assert set(re.findall(r"<[^>]*>?", message)) <= {
        "<https://developers.binance.com/docs/x|DELETE /sapi/v1/x>",
        "<https://ci/run/1|CI run>",
    }
    assert at_mentions(message) == [] and not CONTROL.search(message.replace("\n", ""))
    # GitHub markdown: no mention, and no HTML comment opened by the page
    body = neutral.github(report_markdown([drift], []))
    assert live_mentions(body) == [] and "<!--" not in body


# --------------------------------------------------------------------------- bounded alert calls


def _trickle(sent: list[int], in_head: bool):
    """A byte every 0.1 s, in the head or the body, for up to 24 s (stops when the client hangs up): each
    read is quicker than the per-read timeout, so only a total deadline ends the call."""

    def reply(conn: socket.socket, _req: bytes) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 240\r\n\r\n"
        data, start = head + b" " * 240, 0 if in_head else len(head)
        conn.sendall(data[:start])
        for i in range(start, start + 240):
            conn.sendall(data[i : i + 1])
            sent.append(i)
            time.sleep(0.1)

    return reply


@pytest.mark.parametrize("in_head", [True, False], ids=["head", "body"])
@pytest.mark.parametrize("target", ["webhook", "github"])
def test_an_alert_call_ends_at_its_total_deadline(target, in_head):
    sent: list[int] = []
    with RawServer(_trickle(sent, in_head)) as srv:
        start = time.monotonic()
        with pytest.raises(AlertError, match=r"no complete answer within 0.5s"):
            if target == "webhook":
                post_webhook(srv.url + "/hook", [hostile_drift()], 2, timeout=0.5)
            else:
                github_issues("acme/api", "t0ken", [hostile_drift()], api_url=srv.url, timeout=0.5)
        took = time.monotonic() - start
    assert took < 5 and 0 < len(sent) < 20


def _bomb(inflated: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    block = b"\0" * (1 << 20)
    return b"".join([*(z.compress(block) for _ in range(inflated >> 20)), z.flush()])


@pytest.mark.parametrize("target", ["webhook", "github"])
def test_a_gzip_bomb_answer_is_refused_without_inflating_it(target):
    bomb = _bomb(200 << 20)
    assert len(bomb) < 300_000
    with StubServer(lambda seen: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, bomb)) as srv:
        tracemalloc.start()
        try:
            with pytest.raises(AlertError, match="larger than"):
                if target == "webhook":
                    post_webhook(srv.url, [hostile_drift()], 2, timeout=20)
                else:
                    github_issues("acme/api", "t0ken", [hostile_drift()], api_url=srv.url, timeout=20)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 40 << 20  # the answer inflates to 200 MB; at most the 8 MB cap (and its copies) was held


def test_drift_md_is_github_markdown_without_mentions(tmp_path):
    """The nightly workflow appends drift.md to the job summary: GitHub renders it."""
    write_reports(tmp_path, [hostile_drift()], ["page: @acme/team <!-- doccontract contract=x fingerprint=y -->"])
    md = (tmp_path / "drift.md").read_text()
    assert live_mentions(md) == [] and "<!--" not in md and "acme/team" in md
    assert neutral.github(md) == md  # neutralising twice changes nothing
