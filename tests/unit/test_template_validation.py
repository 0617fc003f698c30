"""Every template problem is reported as FILE:LINE: message, all at once."""

from pathlib import Path
from textwrap import dedent

import pytest

from nivosync.errors import InvalidInput
from nivosync.inputs.templates import find_cycle, load_template, resolve_template

VALID = """\
schema_version: 1
title: Tiny plan
roles:
  - name: Lead
  - name: Dev
milestones:
  - id: one
    name: First
    weeks: 1
  - id: two
    name: Second
    weeks: 2-3
tasks:
  - id: a
    summary: Task A
    milestone: one
    roles: [Lead]
  - id: b
    summary: Task B
    milestone: two
    roles: [Dev, Lead]
    depends_on: [a]
    go_live: true
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text))
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_template(write(tmp_path, text))
    return caught.value.lines()


def test_valid_template_loads(tmp_path):
    template = load_template(write(tmp_path, VALID))
    assert template.name == "tiny"
    assert template.weeks == 3
    assert template.day_span(template.spec.tasks[1]) == (5, 14)


def test_unknown_key_reports_line_and_suggestion(tmp_path):
    text = VALID.replace("    summary: Task A\n", "    summary: Task A\n    dependson: [b]\n")
    assert problems(tmp_path, text) == [
        "tiny.yaml:16: unknown key 'tasks[0].dependson'; did you mean 'depends_on'?"
    ]


def test_unknown_milestone_and_role(tmp_path):
    text = VALID.replace("milestone: one", "milestone: zero").replace(
        "roles: [Lead]", "roles: [QA]"
    )
    found = problems(tmp_path, text)
    assert any(":16: unknown milestone 'zero'" in p for p in found), found
    assert any(":17: unknown role 'QA'" in p for p in found), found


def test_bad_week_ranges(tmp_path):
    found = problems(tmp_path, VALID.replace("weeks: 2-3", "weeks: 3-2"))
    assert any(":12: milestones[1].weeks: range 3-2 must be A-B" in p for p in found), found
    found = problems(tmp_path, VALID.replace("weeks: 2-3", "weeks: two"))
    assert any("'two' is not a range" in p for p in found), found


def test_overlapping_milestones(tmp_path):
    found = problems(tmp_path, VALID.replace("weeks: 2-3", "weeks: 1-3"))
    assert any("must start after 'one'" in p for p in found), found


def test_task_weeks_outside_milestone_and_days_beyond_range(tmp_path):
    text = VALID.replace("    milestone: one\n", "    milestone: one\n    weeks: 2\n")
    assert any("outside its milestone 'one'" in p for p in problems(tmp_path, text))
    text = VALID.replace("    milestone: one\n", "    milestone: one\n    days: 2-6\n")
    assert any("days 2-6 exceed the 5 working days" in p for p in problems(tmp_path, text))


def test_finer_day_offset_narrows_the_task(tmp_path):
    text = VALID.replace("    milestone: two\n", "    milestone: two\n    days: 6-7\n")
    template = load_template(write(tmp_path, text))
    assert template.day_span(template.spec.tasks[1]) == (10, 11)


def test_dependency_cycle_unknown_and_self(tmp_path):
    text = VALID.replace("    roles: [Lead]\n", "    roles: [Lead]\n    depends_on: [b]\n")
    found = problems(tmp_path, text)
    assert any("dependency cycle: a → b → a" in p or "b → a → b" in p for p in found), found
    found = problems(tmp_path, VALID.replace("depends_on: [a]", "depends_on: [a, zz, b]"))
    assert any("unknown task 'zz' in depends_on" in p for p in found), found
    assert any("task 'b' depends on itself" in p for p in found), found


def test_dependency_that_starts_after_the_dependent_ends(tmp_path):
    text = VALID.replace("    roles: [Lead]\n", "    roles: [Lead]\n    depends_on: [b]\n").replace(
        "    depends_on: [a]\n", ""
    )
    found = problems(tmp_path, text)
    assert any("'a' starts on working day 1, on or before day 15 when 'b'" in p for p in found)


def _one_week(a_days: str, b_days: str) -> str:
    """a then b (depending on a) in week 1, on the given `days:`; b is the go-live."""
    return (
        VALID.replace("    roles: [Lead]\n", f"    roles: [Lead]\n    days: {a_days}\n", 1)
        .replace("    milestone: two\n", "    milestone: one\n")
        .replace("    depends_on: [a]\n", f"    depends_on: [a]\n    days: {b_days}\n")
        .replace("  - id: two\n    name: Second\n    weeks: 2-3\n", "")
    )


def test_a_task_starting_on_or_before_its_dependency_is_due_is_reported(tmp_path):
    # Both on all of week 1: b would be forecast late from its first day.
    found = problems(tmp_path, _one_week("1-5", "1-5"))
    assert any(
        "task 'b' starts on working day 1, on or before day 5 when 'a' (which it depends on) "
        "is due: give 'b' later `days:` (from day 6) or 'a' earlier ones" in p
        for p in found
    ), found
    # Starting on the due day itself is still too early; the working day after is fine.
    assert any(
        "day 2, on or before day 2" in p for p in problems(tmp_path, _one_week("1-2", "2-5"))
    )
    template = load_template(write(tmp_path, _one_week("1-2", "3-5")))
    assert template.day_span(template.spec.tasks[1]) == (2, 4)


def test_go_live_must_be_exactly_one(tmp_path):
    found = problems(tmp_path, VALID.replace("    go_live: true\n", ""))
    assert any("exactly one task must have go_live: true (found 0)" in p for p in found)


def test_duplicate_ids_and_duplicate_yaml_keys(tmp_path):
    found = problems(tmp_path, VALID.replace("id: b", "id: a"))
    assert any(":18: duplicate task 'a'" in p for p in found), found
    found = problems(tmp_path, VALID.replace("title: Tiny plan\n", "title: Tiny plan\ntitle: X\n"))
    assert found == ["tiny.yaml:3: duplicate key 'title': keep only one"]


def test_missing_keys_and_unsupported_schema_version(tmp_path):
    found = problems(tmp_path, VALID.replace("title: Tiny plan\n", "").replace("1\n", "2\n", 1))
    assert any("missing required key 'title'" in p for p in found), found
    assert any("schema_version 2 is not supported" in p for p in found), found


def test_milestone_without_tasks(tmp_path):
    text = VALID + "  \n"
    text = text.replace("tasks:\n", "  - id: three\n    name: Third\n    weeks: 4\ntasks:\n")
    assert any("milestone 'three' has no tasks" in p for p in problems(tmp_path, text))


def test_invalid_yaml_names_the_line(tmp_path):
    found = problems(tmp_path, "schema_version: 1\ntitle: [unclosed\nroles: []\n")
    assert len(found) == 1
    assert found[0] == "tiny.yaml:3: invalid YAML: expected ',' or ']', but got ':'"


def test_not_a_mapping_and_empty_and_missing_file(tmp_path):
    assert problems(tmp_path, "- a\n- b\n") == [
        "tiny.yaml:1: plan template must be a mapping of keys"
    ]
    assert "is empty" in problems(tmp_path, "")[0]
    with pytest.raises(InvalidInput, match=r"plan template not found"):
        load_template(tmp_path / "nope.yaml")


def test_find_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c"]


def test_resolve_by_name_path_and_unknown(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    write(own, VALID, "nivomax-5-week.yaml")
    assert resolve_template("nivomax-5-week", own) == own / "nivomax-5-week.yaml"
    assert resolve_template("nivomax-5-week", None).name == "nivomax-5-week.yaml"
    path = write(tmp_path, VALID)
    assert resolve_template(str(path), None) == path
    with pytest.raises(InvalidInput, match=r"no template named 'nope'.*available: nivomax-5-week"):
        resolve_template("nope", None)
    with pytest.raises(InvalidInput, match=r"no template file at"):
        resolve_template("missing/file.yaml", None)
