"""The --notes file: YAML or Markdown items, screenshots next to the file, FILE:LINE problems."""

from pathlib import Path
from textwrap import dedent

import pytest

from nivosync.errors import InvalidInput
from nivosync.inputs.notes import NoteItem, load_notes, parse_section, section_for_issue_type

GOOD_YAML = """\
summary: |
  Highlights of 2.4.0.
items:
  - section: features
    title: Bulk export
    description: |
      Export many records at once.

      Second paragraph.
    jira: NVX-101
    screenshots: [img/export.png]
  - section: Bug fixes
    title: Login <fails> & retries
  - section: other
    title: Docs refreshed
    screenshots: [shot.png, img/export.png]
"""

GOOD_MARKDOWN = """\
# Release notes 2.4.0

Highlights of 2.4.0.

## New features

### Bulk export [NVX-101]

Export many records at once.

![The export dialog](img/export.png)

Second paragraph.
- a list line in the description

## Bug fixes

- Login <fails> & retries [NVX-88]
  Happens after a password change.
- Typo in the header

## Other changes

### Docs refreshed
```
## not a heading (fenced)
```
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "export.png").write_bytes(b"\x89PNG")
    (tmp_path / "shot.png").write_bytes(b"\x89PNG")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_notes(path)
    return caught.value.lines()


def test_yaml_notes_load_with_resolved_screenshots(tmp_path):
    notes = load_notes(write(tmp_path, "notes.yaml", GOOD_YAML))
    assert notes.name == "notes.yaml"
    assert notes.summary == "Highlights of 2.4.0."
    assert notes.items == (
        NoteItem(
            "features",
            "Bulk export",
            "Export many records at once.\n\nSecond paragraph.",
            "NVX-101",
            (tmp_path / "img/export.png",),
        ),
        NoteItem("fixes", "Login <fails> & retries"),
        NoteItem(
            "other",
            "Docs refreshed",
            "",
            None,
            (tmp_path / "shot.png", tmp_path / "img/export.png"),
        ),
    )


def test_markdown_notes_load_like_yaml(tmp_path):
    notes = load_notes(write(tmp_path, "notes.md", GOOD_MARKDOWN))
    assert notes.summary == "Highlights of 2.4.0."
    export, login, typo, docs = notes.items
    assert export == NoteItem(
        "features",
        "Bulk export",
        "Export many records at once.\n\nSecond paragraph.\n- a list line in the description",
        "NVX-101",
        (tmp_path / "img/export.png",),
    )
    assert login == NoteItem(
        "fixes", "Login <fails> & retries", "Happens after a password change.", "NVX-88"
    )
    assert typo == NoteItem("fixes", "Typo in the header")
    assert docs == NoteItem("other", "Docs refreshed", "```\n## not a heading (fenced)\n```")


def test_markdown_file_without_items_is_a_stated_empty_source(tmp_path):
    notes = load_notes(write(tmp_path, "empty.markdown", "# Notes\n\nNothing yet.\n"))
    assert (notes.summary, notes.items) == ("Nothing yet.", ())
    assert load_notes(write(tmp_path, "empty.yaml", "items: []\n")).items == ()


def test_yaml_problems_name_file_and_line(tmp_path):
    text = """\
    items:
      - section: features
        title: One
        jira: nvx-1
      - section: news
        title: Two
        screenshots: [missing.png, notes.txt, https://x.example/a.png]
      - section: fixes
        titel: Three
    """
    (tmp_path / "notes.txt").write_text("not an image")
    found = problems(write(tmp_path, "notes.yaml", text))
    assert found == [
        "notes.yaml:4: items[0].jira: 'nvx-1' is not a Jira issue key (like NVX-123) (got 'nvx-1')",
        "notes.yaml:5: items[1].section: unknown section 'news': use features, improvements, "
        "fixes, other, known-issues or upgrade-notes (or a title: New features, Improvements, "
        "Bug fixes, Other changes, Known issues, Upgrade notes) (got 'news')",
        "notes.yaml:8: missing required key 'items[2].title'",
        "notes.yaml:9: unknown key 'items[2].titel'; did you mean 'title'?",
    ]


def test_yaml_screenshot_problems(tmp_path):
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "export.png").write_bytes(b"\x89PNG")
    text = """\
    items:
      - section: features
        title: One
        screenshots:
          - missing.png
          - notes.txt
          - https://x.example/a.png
          - img/export.png
          - other/export.png
    """
    assert problems(write(tmp_path, "notes.yaml", text)) == [
        "notes.yaml:5: screenshot 'missing.png' not found (looked for missing.png)",
        "notes.yaml:6: screenshot 'notes.txt' is not an image "
        "(.png, .jpg, .jpeg, .gif, .svg, .webp)",
        "notes.yaml:7: screenshot 'https://x.example/a.png' is a URL: give an image file next "
        "to the notes file",
        "notes.yaml:9: screenshot 'other/export.png' has the same file name as img/export.png: "
        "page attachments are named by file name, so rename one of them",
    ]


def test_markdown_problems_name_file_and_line(tmp_path):
    text = """\
    # Notes

    ### Orphan item

    ## Features

    Loose text under a section.

    ### Bad key [nvx-1]

    ![missing](gone.png)

    ## Roadmap

    ### Hidden under an unknown section (not reported twice)

    ## Bug fixes

    - Fix one
    not indented

    # Another title
    ### [NVX-2]
    """
    assert problems(write(tmp_path, "notes.md", text)) == [
        "notes.md:3: item 'Orphan item' is not under a section such as '## New features'",
        "notes.md:7: text under '## New features' belongs to no item: start an item with "
        "'### Title' or '- Title'",
        "notes.md:9: 'nvx-1' is not a Jira issue key (like NVX-1)",
        "notes.md:11: screenshot 'gone.png' not found (looked for gone.png)",
        "notes.md:13: unknown section 'Roadmap': use features, improvements, fixes, other, "
        "known-issues or upgrade-notes (or a title: New features, Improvements, Bug fixes, "
        "Other changes, Known issues, Upgrade notes)",
        "notes.md:20: text after a list item: indent it to continue the item, or start a new "
        "item with '- Title' or '### Title'",
        "notes.md:22: a level-1 heading may only be the document title, at the top",
        "notes.md:23: an item needs a title",
    ]


def test_unreadable_and_unknown_files(tmp_path):
    assert problems(tmp_path / "absent.md") == ["absent.md: notes file not found"]
    assert problems(tmp_path / "absent.yaml") == ["absent.yaml: notes file not found"]
    with pytest.raises(InvalidInput, match=r"--notes notes.txt: the file name must end in"):
        load_notes(write(tmp_path, "notes.txt", "x"))
    (tmp_path / "latin.md").write_bytes(b"## Bug fixes\n- caf\xe9\n")
    assert problems(tmp_path / "latin.md")[0].startswith("latin.md: cannot read notes file:")


def test_section_names_and_issue_type_mapping():
    assert [parse_section(n) for n in ("features", "New  Features", "BUG FIXES", "x")] == [
        "features",
        "features",
        "fixes",
        None,
    ]
    assert section_for_issue_type("story") == "features"
    assert section_for_issue_type("Bug") == "fixes"
    assert section_for_issue_type("Task") == "other"
    assert section_for_issue_type("Task", {"task": "improvements"}) == "improvements"


def test_known_issues_and_upgrade_notes_sections(tmp_path):
    assert [
        parse_section(n)
        for n in ("known-issues", "known_issues", "Known issues", "known issue", "upgrade-notes")
    ] == ["known-issues"] * 4 + ["upgrade-notes"]
    assert [parse_section(n) for n in ("Upgrade notes", "UPGRADE", "upgrading")] == [
        "upgrade-notes"
    ] * 3
    yaml_notes = load_notes(
        write(
            tmp_path,
            "notes.yaml",
            """\
            items:
              - section: known issues
                title: Exports over 10,000 rows time out
                jira: NVX-150
              - section: upgrade-notes
                title: Re-index the search after upgrading
            """,
        )
    )
    assert [(i.section, i.title) for i in yaml_notes.items] == [
        ("known-issues", "Exports over 10,000 rows time out"),
        ("upgrade-notes", "Re-index the search after upgrading"),
    ]
    markdown = load_notes(
        write(
            tmp_path,
            "notes.md",
            """\
            ## Known issues
            - Exports over 10,000 rows time out [NVX-150]
            ## Upgrade notes
            ### Re-index the search
            Run the re-index job once the servers are up.
            """,
        )
    )
    assert [(i.section, i.jira_key, i.description) for i in markdown.items] == [
        ("known-issues", "NVX-150", ""),
        ("upgrade-notes", None, "Run the re-index job once the servers are up."),
    ]
