"""Reading the hand-written sources as UTF-8, with a message a person can act on when one is not."""
from __future__ import annotations

from pathlib import Path


class NotUtf8Error(Exception):
    """str() is one line: 'FILE:LINE:COLUMN: not UTF-8 text (...)'."""


def read_utf8(path: Path | str, shown_as: str | None = None) -> str:
    """The file's text; a byte that is not UTF-8 is reported by its line and column (1-based,
    the column counted in characters of the valid text before it)."""
    path = Path(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        name = shown_as or str(path)
        raise NotUtf8Error(f"{name}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02x}: {exc.reason}); "
                           "save the file as UTF-8") from None
