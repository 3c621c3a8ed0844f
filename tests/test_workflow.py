"""The publishing workflow (.github/workflows/publish.yml): it passes actionlint, and its build job
runs exactly the README's two commands, the tests first, then deploys dist/ from a second job
(so a failed build publishes nothing), with pinned actions and no permission it does not need."""
import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")  # a full commit hash, not a tag


def readme_commands(readme: str) -> list[str]:
    """The commands of the README's quick-start code block, in its order, without comments."""
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's quick start has no ```sh block"
    return [line.split("#", 1)[0].strip() for line in block[1].splitlines() if line.split("#", 1)[0].strip()]


def publishing_order(commands: list[str]) -> list[str]:
    """The README's two commands as the workflow runs them: the one that runs the tests first, so
    that a failing test stops the job before anything is built for publication."""
    return sorted(commands, key=lambda c: "test" not in c.split())


def _runs_doit(step: dict) -> bool:
    return "run" in step and re.search(r"(^|[\s;&|(])(\./)?doit\b", step["run"]) is not None


def check_workflow(workflow: dict, commands: list[str]) -> list[str]:
    """What is wrong with the publishing workflow, given the README's commands ([] if nothing)."""
    problems = []
    triggers = workflow.get("on", workflow.get(True)) or {}  # YAML 1.1 reads a bare `on` as true
    if "main" not in (triggers.get("push") or {}).get("branches", []):
        problems.append("not run on a push to main")
    if not [s for s in triggers.get("schedule") or [] if "cron" in s]:
        problems.append("no daily schedule")
    if "concurrency" not in workflow:
        problems.append("no concurrency group: two deployments could race")
    if workflow.get("permissions") not in ({}, None):
        problems.append("permissions granted to the whole workflow instead of per job")
    jobs = workflow.get("jobs") or {}
    build, deploy = jobs.get("build") or {}, jobs.get("deploy") or {}
    if len(commands) != 2:
        problems.append(f"the README's quick start names {len(commands)} commands, not 2")
    ran = [s["run"].strip() for s in build.get("steps", []) if _runs_doit(s)]
    if ran != publishing_order(commands):
        problems.append(f"the build job runs {ran}, not the README's {publishing_order(commands)}")
    image = build.get("container")
    image = image.get("image") if isinstance(image, dict) else image
    if not image or "bookworm" not in image:
        problems.append(f"the build job does not run on Debian 12 (container {image!r})")
    if (build.get("permissions") or {}) != {"contents": "read"}:
        problems.append("the build job may do more than read the repository")
    uses = {s.get("uses", "").split("@")[0]: s for s in build.get("steps", []) if "uses" in s}
    checkout = uses.get("actions/checkout", {}).get("with", {})
    if checkout.get("fetch-depth") != 0:
        problems.append("a shallow checkout: the versions need the whole history")
    if checkout.get("persist-credentials") is not False:
        problems.append("the checkout leaves a token that could push")
    if uses.get("actions/upload-pages-artifact", {}).get("with", {}).get("path", "").rstrip("/") != "dist":
        problems.append("the build job does not upload dist/")
    if deploy.get("needs") not in ("build", ["build"]):
        problems.append("the deployment does not wait for (and depend on) the build")
    if not any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy.get("steps", [])):
        problems.append("no deploy-pages step")
    if (deploy.get("permissions") or {}) != {"pages": "write", "id-token": "write"}:
        problems.append("the deployment's permissions are not exactly pages and id-token")
    for name, job in jobs.items():
        for step in job.get("steps", []):
            if "uses" in step and not PINNED.match(step["uses"]):
                problems.append(f"{name}: {step['uses']} is not pinned to a commit")
            if "run" in step and re.search(r"\bgit\s+(push|commit)\b", step["run"]):
                problems.append(f"{name}: a step commits or pushes")
    return problems


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(PUBLISH.read_text())


@pytest.fixture(scope="module")
def commands() -> list[str]:
    return readme_commands((ROOT / "README.md").read_text())


def test_the_readme_names_a_build_and_a_test_command(commands):
    assert commands == ["./doit", "./doit test"]


def test_the_build_job_runs_the_readme_commands_and_deploys_dist(workflow, commands):
    assert check_workflow(workflow, commands) == []


def _step(workflow, command):
    return next(s for s in workflow["jobs"]["build"]["steps"] if s.get("run", "").strip() == command)


def _swapped(w):
    a, b = _step(w, "./doit test"), _step(w, "./doit")
    a["run"], b["run"] = b["run"], a["run"]


WRONG = {
    "a step changed": lambda w: _step(w, "./doit test").update(run='./doit test -m "not slow"'),
    "the order swapped": _swapped,
    "a command dropped": lambda w: w["jobs"]["build"]["steps"].remove(_step(w, "./doit")),
    "a command added": lambda w: w["jobs"]["build"]["steps"].append({"run": "./doit clean"}),
    "deploy without the build": lambda w: w["jobs"]["deploy"].pop("needs"),
    "an action by tag": lambda w: w["jobs"]["deploy"]["steps"][0].update(uses="actions/deploy-pages@v4"),
    "a shallow checkout": lambda w: next(s for s in w["jobs"]["build"]["steps"]
                                         if s.get("uses", "").startswith("actions/checkout@"))["with"].pop("fetch-depth"),
    "no concurrency": lambda w: w.pop("concurrency"),
    "write access to the build": lambda w: w["jobs"]["build"].update(permissions={"contents": "write"}),
    "on Ubuntu": lambda w: w["jobs"]["build"].pop("container"),
}


@pytest.mark.parametrize("mistake", WRONG)
def test_a_wrong_workflow_is_caught(workflow, commands, mistake):
    wrong = copy.deepcopy(workflow)
    WRONG[mistake](wrong)
    assert check_workflow(wrong, commands) != []


def test_a_changed_readme_command_is_caught(workflow):
    readme = (ROOT / "README.md").read_text().replace("./doit test     #", "./doit check    #", 1)
    assert check_workflow(workflow, readme_commands(readme)) != []


def _actionlint() -> str:
    """The venv's actionlint (requirements.txt pins the wheel that carries the binary)."""
    found = Path(sys.executable).parent / "actionlint"
    assert found.is_file(), f"{found} is missing: ./doit installs requirements.txt into .venv"
    return str(found)


def test_every_workflow_passes_actionlint():
    files = sorted(map(str, WORKFLOWS.glob("*.yml")))
    assert files
    proc = subprocess.run([_actionlint(), "-no-color", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "publish.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(PUBLISH.read_text().replace("needs: build", "needs: buidl"))
    proc = subprocess.run([_actionlint(), "-no-color", str(broken)], capture_output=True, text=True)
    assert proc.returncode != 0 and "buidl" in proc.stdout
