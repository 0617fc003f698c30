"""What Jira and Confluence would refuse is refused before the first write: too-long summaries,
labels and page titles once the names are filled in, and control characters or line breaks in
the customer and release (issue 11, item 12)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from nivosync.cli import main
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import (
    CONFLUENCE_TITLE_MAX,
    JIRA_LABEL_MAX,
    JIRA_SUMMARY_MAX,
    ReleaseIdentity,
)
from nivosync.core.pages import RELEASE_PAGE_KINDS, page_title
from nivosync.core.plan import build_plan
from nivosync.errors import InvalidInput
from nivosync.inputs.templates import load_template

from .test_plan import PEOPLE

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "plan_templates" / "nivomax-5-week.yaml"
START = date(2026, 12, 7)


def plan_for(customer: str, release: str = "2.4.0", template: Path = TEMPLATE):
    identity = ReleaseIdentity(customer, release)  # unchecked: build_plan checks on its own
    return build_plan(load_template(template), identity, START, PEOPLE, WorkCalendar.build())


def refusal(customer: str, release: str = "2.4.0") -> str:
    with pytest.raises(InvalidInput) as caught:
        ReleaseIdentity.checked(customer, release)
    return str(caught.value)


@pytest.mark.parametrize(
    ("customer", "shown"),
    [
        ("Acme\x1b[31m Health", "'Acme\\x1b[31m Health'"),
        ("Acme\nHealth", "'Acme\\nHealth'"),
        ("Acme\tHealth", "'Acme\\tHealth'"),
        ("Acme\x7f", "'Acme\\x7f'"),
        ("Acme\x9b2J", "'Acme\\x9b2J'"),
        ("Acme\u2028Health", "'Acme\\u2028Health'"),
    ],
)
def test_control_characters_and_line_breaks_in_the_customer_are_refused(customer, shown):
    message = refusal(customer)
    assert message.startswith(f"--customer {shown} contains ")
    assert "\x1b" not in message and "\n" not in message  # the message itself is safe to print


def test_escape_in_the_release_is_named_as_an_escape():
    assert refusal("Acme Health", "2.4.0\x1b]0;pwned\x07") == (
        "--release '2.4.0\\x1b]0;pwned\\x07' contains the control character '\\x1b' (ANSI "
        "escapes and other control characters would reach Jira, Confluence and the terminal): "
        "remove it"
    )


def test_a_customer_that_makes_a_page_title_too_long_is_refused():
    customer = "C" * 235
    titles = [page_title(k, ReleaseIdentity(customer, "2.4.0")) for k in RELEASE_PAGE_KINDS]
    longest = max(titles, key=len)
    assert len(longest) > CONFLUENCE_TITLE_MAX
    message = refusal(customer)
    assert "the Confluence page title 'CCCC" in message
    assert f"would be {235 + 1 + 5 + len(' — Change Advisory')} characters" in message
    assert f"Confluence allows at most {CONFLUENCE_TITLE_MAX}" in message
    assert "--customer has 235, --release 5 characters" in message


def test_a_label_too_long_for_jira_is_refused():
    # "㎯" (one character, rad/s²) spells out as "rad-s2": the label outgrows the title.
    customer = "\u33af" * 60
    identity = ReleaseIdentity(customer, "2.4.0")
    assert len(page_title("change-advisory", identity)) <= CONFLUENCE_TITLE_MAX
    assert len(identity.label) > JIRA_LABEL_MAX
    message = refusal(customer)
    assert "its Jira label 'nivosync-" in message
    assert f"Jira allows at most {JIRA_LABEL_MAX}" in message


def test_names_that_fit_are_accepted_at_the_limit():
    customer = "C" * (CONFLUENCE_TITLE_MAX - len(" 2.4.0 — Change Advisory"))
    identity = ReleaseIdentity.checked(customer, "2.4.0")
    assert len(page_title("change-advisory", identity)) == CONFLUENCE_TITLE_MAX


def test_plan_refuses_an_epic_summary_too_long_for_jira(tmp_path):
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    data["title"] = "T" * 240
    path = tmp_path / "long-title.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        plan_for("Acme Health", template=path)
    message = str(caught.value)
    assert message.startswith("release 'Acme Health 2.4.0' (--customer has 11 characters): ")
    assert "the epic summary 'Acme Health 2.4.0 — TTT" in message
    assert f"would be {17 + 3 + 240} characters; Jira allows at most {JIRA_SUMMARY_MAX}" in message
    assert "or the title of template nivomax-5-week (240 characters)" in message


def test_plan_refuses_a_task_summary_too_long_for_jira():
    template = load_template(TEMPLATE)
    longest = max(template.spec.tasks, key=lambda t: len(t.summary))
    # The epic summary and page titles fit; the longest task's summary does not.
    customer = "C" * (JIRA_SUMMARY_MAX - len(" 2.4.0: ") - len(longest.summary) + 1)
    with pytest.raises(InvalidInput) as caught:
        plan_for(customer)
    message = str(caught.value)
    assert f"the summary of task '{longest.id}'" in message
    assert f"would be {JIRA_SUMMARY_MAX + 1} characters" in message
    assert f"the task's summary in template nivomax-5-week ({len(longest.summary)} characters)" in (
        message
    )


def test_plan_checks_the_identity_it_is_given():
    with pytest.raises(InvalidInput, match="the Confluence page title"):
        plan_for("C" * 240)


def test_a_210_character_customer_stops_plan_and_create_before_any_request(tmp_path):
    config = yaml.safe_load((REPO / "config.example.yaml").read_text(encoding="utf-8"))
    config["sandbox"]["db"] = str(tmp_path / "sandbox.db")
    config_path = tmp_path / "nivosync.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    release = ["--customer", "C" * 210, "--release", "2.4.0", "--start", "2026-12-07"]
    runner = CliRunner()
    for command in (["plan"], ["create", "--dry-run"], ["create"]):
        result = runner.invoke(main, ["--config", str(config_path), *command, *release])
        assert result.exit_code == 2, (command, result.output)
        assert "would be" in result.stderr and "allows at most 255" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "sandbox.db").exists()  # no site was even opened
