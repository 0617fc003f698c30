"""Screenshots named by a notes file: confined to the notes file's folder, real images only.

A notes file may come from anywhere (a repository, a colleague), and its screenshots are
uploaded to Confluence. So a screenshot must be a regular file inside the notes file's folder
once symlinks are resolved (not `../../secret.png`, not `/etc/passwd.png`, not a link pointing
out), of at most MAX_SCREENSHOT_BYTES, whose content is an image of the type its name says.
"""

from __future__ import annotations

import re
from pathlib import Path

from nivosync.errors import InvalidInput, display_path
from nivosync.inputs.files import FileRefused, read_capped, read_limited_bytes

MAX_SCREENSHOT_BYTES = 10 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
_TYPES = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".gif": "GIF",
    ".svg": "SVG",
    ".webp": "WebP",
}
_SUFFIX_OF = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "SVG": ".svg", "WebP": ".webp"}
_HEAD_BYTES = 4096  # enough to find an SVG's root element after its XML prologue
_SVG = re.compile(
    r"\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<svg[\s>/]",
    re.DOTALL,
)


def image_type(head: bytes) -> str | None:
    """The image type a file's first bytes show: PNG, JPEG, GIF, WebP or SVG; else None."""
    # PNG's signature is \x89PNG\r\n\x1a\n; its first four bytes already rule out any text
    # (0x89 begins no ASCII or UTF-8 text), so they are what is checked.
    if head.startswith(b"\x89PNG"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if _SVG.match(head[:_HEAD_BYTES].decode("utf-8", "ignore")):
        return "SVG"
    return None


def type_problem(text: str, path: Path, head: bytes) -> str | None:
    """Why the content of screenshot `text` is not the image its file name says, or None."""
    wanted = _TYPES.get(path.suffix.lower())
    found = image_type(head)
    if wanted is None:
        return f"screenshot '{text}' is not an image ({', '.join(IMAGE_SUFFIXES)})"
    if found == wanted:
        return None
    if found is None:
        return (
            f"screenshot '{text}' is not a {wanted} image (its content does not start like "
            f"one): give a real image file ({', '.join(IMAGE_SUFFIXES)})"
        )
    return (
        f"screenshot '{text}' is named {path.suffix} but is a {found} image: rename it to "
        f"{path.stem}{_SUFFIX_OF[found]}"
    )


def screenshot_problem(folder: Path, text: str) -> str | None:
    """Why screenshot `text` (written in a notes file in `folder`) cannot be uploaded, or None."""
    path = folder / text
    if Path(text).is_absolute():
        return (
            f"screenshot '{text}' is an absolute path: give a path relative to the notes "
            "file's folder, and keep the image in that folder"
        )
    try:
        resolved = path.resolve(strict=True)
        inside = folder.resolve(strict=True)
    except FileNotFoundError:
        return f"screenshot '{text}' not found (looked for {display_path(path)})"
    except (OSError, RuntimeError) as exc:  # a symlink loop, a permission problem
        return f"screenshot '{text}' cannot be read: {exc}"
    if not resolved.is_relative_to(inside):
        return (
            f"screenshot '{text}' is outside the notes file's folder (it leads to "
            f"{resolved}): copy the image into {display_path(inside)} or a folder below it"
        )
    try:
        head = read_capped(resolved, MAX_SCREENSHOT_BYTES, head=_HEAD_BYTES)
    except FileRefused as exc:
        return f"screenshot '{text}' {exc}"
    return type_problem(text, path, head)


def read_screenshot(path: Path) -> bytes:
    """A screenshot's bytes for upload, checked again (size, type) as they are read."""
    data = read_limited_bytes(path, "screenshot", MAX_SCREENSHOT_BYTES)
    problem = type_problem(path.name, path, data[:_HEAD_BYTES])
    if problem is not None:
        raise InvalidInput(f"{display_path(path)}: {problem}")
    return data
