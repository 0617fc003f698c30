"""Input files cannot hang, exhaust or crash a run: size, aliases, depth, non-regular files, and
control characters are refused as exit-2 problems naming the file (issue 11, item 13)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nivosync.errors import EXIT_INVALID_INPUT, InvalidInput
from nivosync.inputs.change_advisory import load_change_advisory
from nivosync.inputs.config import load_config
from nivosync.inputs.files import MAX_TEXT_BYTES
from nivosync.inputs.notes import load_notes
from nivosync.inputs.templates import load_template
from nivosync.inputs.yaml_limits import MAX_ALIASES, MAX_DEPTH
from nivosync.inputs.yamlfile import load_yaml_mapping

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = REPO / "config.example.yaml"
SHIPPED_TEMPLATE = REPO / "plan_templates" / "nivomax-5-week.yaml"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block takes longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refused(path: Path, what: str = "notes file", seconds: float = 5.0) -> list[str]:
    with deadline(seconds), pytest.raises(InvalidInput) as caught:
        load_yaml_mapping(path, what)
    assert caught.value.exit_code == EXIT_INVALID_INPUT
    return caught.value.lines()


def billion_laughs() -> str:
    """The classic: nine levels of nine aliases, a billion strings from a few hundred bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, below = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{below}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_in_milliseconds(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text(billion_laughs())
    assert path.stat().st_size <= 600
    began = time.monotonic()
    found = refused(path)
    assert time.monotonic() - began < 0.5
    assert found == [
        f"notes.yaml:4: more than {MAX_ALIASES} YAML aliases (a YAML 'billion laughs'?) — "
        f"nivosync reads at most {MAX_ALIASES}"
    ]


def test_one_big_node_aliased_many_times_is_refused(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("big: &big [" + ",".join(["1"] * 5000) + "]\ncopies: [*big, *big, *big]\n")
    assert refused(path, "config") == [
        "config.yaml:2: YAML aliases repeat more than 10000 values — nivosync reads at most 10000"
    ]


def test_recursive_alias_is_refused_not_a_recursion_error(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("items: &loop\n  - *loop\n")
    assert refused(path) == [
        "notes.yaml:2: the YAML alias *loop is inside the node it names, so it would repeat "
        "forever: nivosync reads no recursive aliases"
    ]


def test_ordinary_aliases_and_merge_keys_still_work(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "defaults: &defaults {impact: low, downtime: none}\n"
        "staging: {<<: *defaults, window: night}\n"
        "list: &list [1, 2]\n"
        "again: [*list, *list]\n"
    )
    data = load_yaml_mapping(path, "config").data
    assert data["staging"] == {"impact": "low", "downtime": "none", "window": "night"}
    assert data["again"] == [[1, 2], [1, 2]]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n",
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)) + "  " * 200 + "v: 1\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings"],
)
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path, text):
    path = tmp_path / "template.yaml"
    path.write_text(text)
    found = refused(path, "plan template")
    assert len(found) == 1
    assert found[0].startswith("template.yaml:")
    assert found[0].endswith(
        f"nested deeper than {MAX_DEPTH} levels — nivosync reads at most {MAX_DEPTH} levels "
        "of nesting"
    )


def test_nesting_through_an_alias_counts_as_deep(tmp_path):
    path = tmp_path / "config.yaml"
    deep = "[" * 30 + "]" * 30
    path.write_text(f"a: &a {deep}\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n")
    assert refused(path, "config") == [
        f"config.yaml:2: nested deeper than {MAX_DEPTH} levels (counting what aliases repeat) "
        f"— nivosync reads at most {MAX_DEPTH} levels of nesting"
    ]


def test_nesting_within_the_limit_is_read(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n")
    value = load_yaml_mapping(path, "config").data["a"]
    for _ in range(MAX_DEPTH - 2):
        value = value[0]
    assert value == [1]


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("summary: |\n" + ("  " + "x" * 99 + "\n") * (MAX_TEXT_BYTES // 100))
    assert path.stat().st_size > MAX_TEXT_BYTES
    assert refused(path) == [
        "notes.yaml: notes file is larger than 1 MiB — nivosync reads at most 1 MiB"
    ]


def test_dev_zero_as_config_is_exit_2_within_a_memory_cap():
    """As a user runs it, with 1 GiB of address space: reading /dev/zero whole would fail."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    args = ["plan", "--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]
    result = subprocess.run(
        [sys.executable, "-m", "nivosync", "--config", "/dev/zero", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=cap_memory,
        check=False,
    )
    assert result.returncode == EXIT_INVALID_INPUT, result.stderr
    assert result.stderr.strip() == (
        "error: /dev/zero: config is not a regular file (it is a device)"
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "notes.md"
    os.mkfifo(fifo)
    with deadline(5), pytest.raises(InvalidInput) as caught:
        load_notes(fifo)
    assert caught.value.lines() == ["notes.md: notes file is not a regular file (it is a pipe)"]


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "advisory.yaml").mkdir()
    with pytest.raises(InvalidInput) as caught:
        load_change_advisory(tmp_path / "advisory.yaml")
    assert caught.value.lines() == [
        "advisory.yaml: change advisory file is not a regular file (it is a folder)"
    ]


def test_ansi_escape_written_as_a_yaml_escape_is_refused_with_its_line(tmp_path):
    path = tmp_path / "advisory.yaml"
    path.write_text('downtime: none\nimpact: "\\e[31mURGENT\\e[0m"\n')
    with pytest.raises(InvalidInput) as caught:
        load_change_advisory(path)
    assert caught.value.lines() == [
        "advisory.yaml:2: impact: contains the control character '\\x1b' (ANSI escapes and "
        "other control characters would reach Jira, Confluence and the terminal): remove it"
    ]


@pytest.mark.parametrize(
    ("raw", "shown"), [("\x1b", "\\x1b"), ("\x7f", "\\x7f"), ("\x9b", "\\x9b")]
)
def test_raw_control_characters_in_a_markdown_file_are_refused(tmp_path, raw, shown):
    path = tmp_path / "notes.md"
    path.write_text(f"## Bug fixes\n\n- Fixed the {raw}[2Jscreen\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_notes(path)
    assert caught.value.lines() == [
        f"notes.md:3: contains the control character '{shown}' (ANSI escapes and other control "
        "characters would reach Jira, Confluence and the terminal): remove it"
    ]


def test_crlf_files_and_tabs_in_texts_are_still_read(tmp_path):
    path = tmp_path / "advisory.yaml"
    path.write_bytes(b"impact: |\r\n  first\tline\r\n  second\r\ndowntime: none\r\n")
    advisory = load_change_advisory(path)
    assert advisory.impact == "first\tline\nsecond"


def test_template_names_and_summaries_must_be_one_line(tmp_path):
    text = SHIPPED_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("title: ", 'title: "Upgrade\\tplan" #', 1)
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_template(path)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("title:"))
    assert caught.value.lines() == [
        f"mine.yaml:{line}: title: contains '\\t': write it on one line (tabs and line breaks "
        "are not allowed)"
    ]


def test_config_customer_names_must_be_one_line(tmp_path):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    assert "\n  Acme Health:\n" in text
    text = text.replace("\n  Acme Health:\n", '\n  "Acme Health\\n":\n')
    path = tmp_path / "nivosync.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Acme Health\\n" in row)
    with pytest.raises(InvalidInput) as caught:
        load_config(path)
    assert caught.value.lines() == [
        f"nivosync.yaml:{line}: customers.Acme Health\\n: contains '\\n': write it on one "
        "line (tabs and line breaks are not allowed)"
    ]
