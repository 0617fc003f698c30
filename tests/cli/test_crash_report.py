"""The crash report of a bug: private, never through a planted link, one file per crash."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import nivosync.cli
from nivosync.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "config.example.yaml")
PLAN = ["plan", "--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]
SECRET = "s3cret-token-from-the-environment"


class _FixedNow(datetime):
    """One instant for every crash, so names made of the time alone would collide."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return datetime(2026, 12, 7, 9, 30, 0)


@pytest.fixture
def crash_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp folder of our own, umask 022, and `plan` raising a bug (not a NivosyncError)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("NIVOSYNC_JIRA_TOKEN", SECRET)
    old_umask = os.umask(0o022)

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("boom in the plan")

    monkeypatch.setattr("nivosync.commands.plan.run_plan", boom)
    yield folder
    os.umask(old_umask)


def crash() -> Result:
    return CliRunner().invoke(main, ["--config", EXAMPLE, *PLAN])


def report_of(result: Result) -> Path:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unexpected RuntimeError: boom"), lines
    match = re.search(r"details in (\S+);", lines[0])
    assert match, lines[0]
    return Path(match.group(1))


def test_the_report_is_private_and_holds_the_traceback_not_the_token(crash_dir: Path) -> None:
    report = report_of(crash())
    assert report.parent == crash_dir
    mode = os.lstat(report).st_mode
    assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600
    text = report.read_text(encoding="utf-8")
    assert text.startswith("Traceback (most recent call last):")
    assert "RuntimeError: boom in the plan" in text
    assert SECRET not in text


def test_a_planted_symlink_is_never_followed(crash_dir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    now = datetime.now()
    for seconds in range(-2, 10):  # every name the old time-only scheme could pick meanwhile
        moment = now + timedelta(seconds=seconds)
        (crash_dir / f"nivosync-crash-{moment:%Y%m%d-%H%M%S}.log").symlink_to(victim)
    planted = set(crash_dir.iterdir())

    report = report_of(crash())

    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert report not in planted and not report.is_symlink()
    assert all(p.is_symlink() and p.resolve() == victim for p in planted)


def test_two_crashes_in_the_same_second_give_two_reports(
    crash_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nivosync.cli, "datetime", _FixedNow)  # where the old names came from
    first, second = report_of(crash()), report_of(crash())
    assert first != second
    assert sorted(crash_dir.iterdir()) == sorted([first, second])
    assert all(p.name.startswith("nivosync-crash-") for p in (first, second))
    assert all("RuntimeError: boom" in p.read_text(encoding="utf-8") for p in (first, second))


def test_an_unwritable_temp_folder_still_gives_the_one_line_error(
    crash_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(crash_dir / "missing"))
    result = crash()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: unexpected RuntimeError: boom in the plan (no crash report could be written; "
        "rerun with -v to see the details)"
    ]
