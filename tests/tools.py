"""The outside checkers the HTML edition is measured with: the Nu Html Checker and the Speech Rule Engine.

Both are npm packages, taken from the npm registry as tarballs (npm itself is not needed), pinned by
version and by the registry's sha512, and unpacked once under .venv/share, as tests/browser.py does
for axe-core (whose download goes through `npm_tarball` too):

- vnu-jar: the Nu Html Checker (what validator.w3.org/nu runs), its jar run by /usr/bin/java;
- speech-rule-engine: what MathJax and screen readers speak MathML with, run by /usr/bin/node; its
  three runtime dependencies are unpacked into its node_modules/, and its speech rules (lib/mathmaps)
  are read from disk, so that it runs offline.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARE = ROOT / ".venv" / "share"
JAVA, NODE = "/usr/bin/java", "/usr/bin/node"

# (npm name, exact version, the registry's integrity of its tarball)
VNU = ("vnu-jar", "26.9.27",
       "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==")
SRE = ("speech-rule-engine", "4.1.5",
       "sha512-Nx4d44Ca0FQ4ve9WS8Ja6w2zkI9q7JvH1+3nI9zh4aU/vICXTZWzzYR4MyYRkk/5vcF7OMkwjYkX3qrfahfOgg==")
# speech-rule-engine's dependencies, at the versions its package.json admits (commander is its
# command line's, but lib/sre.js requires it on loading).
SRE_DEPENDENCIES = [
    ("@xmldom/xmldom", "0.9.12",
     "sha512-5AXjrcMClTryPe9LgZrygpB1lj7s0S9E0+W+AHaVKAVyHanafK86iPSvG5xHVSp/jC+VH1UXu0TAEmY279xH7A=="),
    ("wicked-good-xpath", "1.3.0",
     "sha512-Gd9+TUn5nXdwj/hFsPVx5cuHHiF5Bwuc30jZ4+ronF1qHK5O7HD0sgmXWSEgwKquT3ClLoKPVbO6qGwVwLzvAw=="),
    ("commander", "13.1.0",
     "sha512-/rFeCpNJQbhSZjGVwO9RFV3xPqbnERS8MmIQzCtD/zl6gpJuV/bMLuN92oG3F7d8oDEHHRrujSXNUr8fpjntKw=="),
]
SPEECH_SCRIPT = ROOT / "tests" / "speech.js"
DOMAINS = ("clearspeak", "mathspeak")


def npm_tarball(name: str, version: str, integrity: str) -> tarfile.TarFile:
    """A package's tarball from the npm registry, refused unless its sha512 is the pinned one."""
    url = f"https://registry.npmjs.org/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        raise RuntimeError(f"{name} {version}: the tarball's sha512 is not the registry's ({digest})")
    return tarfile.open(fileobj=io.BytesIO(data))


def _unpack(tar: tarfile.TarFile, dest: Path) -> None:
    """The tarball's package/ folder as `dest`."""
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        tar.extractall(tmp, filter="data")
        shutil.move(str(Path(tmp) / "package"), dest)


def npm_package(name: str, version: str, integrity: str, dependencies=()) -> Path:
    """The unpacked package under .venv/share, its dependencies in its node_modules/; fetched once.

    It is unpacked beside its final place and renamed into it last, so that a fetch cut short
    (or two test workers fetching at once) never leaves a half package that looks complete."""
    home = SHARE / f"{name.replace('/', '-')}-{version}"
    if home.is_dir():
        return home
    SHARE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SHARE) as tmp:
        staged = Path(tmp) / "package"
        _unpack(npm_tarball(name, version, integrity), staged)
        for dep, dep_version, dep_integrity in dependencies:
            target = staged / "node_modules" / dep
            target.parent.mkdir(parents=True, exist_ok=True)
            _unpack(npm_tarball(dep, dep_version, dep_integrity), target)
        try:
            os.rename(staged, home)
        except OSError:  # another process got there first: its copy is as good
            if not home.is_dir():
                raise
    return home


def vnu_jar() -> Path:
    return npm_package(*VNU) / "build" / "dist" / "vnu.jar"


def sre_home() -> Path:
    return npm_package(*SRE, dependencies=SRE_DEPENDENCIES)


def nu_errors(paths) -> list[tuple[str, int, str]]:
    """The Nu Html Checker's errors on these HTML files, in one Java run: (file, line, message),
    file as given. Warnings and informational messages are not counted (--errors-only)."""
    paths = [str(p) for p in paths]
    if not paths:
        return []
    given = {str(Path(p).resolve()): p for p in paths}
    proc = subprocess.run([JAVA, "-jar", str(vnu_jar()), "--format", "json", "--errors-only", *paths],
                          capture_output=True, text=True, timeout=1800)
    # The report is on stderr; the exit status is 1 whenever there is an error to report.
    report = json.loads(proc.stderr or proc.stdout)
    found = []
    for message in report["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        # The checker names a file by a URL of its own spelling ("file:/tmp/a%20b.html").
        url = message.get("url", "")
        local = "/" + urllib.parse.unquote(url.removeprefix("file:")).lstrip("/")
        file = given.get(local, url)
        found.append((file, message.get("lastLine", message.get("firstLine", 0)), message["message"]))
    return found


def speech(mathml_list, domain: str) -> list[str]:
    """The English speech of each MathML string under one of DOMAINS (ClearSpeak, MathSpeak), in
    one node process for the whole batch. A formula the engine fails on reads "[SRE error: ...]"."""
    if domain not in DOMAINS:
        raise ValueError(f"speech domain {domain!r}: one of {', '.join(DOMAINS)}")
    mathml_list = list(mathml_list)
    if not mathml_list:
        return []
    proc = subprocess.run([NODE, str(SPEECH_SCRIPT), str(sre_home())],
                          input=json.dumps({"domain": domain, "formulas": mathml_list}),
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"speech-rule-engine failed ({proc.returncode}): {proc.stderr[-2000:]}")
    spoken = json.loads(proc.stdout)
    assert len(spoken) == len(mathml_list)
    return spoken
