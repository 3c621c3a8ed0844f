"""Whether a figure's saved data is current, and which mode it is drawn from.

Reads only JSON and the figure's source (no NumPy, no torch): dodo.py calls this at load time.
"""
from __future__ import annotations

import json
from pathlib import Path

from figgen.core.hashing import compute_hash, read_config
from figgen.core.modes import cuda_present, requested_mode
from figgen.core.paths import data_paths


def recorded_hash(name: str, mode: str, directory: Path | None = None) -> str | None:
    npz, js = data_paths(name, mode, directory)
    if not (npz.is_file() and js.is_file()):
        return None
    try:
        return json.loads(js.read_text()).get("hash")
    except (OSError, ValueError):
        return None  # a corrupted metadata file is simply stale data


def is_current(name: str, mode: str, directory: Path | None = None) -> bool:
    """Whether the data saved in figures/data (or in `directory`) was computed by the figure's
    current code and configuration: its recorded hash is theirs."""
    cfg = read_config(name)[mode]
    return recorded_hash(name, mode, directory) == compute_hash(name, mode, cfg)


def resolve_mode(name: str) -> str:
    """The mode whose data the figure is drawn from (see figgen.core.modes)."""
    mode = requested_mode()
    if mode != "auto":
        return mode
    if is_current(name, "full") or cuda_present():
        return "full"
    return "quick"


def stale_committed(name: str) -> bool:
    """Full-mode data exists but the code or config has moved on since it was computed."""
    return recorded_hash(name, "full") is not None and not is_current(name, "full")


