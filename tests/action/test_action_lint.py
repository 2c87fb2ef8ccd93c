"""actionlint on action.yml, the example workflows and the repository's own (.github/workflows).

actionlint reads workflows only, so action.yml's composite steps are checked inside a workflow
that declares the same inputs: expressions, contexts and every `run:` script (with shellcheck).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

needs_actionlint = pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is a dev dependency")


def action_as_workflow() -> dict[str, Any]:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    inputs = {
        name: {
            "description": spec.get("description", name),
            "required": False,
            "default": "" if "${{" in str(spec.get("default", "")) else str(spec.get("default", "")),
        }
        for name, spec in action["inputs"].items()
    }
    return {
        "name": "action.yml, as a workflow",
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "permissions": {"contents": "read"},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["actionlint", "-oneline", *map(str, files)], capture_output=True, text=True, check=False)


@needs_actionlint
def test_action_yml_steps_pass_actionlint(tmp_path: Path) -> None:
    workflow = tmp_path / "action-as-workflow.yml"
    workflow.write_text(yaml.safe_dump(action_as_workflow(), sort_keys=False), encoding="utf-8")
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def workflows() -> list[Path]:
    return [
        *sorted((REPO / "examples" / "workflows").glob("*.yml")),
        *sorted((REPO / ".github" / "workflows").glob("*.yml")),
    ]


@needs_actionlint
def test_example_and_own_workflows_pass_actionlint() -> None:
    assert len(workflows()) >= 6
    result = actionlint(*workflows())
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_yml_never_puts_inputs_into_a_script() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    scripts = [step["run"] for step in action["runs"]["steps"] if "run" in step]
    assert scripts and not any("${{" in script for script in scripts)


def test_third_party_actions_are_pinned_by_sha() -> None:
    for path in [REPO / "action.yml", *workflows()]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line and "@" in line:
                reference = line.split("@", 1)[1].split()[0]
                assert len(reference) == 40, f"{path.name}: {line.strip()}"
