"""Saving and loading a figure's data: arrays in .npz, metadata in .json, both atomic."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from corelib import atomic
from figgen.core.paths import data_paths


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A .npz whose bytes depend on the arrays only (np.savez stamps the current time)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            arr = io.BytesIO()
            # np.ascontiguousarray would turn a 0-d array (a scalar result) into shape (1,).
            np.lib.format.write_array(arr, np.array(arrays[key], order="C"), allow_pickle=False)
            zf.writestr(info, arr.getvalue())
    return buf.getvalue()


def save(name: str, mode: str, arrays: dict, meta: dict, directory: Path | None = None) -> None:
    """Into figures/data, or into `directory` (data_paths)."""
    npz, js = data_paths(name, mode, directory)
    clean = {k: np.asarray(v) for k, v in arrays.items()}
    for key, value in clean.items():
        if value.dtype == object:
            raise TypeError(f"figure {name}: data[{key!r}] is not a plain numeric array")
    # The arrays first: metadata (with the hash) is what marks the pair complete.
    atomic.write_bytes(npz, _npz_bytes(clean))
    atomic.write_text(js, json.dumps(meta, indent=1, sort_keys=True) + "\n")


def load(name: str, mode: str, directory: Path | None = None) -> tuple[dict[str, np.ndarray], dict]:
    npz, js = data_paths(name, mode, directory)
    meta = json.loads(js.read_text())
    with np.load(npz, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    return arrays, meta


__all__ = ["save", "load"]
