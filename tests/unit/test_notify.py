"""Issue 12, item 7: the `notify` config, the webhook (its URL a secret), comment bodies in each
flavour's dialect, and who is mentioned."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from nivosync.app.notify import Notifier, webhook_from
from nivosync.app.releases import ReleaseRecord
from nivosync.core.baseline import read_stored_release
from nivosync.errors import InvalidInput
from nivosync.inputs.config import Config, load_config
from nivosync.jira.comments import comment_payload, comment_text
from nivosync.jira.models import IssueSnapshot, JiraUser
from nivosync.webhook import Webhook, WebhookError

REPO = Path(__file__).resolve().parents[2]
SECRET = "hooks/T1/B2/very-secret-path"


def config_with(tmp_path: Path, notify: Any) -> Config:
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["notify"] = notify
    path = tmp_path / "nivosync.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_config(path)


# --- the config ------------------------------------------------------------------------------


def test_notify_defaults_to_comments_and_no_webhook():
    config = load_config(REPO / "config.example.yaml")
    assert config.spec.notify.comment is True
    assert config.spec.notify.webhook_url_env is None
    assert webhook_from(config, {}) is None


@pytest.mark.parametrize("notify", [{"webhook_url_env": "not a name"}, {"comments": True}])
def test_a_bad_notify_section_is_an_input_error(tmp_path, notify):
    with pytest.raises(InvalidInput) as caught:
        config_with(tmp_path, notify)
    assert any("notify" in line for line in caught.value.lines())


def test_a_named_variable_must_hold_an_https_url_which_is_never_shown(tmp_path):
    config = config_with(tmp_path, {"webhook_url_env": "HOOK"})
    with pytest.raises(InvalidInput) as unset:
        webhook_from(config, {})
    (line,) = unset.value.lines()
    assert "nivosync.yaml:" in line and "$HOOK is not set" in line
    assert "notify.webhook_url_env" in line and "--no-notify" in line
    with pytest.raises(InvalidInput) as plain:
        webhook_from(config, {"HOOK": f"http://chat.example.com/{SECRET}"})
    assert "https://" in plain.value.lines()[0]
    assert SECRET not in " ".join(plain.value.lines())
    hook = webhook_from(config, {"HOOK": f"https://chat.example.com/{SECRET}"})
    assert hook is not None and hook.source == "$HOOK"
    assert SECRET not in repr(hook)
    assert webhook_from(config, {"HOOK": f"http://127.0.0.1:9/{SECRET}"}) is not None


# --- the webhook -----------------------------------------------------------------------------


@pytest.fixture
def answers() -> Iterator[tuple[str, list[Any], list[tuple[int, dict[str, str], bytes]]]]:
    """A local receiver answering from a script: (url, bodies received, script)."""
    received: list[Any] = []
    script: list[tuple[int, dict[str, str], bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status, headers, body = script.pop(0) if script else (200, {}, b"ok")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{SECRET}", received, script
    server.shutdown()
    server.server_close()


def test_a_rate_limited_post_is_sent_again_after_its_retry_after(answers):
    url, received, script = answers
    waits: list[float] = []
    script.append((429, {"Retry-After": "7"}, b"slow down"))
    Webhook(url, "$HOOK", sleep=waits.append).post_text("Acme slipped")
    assert received == [{"text": "Acme slipped"}] * 2 and waits == [7.0]


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (404, b"no_service", ": no_service"),
        (500, f"error at /{SECRET}".encode(), ")"),  # an answer repeating the URL is not shown
    ],
)
def test_a_refusal_names_the_variable_never_the_url(answers, status, body, shown):
    url, received, script = answers
    script.append((status, {}, body))
    with pytest.raises(WebhookError) as caught:
        Webhook(url, "$HOOK", sleep=lambda s: None).post_text("x")
    message = str(caught.value)
    assert f"$HOOK refused the notice (HTTP {status}{shown}" in message
    assert SECRET not in message and url not in message
    assert len(received) == 1  # never replayed


def test_an_unreachable_webhook_names_the_variable_never_the_url():
    with pytest.raises(WebhookError) as caught:
        Webhook(f"http://127.0.0.1:9/{SECRET}", "$HOOK", timeout=2).post_text("x")
    assert "$HOOK could not be reached" in str(caught.value)
    assert SECRET not in str(caught.value)


# --- comments --------------------------------------------------------------------------------


def test_cloud_comments_are_adf_with_a_mention_node_and_a_link():
    body = comment_payload(
        True, ["Acme: slipped.", "Status page:"], "712020:abc", ("Acme — Status", "https://x/1"),
        "nivosync change 0123456789ab",
    )["body"]  # fmt: skip
    first, second, footer = body["content"]
    assert first["content"][0] == {"type": "mention", "attrs": {"id": "712020:abc"}}
    assert second["content"][-1]["marks"] == [{"type": "link", "attrs": {"href": "https://x/1"}}]
    assert footer["content"] == [{"type": "text", "text": "nivosync change 0123456789ab"}]
    assert "nivosync change 0123456789ab" in comment_text(body)


def test_data_center_comments_are_wiki_markup_with_the_username_mentioned_and_text_escaped():
    body = comment_payload(
        False, ["Acme [2.4] *late*", "Status page:"], "dana", ("Acme | Status", "https://x/1"),
        "nivosync change 0123456789ab",
    )["body"]  # fmt: skip
    assert body == (
        "[~dana] Acme \\[2.4\\] \\*late\\*\n\nStatus page: [Acme Status|https://x/1]"
        "\n\nnivosync change 0123456789ab"
    )


# --- who is mentioned ------------------------------------------------------------------------


class LookupJira:
    def __init__(self, found: dict[str, str]) -> None:
        self.found = found
        self.asked: list[str] = []

    def find_assignable(self, person: str) -> JiraUser | None:
        self.asked.append(person)
        ref = self.found.get(person)
        return JiraUser(ref, person) if ref else None


def record(people: dict[str, str], assignee: JiraUser | None = None) -> ReleaseRecord:
    epic = IssueSnapshot(
        "NVX-1", "10001", "Acme Health 2.4.0", "Epic", "To Do", "new", assignee,
        None, None, None, (), None, frozenset(),
    )  # fmt: skip
    stored = read_stored_release(
        {"schema": 1, "kind": "epic", "customer": "Acme Health", "release": "2.4.0",
         "slug": "acme-health--2.4.0", "people": people}
    )  # fmt: skip
    return ReleaseRecord(epic=epic, stored=stored, baseline=None)


def test_the_supervisor_is_the_delivery_supervisor_as_the_epic_recorded_them():
    config = load_config(REPO / "config.example.yaml")
    jira = LookupJira({})
    notifier = Notifier(jira, config)  # type: ignore[arg-type]
    assert notifier.supervisor(record({"dana@example.com": "acc-dana"})) == "acc-dana"
    assert jira.asked == []  # recorded at creation: no lookup


def test_the_supervisor_is_looked_up_then_the_epic_assignee_then_nobody(tmp_path):
    config = load_config(REPO / "config.example.yaml")
    looked_up = Notifier(LookupJira({"dana@example.com": "acc-now"}), config)  # type: ignore[arg-type]
    assert looked_up.supervisor(record({})) == "acc-now"
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["roles"]["Delivery Supervisor"] = None
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    unnamed = Notifier(LookupJira({}), load_config(path))  # type: ignore[arg-type]
    owner = JiraUser("acc-owner", "Olive Owner")
    assert unnamed.supervisor(record({}, assignee=owner)) == "acc-owner"
    assert unnamed.supervisor(record({})) is None


def test_releases_told_from_many_threads_look_their_supervisor_up_once():
    """Issue 15: the sync tells releases from its page workers at once; many releases share
    a Delivery Supervisor, who is looked up once for the run."""
    config = load_config(REPO / "config.example.yaml")
    jira = LookupJira({"dana@example.com": "acc-now"})
    notifier = Notifier(jira, config)  # type: ignore[arg-type]
    started = threading.Barrier(8)

    def supervisor(_n: int) -> str | None:
        started.wait()
        return notifier.supervisor(record({}))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(supervisor, range(8))) == ["acc-now"] * 8
    assert jira.asked == ["dana@example.com"]
