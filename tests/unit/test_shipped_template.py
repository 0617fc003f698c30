"""The shipped NIVOMAX template encodes the seed plan completely and faithfully."""

import pytest

from nivosync.inputs.templates import load_template

# The seed's "Sample Deployment and Upgrade Plan Template" table: task, week, role(s).
SEED_TABLE = [
    ("Upgrade Release Kickoff", "1", ["Delivery Supervisor"]),
    ("Release Schedule Sharing", "1", ["Delivery Supervisor"]),
    ("Provide Release Documentation and Schedule Demo", "1", ["Delivery Supervisor"]),
    ("Perform Environment Review", "1", ["Development Team"]),
    ("UAT Form Preparation", "2-3", ["Testing Team"]),
    ("Supporting and Help Content", "2-3", ["Support Team"]),
    ("Release Notes Document", "2-3", ["Development Team"]),
    ("Perform Release Demo to SME", "2-3", ["Delivery Supervisor"]),
    ("Customer UAT Engagement", "2-3", ["Client SME Teams"]),
    ("Feedback Collection", "2-3", ["Delivery Supervisor"]),
    ("Evaluate Feedback and Address Issues", "4", ["Development Team"]),
    ("Change Advisory Preparation", "4", ["Delivery Supervisor"]),
    ("Change Advisory Approval", "5", ["Delivery Supervisor"]),
    ("Production Deployment", "5", ["Delivery Supervisor", "Development Team"]),
    ("Post-Deployment Stabilization", "5", ["Support Team"]),
]


@pytest.fixture(scope="module")
def template():
    from pathlib import Path

    return load_template(Path(__file__).resolve().parents[2] / "plan_templates/nivomax-5-week.yaml")


def test_all_fifteen_tasks_in_table_order_with_weeks_and_roles(template):
    actual = [(t.summary, str(template.task_weeks(t)), t.roles) for t in template.spec.tasks]
    assert actual == SEED_TABLE


def test_descriptions_come_from_the_narrative_bullets(template):
    by_name = {t.summary: t for t in template.spec.tasks}
    assert by_name["Upgrade Release Kickoff"].description == [
        "Schedule a kickoff meeting with the client to discuss the scope, objectives, and "
        "timelines.",
        "Assign project roles and responsibilities.",
    ]
    assert by_name["Release Notes Document"].description[1] == (
        "Include screenshots or examples where necessary to clarify changes."
    )
    assert all(t.description and t.overview for t in template.spec.tasks)


def test_milestones_own_the_tasks_of_their_weeks(template):
    names = [(m.name, str(m.weeks)) for m in template.spec.milestones]
    assert names == [
        ("Release Kickoff", "1"),
        ("Preparation, Training, and UAT", "2-3"),
        ("Evaluate Feedback, Apply Changes, and Prepare Production Apps", "4"),
        ("Production Deployment and Stabilization Completed", "5"),
    ]
    for task in template.spec.tasks:
        assert template.task_weeks(task) == template.milestone(task.milestone).weeks


def test_roles_and_risks(template):
    roles = {r.name: r.description for r in template.spec.roles}
    assert roles == {
        "Delivery Supervisor": "Oversees the release, ensuring timelines and deliverables are met.",
        "Development Team": "Responsible for core software updates and customizations.",
        "Testing Team": "Conducts internal testing and supports UAT.",
        "Client SME Teams": "Engaged in training and UAT.",
        "Support Team": "Provides ongoing support during the stabilization period.",
    }
    assert [(r.risk, r.mitigation) for r in template.spec.risks] == [
        (
            "Potential delays in client feedback during UAT.",
            "Schedule regular check-ins with the client to ensure timely feedback.",
        ),
        (
            "Issues discovered post-deployment.",
            "Have a rollback plan and a dedicated support team ready to address any critical "
            "issues.",
        ),
    ]


def test_dependencies_and_go_live(template):
    deps = {t.id: t.depends_on for t in template.spec.tasks}
    assert "change-advisory-approval" in deps["production-deployment"]
    assert "production-deployment" in deps["post-deployment-stabilization"]
    assert "change-advisory-preparation" in deps["change-advisory-approval"]
    assert "feedback-collection" in deps["evaluate-feedback-and-address-issues"]
    assert template.go_live_task.summary == "Production Deployment"
    assert template.spec.schema_version == 1
    assert template.name == "nivomax-5-week"
