"""dodo.py stays a thin, fast table of tasks; the watch mode sees saved files."""
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys, runpy
sys.path.insert(0, {root!r})
runpy.run_path({dodo!r})
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'matplotlib', 'scipy', 'jinja2')
               or (m.startswith('figgen.') and not m.startswith('figgen.core')))
print(json.dumps(heavy))
"""


def test_dodo_imports_no_heavy_library_and_no_figure_module():
    out = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), dodo=str(ROOT / "dodo.py"))],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_every_task_has_a_one_line_doc():
    out = subprocess.run([str(ROOT / ".venv/bin/doit"), "list", "--all"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    # Every sub-task is listed: one per document at least (its wrapper).
    from coursebuild.documents import documents
    from coursebuild.syllabus import load

    assert len(out) > len(documents(load(ROOT / "syllabus.yaml")))
    for line in out:
        name, _, doc = line.partition(" ")
        assert doc.strip(), f"task {name} has no doc"


def test_watch_sees_a_saved_file(tmp_path, monkeypatch):
    from coursebuild import paths, watch

    (tmp_path / "notes").mkdir()
    source = tmp_path / "notes" / "a.tex"
    source.write_text("x")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    before = watch.snapshot()
    assert source in before
    time.sleep(0.01)
    source.write_text("y")
    import os

    os.utime(source, ns=(before[source] + 10**9, before[source] + 10**9))
    assert watch.snapshot() != before


CODE_PROBE = """
import ast, json, sys, runpy
sys.path.insert(0, {root!r})
tasks = runpy.run_path({dodo!r})
tree = ast.parse(open({html!r}).read())
# The engine modules coursebuild/html.py works a page's text with, from its own top-level imports.
imported = sorted({{a.name if n.module == "coursebuild" else n.module.split(".")[1]
                   for n in tree.body if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("coursebuild")
                   for a in n.names}})
print(json.dumps({{"imported": imported, "code": tasks["HTML_CODE"], "dodo_imports": sorted(m.split(".")[1]
      for m in sys.modules if m.startswith("coursebuild."))}}))
"""


def test_the_html_steps_depend_on_every_module_that_rewrites_a_page():
    """A change to a module html.py rewrites a page's text with redoes the pages; modules dodo.py
    itself loads (paths, documents) are its configuration, not a page's text."""
    out = subprocess.run([sys.executable, "-c", CODE_PROBE.format(root=str(ROOT), dodo=str(ROOT / "dodo.py"),
                                                                  html=str(ROOT / "coursebuild" / "html.py"))],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    listed = {Path(p).stem for p in found["code"]}
    missing = [m for m in found["imported"] if m not in found["dodo_imports"] and m not in listed]
    assert found["imported"] and not missing, f"HTML_CODE lacks {missing}"
