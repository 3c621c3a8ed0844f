"""The hash that says whether saved data is still what the code would compute.

It covers the figure module *without* its ``plot`` function (restyling never recomputes), every
module of figgen/lib, the mode and its configuration. It is computed from the syntax tree, so
comments and formatting do not invalidate data, and it needs no import of torch or the module:
dodo.py calls it at load time.
"""
from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from figgen.core.paths import LIB, module_path

# Functions that only draw: editing them must not invalidate computed data.
PLOT_ONLY = {"plot", "caption_params"}


def _strip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _normalised(tree: ast.Module, drop: set[str]) -> str:
    body = [node for node in _strip_docstring(tree.body)
            if not (isinstance(node, ast.FunctionDef) and node.name in drop)]
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.body = _strip_docstring(node.body) or [ast.Pass()]
    return ast.dump(ast.Module(body=body, type_ignores=[]), include_attributes=False)


@lru_cache(maxsize=None)
def _source_digest(path: Path, mtime_ns: int, drop: frozenset[str]) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return hashlib.sha256(_normalised(tree, set(drop)).encode()).hexdigest()


def source_digest(path: Path, drop: frozenset[str] = frozenset()) -> str:
    return _source_digest(path, path.stat().st_mtime_ns, drop)


def compute_hash(name: str, mode: str, cfg: dict) -> str:
    h = hashlib.sha256()
    h.update(f"{name}\0{mode}\0".encode())
    h.update(json.dumps(cfg, sort_keys=True).encode())
    h.update(source_digest(module_path(name), frozenset(PLOT_ONLY)).encode())
    for lib in sorted(LIB.glob("*.py")):
        h.update(lib.name.encode())
        h.update(source_digest(lib).encode())
    return h.hexdigest()


def read_config(name: str) -> dict:
    """CONFIG of a figure module, read from its source without importing it (no torch at load)."""
    tree = ast.parse(module_path(name).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CONFIG" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"figgen/{name}.py defines no literal CONFIG = {{'quick': ..., 'full': ...}}")
