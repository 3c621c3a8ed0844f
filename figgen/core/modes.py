"""Which mode (quick or full) and which device a figure is computed in.

FIGGEN_MODE = quick | full | auto (default). In auto, committed full-mode data that is still up to
date is used as it is; missing or stale data is computed in full mode when a CUDA GPU is present
and in quick mode otherwise. FIGGEN_DEVICE = cuda | mps | cpu overrides the device.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

MODES = ("quick", "full")


class FigureError(RuntimeError):
    """A figure could not be made; the message names the figure."""


def requested_mode() -> str:
    mode = os.environ.get("FIGGEN_MODE", "auto").strip().lower() or "auto"
    if mode not in (*MODES, "auto"):
        raise FigureError(f"FIGGEN_MODE={mode!r}: expected quick, full or auto")
    return mode


def cuda_present() -> bool:
    """A cheap guess used before torch is imported (dodo.py must not import torch)."""
    if os.environ.get("FIGGEN_DEVICE", "").lower() in ("cpu", "mps"):
        return False
    if os.environ.get("FIGGEN_DEVICE", "").lower() == "cuda":
        return True
    return shutil.which("nvidia-smi") is not None and Path("/dev/nvidiactl").exists()


def select_device() -> str:
    import torch

    wanted = os.environ.get("FIGGEN_DEVICE", "").strip().lower()
    if wanted:
        if wanted == "cuda" and not torch.cuda.is_available():
            raise FigureError("FIGGEN_DEVICE=cuda but torch sees no CUDA device")
        if wanted not in ("cuda", "mps", "cpu"):
            raise FigureError(f"FIGGEN_DEVICE={wanted!r}: expected cuda, mps or cpu")
        return wanted
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"
