"""Screenshots stay inside the notes file's folder and are real images (issue 11, item 3):
`../../secret.png`, absolute paths and symlinks out are refused before anything is written."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from textwrap import dedent

import pytest

from nivosync.app.page_sources import page_spec
from nivosync.errors import InvalidInput
from nivosync.inputs.notes import load_notes
from nivosync.inputs.screenshots import MAX_SCREENSHOT_BYTES, image_type
from nivosync.render.pages.common import Attachment, RenderedPage

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 16
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16
SVG = b'<?xml version="1.0"?>\n<!-- a chart -->\n<svg xmlns="http://www.w3.org/2000/svg"/>\n'


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """tmp/notes/ holds the notes file and its images; tmp/ itself is outside it."""
    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    (notes / "img" / "shot.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)  # a real image, but not the notes folder's
    return notes


def notes_yaml(folder: Path, *shots: str) -> Path:
    listed = "".join(f"      - {shot!r}\n" for shot in shots)
    text = f"items:\n  - section: features\n    title: One\n    screenshots:\n{listed}"
    path = folder / "notes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_notes(path)
    return caught.value.lines()


def test_parent_folder_paths_are_refused(folder):
    assert problems(notes_yaml(folder, "../secret.png")) == [
        "notes/notes.yaml:5: screenshot '../secret.png' is outside the notes file's folder (it "
        f"leads to {folder.parent.resolve() / 'secret.png'}): copy the image into notes or a "
        "folder below it"
    ]


def test_absolute_paths_are_refused(folder):
    target = str(folder.parent / "secret.png")
    assert problems(notes_yaml(folder, target)) == [
        f"notes/notes.yaml:5: screenshot '{target}' is an absolute path: give a path relative "
        "to the notes file's folder, and keep the image in that folder"
    ]


def test_a_symlink_pointing_out_is_refused(folder):
    (folder / "passwd.png").symlink_to("/etc/passwd")
    (folder / "img" / "elsewhere.png").symlink_to(folder.parent / "secret.png")
    found = problems(notes_yaml(folder, "passwd.png", "img/elsewhere.png"))
    assert found[0].startswith(
        "notes/notes.yaml:5: screenshot 'passwd.png' is outside the notes file's folder (it "
        "leads to /etc/passwd)"
    )
    assert found[1].startswith(
        "notes/notes.yaml:6: screenshot 'img/elsewhere.png' is outside the notes file's folder"
    )
    assert len(found) == 2


def test_paths_and_links_that_stay_inside_are_accepted(folder):
    (folder / "link.png").symlink_to(folder / "img" / "shot.png")
    notes = load_notes(notes_yaml(folder, "img/../img/shot.png", "link.png"))
    assert [p.name for p in notes.items[0].screenshots] == ["shot.png", "link.png"]


def test_content_must_be_an_image_of_the_named_type(folder):
    (folder / "passwd.png").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (folder / "photo.png").write_bytes(JPEG)
    assert problems(notes_yaml(folder, "passwd.png", "photo.png")) == [
        "notes/notes.yaml:5: screenshot 'passwd.png' is not a PNG image (its content does not "
        "start like one): give a real image file (.png, .jpg, .jpeg, .gif, .svg, .webp)",
        "notes/notes.yaml:6: screenshot 'photo.png' is named .png but is a JPEG image: rename "
        "it to photo.jpg",
    ]


def test_every_supported_type_is_accepted(folder):
    files = {"a.png": PNG, "b.jpg": JPEG, "c.jpeg": JPEG, "d.gif": GIF, "e.webp": WEBP}
    files["f.svg"] = SVG
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "g.gif").write_bytes(b"GIF87a" + b"\x00" * 8)
    notes = load_notes(notes_yaml(folder, *files, "g.gif"))
    assert len(notes.items[0].screenshots) == 7
    assert [image_type(d) for d in files.values()] == ["PNG", "JPEG", "JPEG", "GIF", "WebP", "SVG"]
    assert image_type(b"<html><svg/></html>") is None


def test_a_screenshot_over_the_size_limit_is_refused(folder):
    with (folder / "huge.png").open("wb") as file:
        file.write(PNG)
        file.truncate(MAX_SCREENSHOT_BYTES + 1)  # sparse: nothing is really written
    assert problems(notes_yaml(folder, "huge.png")) == [
        "notes/notes.yaml:5: screenshot 'huge.png' is larger than 10 MiB — nivosync reads at "
        "most 10 MiB"
    ]


def test_a_fifo_is_refused_without_waiting(folder):
    os.mkfifo(folder / "pipe.png")

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("a blocking open would hang the run")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(5)
    try:
        found = problems(notes_yaml(folder, "pipe.png"))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert found == [
        "notes/notes.yaml:5: screenshot 'pipe.png' is not a regular file (it is a pipe)"
    ]


def test_markdown_notes_are_confined_too(folder):
    path = folder / "notes.md"
    path.write_text(
        dedent(
            """\
            ## New features

            ### Bulk export

            ![secret](../secret.png)
            ![fine](img/shot.png)
            """
        ),
        encoding="utf-8",
    )
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(
        "notes/notes.md:5: screenshot '../secret.png' is outside the notes file's folder"
    )


def test_content_is_checked_again_when_it_is_uploaded(folder):
    notes = load_notes(notes_yaml(folder, "img/shot.png"))
    shot = notes.items[0].screenshots[0]
    page = RenderedPage("notes", "Notes", "<p/>", (Attachment(shot.name, shot),))
    assert page_spec(page).attachments[0].data == PNG
    shot.write_text("root:x:0:0\n")  # replaced after the notes were loaded
    with pytest.raises(InvalidInput, match=r"screenshot 'shot.png' is not a PNG image"):
        page_spec(page)
