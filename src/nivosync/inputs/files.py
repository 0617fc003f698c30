"""Reading a user's input files safely: regular files only, a size limit, no control characters.

Every file nivosync reads on a user's say-so (config, templates, notes, change-advisory files,
screenshots) goes through `read_capped`: at most limit + 1 bytes are ever read, so
`/dev/zero`, a FIFO or a huge file cannot eat memory or hang a run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nivosync.core.identity import control_message, first_control
from nivosync.errors import InvalidInput, Problem, display_path

MAX_TEXT_BYTES = 1024 * 1024  # config, templates, notes and change-advisory files: 1 MiB


def size_text(limit: int) -> str:
    """1048576 → '1 MiB', 10485760 → '10 MiB', 500 → '500 bytes'."""
    mib = 1024 * 1024
    return f"{limit // mib} MiB" if limit % mib == 0 else f"{limit} bytes"


class FileRefused(Exception):
    """Why a file is not read: the words after its name ("is larger than 1 MiB …")."""


def read_capped(path: Path, limit: int, head: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (only the first `head` if given).

    The file is opened without blocking and checked to be a regular file before a byte is
    read (a FIFO or device is refused, never waited on), and at most limit + 1 bytes are read.
    Raises FileRefused with the reason.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise FileRefused(f"is not a regular file ({_kind(path)})")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise FileRefused("is not a regular file")
            if info.st_size > limit:
                raise FileRefused(_too_large(limit))
            data = file.read(limit + 1 if head is None else min(head, limit + 1))
    except FileNotFoundError:
        raise FileRefused("not found") from None
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FileRefused(_too_large(limit))
    return data


def read_limited_bytes(path: Path, what: str, limit: int) -> bytes:
    """`read_capped`, with a refusal as an InvalidInput naming the file and `what` it is."""
    try:
        return read_capped(path, limit)
    except FileRefused as exc:
        raise InvalidInput(f"{display_path(path)}: {what} {exc}") from None


def _too_large(limit: int) -> str:
    return f"is larger than {size_text(limit)} — nivosync reads at most {size_text(limit)}"


def _kind(path: Path) -> str:
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISFIFO(mode):
        return "it is a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device"
    return "give a file"


def read_text_file(path: Path, what: str, limit: int = MAX_TEXT_BYTES) -> str:
    """A user's UTF-8 text file (at most `limit` bytes, no control characters but tab)."""
    name = display_path(path)
    data = read_limited_bytes(path, what, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: cannot read {what}: {exc}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as universal newlines read it
    char = first_control(text)
    if char is not None:
        line = text.count("\n", 0, text.index(char)) + 1
        message = control_message(char)
        raise InvalidInput(f"{name}:{line}: {message}", [Problem(name, line, message)])
    return text
