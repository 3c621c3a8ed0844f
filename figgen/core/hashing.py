"""The hash that says whether saved data is still what the code would compute.

It covers the figure module *without* its ``plot`` function and its ``ALT`` text (restyling or
redescribing never recomputes), the computation of every other figure module it imports
(a homework's figure may run a chapter figure's code), every module of figgen/lib, the mode and its configuration. It is computed from the syntax tree, so
comments and formatting do not invalidate data, and it needs no import of torch or the module:
dodo.py calls it at load time.
"""
from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from figgen.core.paths import LIB, ROOT, module_path

# Functions that only draw, or read the data (the claims its text makes): editing them must not
# invalidate computed data.
PLOT_ONLY = {"plot", "caption_params", "claims"}
# Module constants that only describe the drawing (ALT, the text alternative of the HTML edition)
# or the data (CLAIMS, ALT_CLAIMS): editing them must not invalidate computed data either.
DESCRIPTION_ONLY = {"ALT", "ALT_CLAIMS", "CLAIMS"}


def _strip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _assigns_only(node: ast.stmt, names: set[str]) -> bool:
    """Whether a module-level statement assigns to names of `names` and nothing else."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    return all(isinstance(t, ast.Name) and t.id in names for t in targets)


def _normalised(tree: ast.Module, drop: set[str], drop_constants: frozenset[str] = frozenset()) -> str:
    body = [node for node in _strip_docstring(tree.body)
            if not (isinstance(node, ast.FunctionDef) and node.name in drop)
            and not _assigns_only(node, drop_constants)]
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.body = _strip_docstring(node.body) or [ast.Pass()]
    return ast.dump(ast.Module(body=body, type_ignores=[]), include_attributes=False)


# Parsing every figure module on every `./doit` would dominate a build with nothing to do, so
# what a parse yields is cached on disk per file, keyed by the file's size and modification time.
_CACHE_FILE = ROOT / "build" / "figgen-source-cache.json"
_cache: dict | None = None


def _disk_cache() -> dict:
    global _cache
    if _cache is None:
        try:
            _cache = json.loads(_CACHE_FILE.read_text())
        except (OSError, ValueError):
            _cache = {}
    return _cache


def _save_cache() -> None:
    try:
        from corelib import atomic

        live = {path: entry for path, entry in _disk_cache().items() if Path(path).exists()}
        atomic.write_text(_CACHE_FILE, json.dumps(live, sort_keys=True))
    except OSError:
        pass  # a read-only checkout still builds, only more slowly


_DROPPED = sorted(PLOT_ONLY | DESCRIPTION_ONLY)


def _parse(path: Path) -> dict:
    """Digests of a module (whole, and without its drawing functions) and its literal CONFIG."""
    stat = path.stat()
    stamp = [stat.st_mtime_ns, stat.st_size]
    entry = _disk_cache().get(str(path))
    # Entries of older code lack imports, or were digested with other things left out.
    if entry and entry["stamp"] == stamp and "claims" in entry and entry.get("dropped") == _DROPPED:
        return entry
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    config, claims, alt_claims = None, {}, []
    for node in tree.body:
        assigned = {t.id for t in node.targets if isinstance(t, ast.Name)} if isinstance(node, ast.Assign) else set()
        if "CONFIG" in assigned:
            # As JSON gives it back from the cache: lists, never tuples.
            config = json.loads(json.dumps(ast.literal_eval(node.value)))
        if "CLAIMS" in assigned:
            claims = _literal_claims(path, node)
        if "ALT_CLAIMS" in assigned:
            alt_claims = _literal_names(path, node)
    entry = {
        "stamp": stamp,
        "imports": sorted(_figure_imports(tree)),
        "digest": hashlib.sha256(_normalised(tree, set()).encode()).hexdigest(),
        "compute_digest": hashlib.sha256(_normalised(tree, PLOT_ONLY, frozenset(DESCRIPTION_ONLY)).encode()).hexdigest(),
        "dropped": _DROPPED,
        "config": config,
        "claims": claims,
        "alt_claims": alt_claims,
    }
    _disk_cache()[str(path)] = entry
    _save_cache()
    return entry


def _literal_claims(path: Path, node: ast.Assign) -> dict[str, int]:
    """CLAIMS = {"name": "statement", ...}: each name with the line that declares it."""
    if not isinstance(node.value, ast.Dict) or not all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value.replace("_", "").isalnum()
            and isinstance(v, ast.Constant) and isinstance(v.value, str) for k, v in zip(node.value.keys, node.value.values)):
        raise ValueError(f"{path.relative_to(ROOT)}:{node.lineno}: CLAIMS must be a literal dict of claim names "
                         "(letters, digits, _) to the statements they check")
    return {k.value: k.lineno for k in node.value.keys}


def _literal_names(path: Path, node: ast.Assign) -> list[str]:
    """ALT_CLAIMS = ["name", ...]: the claims the module's ALT text states."""
    if not isinstance(node.value, (ast.List, ast.Tuple)) or not all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.value.elts):
        raise ValueError(f"{path.relative_to(ROOT)}:{node.lineno}: ALT_CLAIMS must be a literal list of claim names")
    return [e.value for e in node.value.elts]


def read_claims(name: str) -> dict[str, int]:
    """The claims a figure module declares, each with the line that declares it (no import)."""
    return dict(_parse(module_path(name))["claims"])


def read_alt_claims(name: str) -> list[str]:
    """The claims the module's ALT text states (ALT_CLAIMS): cited there, checked when it is drawn."""
    return list(_parse(module_path(name))["alt_claims"])


def _figure_imports(tree: ast.Module) -> set[str]:
    """Other modules of figgen/ (not core, not lib) that a module imports."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "figgen":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("figgen."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("figgen.")}
    return {m for m in found if m not in ("core", "lib") and module_path(m).is_file()}


def _imported_computations(name: str) -> list[str]:
    """The figure modules `name` imports, directly or through another one, in a stable order."""
    seen, todo = set(), list(_parse(module_path(name)).get("imports", []))
    while todo:
        other = todo.pop()
        if other != name and other not in seen:
            seen.add(other)
            todo += _parse(module_path(other)).get("imports", [])
    return sorted(seen)


def compute_hash(name: str, mode: str, cfg: dict) -> str:
    h = hashlib.sha256()
    h.update(f"{name}\0{mode}\0".encode())
    h.update(json.dumps(cfg, sort_keys=True).encode())
    h.update(_parse(module_path(name))["compute_digest"].encode())
    # Only figures that import another one hash more, so the others' recorded hashes stay valid.
    for other in _imported_computations(name):
        h.update(f"imports {other}\0".encode())
        h.update(_parse(module_path(other))["compute_digest"].encode())
    for lib in sorted(LIB.glob("*.py")):
        h.update(lib.name.encode())
        h.update(_parse(lib)["digest"].encode())
    return h.hexdigest()


def read_config(name: str) -> dict:
    """CONFIG of a figure module, read from its source without importing it (no torch at load)."""
    config = _parse(module_path(name))["config"]
    if config is None:
        raise ValueError(f"figgen/{name}.py defines no literal CONFIG = {{'quick': ..., 'full': ...}}")
    return config
