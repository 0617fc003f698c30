"""The --change-advisory file and the template's change_advisory / uat_scenarios keys."""

from pathlib import Path
from textwrap import dedent

import pytest

from nivosync.core.plan import Risk
from nivosync.errors import InvalidInput
from nivosync.inputs.change_advisory import ChangeAdvisoryDetails, combine, load_change_advisory
from nivosync.inputs.templates import load_template

GOOD = """\
impact: |
  The reporting service restarts once.
rollback_plan: Restore the 2.3.1 packages and the database snapshot taken before deployment.
downtime: Up to 30 minutes.
deployment_window: Saturday 22:00-23:00 CET
risks:
  - risk: The database migration runs longer than planned.
    mitigation: Rehearse it on the UAT copy and time it.
"""

TEMPLATE = """\
schema_version: 1
title: Tiny plan
roles:
  - name: Lead
  - name: Dev
milestones:
  - {id: one, name: First, weeks: 1}
tasks:
  - {id: a, summary: Task A, milestone: one, roles: [Dev, Lead], go_live: true}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "ca.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


def problems_of(call, *args) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return caught.value.lines()


def test_change_advisory_file_loads(tmp_path):
    details = load_change_advisory(write(tmp_path, GOOD))
    assert details == ChangeAdvisoryDetails(
        source="ca.yaml",
        impact="The reporting service restarts once.",
        rollback_plan=(
            "Restore the 2.3.1 packages and the database snapshot taken before deployment."
        ),
        downtime="Up to 30 minutes.",
        deployment_window="Saturday 22:00-23:00 CET",
        risks=(
            Risk(
                "The database migration runs longer than planned.",
                "Rehearse it on the UAT copy and time it.",
            ),
        ),
    )
    assert load_change_advisory(write(tmp_path, "impact: Small.\n")).rollback_plan is None


def test_change_advisory_problems_name_file_and_line(tmp_path):
    text = """\
    impact: ""
    rollback: Restore the snapshot.
    risks:
      - risk: Slow migration.
    downtime: [30, minutes]
    """
    assert problems_of(load_change_advisory, write(tmp_path, text)) == [
        "ca.yaml:1: impact: String should have at least 1 character (got '')",
        "ca.yaml:2: unknown key 'rollback'; did you mean 'rollback_plan'?",
        "ca.yaml:4: missing required key 'risks[0].mitigation'",
        "ca.yaml:5: downtime: Input should be a valid string",
    ]
    assert problems_of(load_change_advisory, tmp_path / "nope.yaml") == [
        "nope.yaml: change advisory file not found"
    ]
    assert problems_of(load_change_advisory, write(tmp_path, "- a list\n")) == [
        "ca.yaml:1: change advisory file must be a mapping of keys"
    ]


def test_combine_lets_later_sources_fill_and_replace():
    config = ChangeAdvisoryDetails("config", impact="A", downtime="None", risks=(Risk("r1", "m1"),))
    file = ChangeAdvisoryDetails(
        "ca.yaml", impact="B", rollback_plan="R", risks=(Risk("r2", "m2"),)
    )
    assert combine(config, file) == ChangeAdvisoryDetails(
        "config, ca.yaml",
        impact="B",
        rollback_plan="R",
        downtime="None",
        risks=(Risk("r1", "m1"), Risk("r2", "m2")),
    )


def test_template_change_advisory_and_uat_keys_are_optional(tmp_path):
    template = load_template(write(tmp_path, TEMPLATE, "tiny.yaml"))
    assert template.change_advisory.approvers == []
    assert template.change_advisory_owner == "Dev"  # the go-live task's first role
    assert template.uat_scenarios == []


def test_template_change_advisory_and_uat_keys_load(tmp_path):
    text = TEMPLATE + dedent("""\
    change_advisory:
      approvers: [Lead, Dev]
      rollback_plan: Restore the previous version.
    uat_scenarios:
      - id: smoke
        title: Smoke test
        steps: Open the app.
        expected: It opens.
        roles: [Dev]
    """)
    with pytest.raises(InvalidInput) as caught:
        load_template(write(tmp_path, text, "tiny.yaml"))
    assert caught.value.lines() == [
        "tiny.yaml:16: uat_scenarios[0].steps: Input should be a valid list (got 'Open the app.')"
    ]
    template = load_template(
        write(tmp_path, text.replace("Open the app.", "[Open the app.]"), "tiny.yaml")
    )
    assert template.change_advisory_owner == "Lead"  # the first approver
    assert template.change_advisory.rollback_plan == "Restore the previous version."
    assert [(s.id, s.steps, s.roles) for s in template.uat_scenarios] == [
        ("smoke", ["Open the app."], ["Dev"])
    ]


def test_template_cross_checks_roles_and_ids(tmp_path):
    text = TEMPLATE + dedent("""\
    change_advisory:
      owner: Boss
      approvers: [Lead, QA, Lead]
    uat_scenarios:
      - {id: smoke, title: Smoke, steps: [Open.], expected: Opens., roles: [Tester]}
      - {id: smoke, title: Again, steps: [Open.], expected: Opens.}
    """)
    assert problems_of(load_template, write(tmp_path, text, "tiny.yaml")) == [
        "tiny.yaml:11: unknown role 'Boss' (template roles: Dev, Lead)",
        "tiny.yaml:12: unknown role 'QA' (template roles: Dev, Lead)",
        "tiny.yaml:12: role 'Lead' is listed twice",
        "tiny.yaml:14: unknown role 'Tester' (template roles: Dev, Lead)",
        "tiny.yaml:15: duplicate UAT scenario 'smoke'",
    ]


def test_shipped_template_names_approvers_and_scenarios(shipped_template):
    template = load_template(shipped_template)
    advisory = template.change_advisory
    assert advisory.approvers == ["Delivery Supervisor", "Development Team", "Client SME Teams"]
    assert template.change_advisory_owner == "Delivery Supervisor"
    # The plan asks for a rollback plan and minimal downtime but states neither: people do.
    assert (advisory.rollback_plan, advisory.downtime) == (None, None)
    scenarios = template.uat_scenarios
    assert len(scenarios) >= 4
    assert all(s.steps and s.expected and s.roles for s in scenarios)
    assert {"Client SME Teams", "Testing Team"} <= {r for s in scenarios for r in s.roles}


# --- what a CAB needs: type, rating, window, plans ------------------------------------------

CAB = """\
change_number: CHG-77
change_type: emergency
risk_rating: {likelihood: medium, impact: high}
change_window: {start: "22:00", end: "01:30"}
affected_services: [Billing]
implementation_steps: [Stop, Migrate, Start]
pre_checks: [Backup taken]
post_checks: [Version page shows 2.4.0]
backout_triggers: [Migration not done by 00:30]
backout_decider: Lead
communication:
  - {audience: Ward managers, message: Outage times, when: 3 days before}
"""


def test_a_cab_file_is_read_whole(tmp_path):
    (tmp_path / "ca.yaml").write_text(CAB, encoding="utf-8")
    details = load_change_advisory(tmp_path / "ca.yaml")
    assert (details.change_number, details.change_type) == ("CHG-77", "emergency")
    assert (details.risk_rating.likelihood, details.risk_rating.impact) == ("medium", "high")
    window = details.change_window
    assert str(window.start) == "22:00:00" and window.time_zone is None
    assert details.implementation_steps == ("Stop", "Migrate", "Start")
    assert details.communication[0].when == "3 days before"
    later = combine(details, ChangeAdvisoryDetails("config", implementation_steps=("Only",)))
    assert later.implementation_steps == ("Only",) and later.origin("implementation_steps") == (
        "config"
    )
    assert later.origin("change_number") == "ca.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('change_window: {start: "25:00", end: "02:00"}\n', "change_window.start"),
        ('change_window: {start: "22:00", end: "2am"}\n', "change_window.end"),
        (
            'change_window: {start: "22:00", end: "23:00", time_zone: Mars/Olympus}\n',
            "'Mars/Olympus' is not a time zone name",
        ),
        ("change_type: minor\n", "change_type"),
        ("risk_rating: {likelihood: certain, impact: low}\n", "risk_rating.likelihood"),
    ],
)
def test_bad_cab_values_name_the_file_line_and_key(tmp_path, text, message):
    (tmp_path / "ca.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_change_advisory(tmp_path / "ca.yaml")
    said = "; ".join(f"{p.file}:{p.line}: {p.message}" for p in caught.value.problems)
    assert "ca.yaml:1" in said and message in said, said


def test_template_change_advisory_roles_are_checked(tmp_path):
    text = TEMPLATE + "change_advisory:\n  requester: Boss\n  implementers: [Dev, Ops]\n"
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_template(tmp_path / "t.yaml")
    lines = {p.line for p in caught.value.problems}
    said = "; ".join(p.message for p in caught.value.problems)
    assert lines == {11, 12} and "'Boss'" in said and "'Ops'" in said, (lines, said)


def test_the_risk_rating_matrix():
    from nivosync.core.change_risk import rating_text, risk_rating

    levels = ("low", "medium", "high")
    grid = {(li, im): risk_rating(li, im) for li in levels for im in levels}
    assert grid[("low", "low")] == grid[("low", "medium")] == "Low"
    assert grid[("medium", "medium")] == grid[("low", "high")] == "Medium"
    assert grid[("medium", "high")] == grid[("high", "high")] == "High"
    assert rating_text("high", "low") == "Medium (likelihood high × impact low)"
