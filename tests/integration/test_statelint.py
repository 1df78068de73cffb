"""The workflow definition is valid Amazon States Language (``statelint``, the PyPI port of AWS's linter).

Checked twice: the file in ``statemachine/`` with its ``${...FunctionArn}`` placeholders, and the
definition as deployed (``render_definition`` with ARNs filled in). A copy with a broken ``Next`` must
fail, so a linter that passes everything cannot make these tests pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lightsail_guard.workflow import FUNCTIONS, definition_path, render_definition

FAKE_ARNS = {
    f.key: f"arn:aws:lambda:eu-central-1:123456789012:function:lightsail-guard-{f.key}" for f in FUNCTIONS
}


def statelint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "statelint", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_definition_file_passes_statelint() -> None:
    """DOMAIN.md "Step Functions limits that shape the design": the ASL file is what gets deployed.

    Given statemachine/lightsail-guard.asl.json as it is in the repository
    When statelint checks it
    Then it exits 0
    """
    result = statelint(definition_path())

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rendered_definition_passes_statelint(tmp_path: Path) -> None:
    """The definition with real-looking function ARNs filled in (what Pulumi deploys) is valid too.

    Given the definition rendered with a Lambda ARN for every function
    When statelint checks it
    Then it exits 0
    """
    rendered = tmp_path / "rendered.asl.json"
    rendered.write_text(render_definition(FAKE_ARNS))

    result = statelint(rendered)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_definition_with_a_broken_next_fails_statelint(tmp_path: Path) -> None:
    """The premise of the two tests above: statelint does reject a broken workflow.

    Given the rendered definition with PlanRun's Next pointing at a state that does not exist
    When statelint checks it
    Then it exits non-zero and names the missing state
    """
    definition = json.loads(render_definition(FAKE_ARNS))
    definition["States"][definition["StartAt"]]["Next"] = "NoSuchState"
    broken = tmp_path / "broken.asl.json"
    broken.write_text(json.dumps(definition))

    result = statelint(broken)

    assert (result.returncode != 0, "NoSuchState" in result.stdout + result.stderr) == (True, True)


@pytest.mark.parametrize("state", ["CheckInstance", "StopInstance"])
def test_a_nested_state_with_a_broken_next_fails_statelint(tmp_path: Path, state: str) -> None:
    """The linter also reaches states inside the Map item processors (where most of the workflow is).

    Given the rendered definition with a nested Task's Catch pointing at a missing state
    When statelint checks it
    Then it exits non-zero
    """
    definition = json.loads(render_definition(FAKE_ARNS))

    def find(states: dict) -> dict | None:
        for name, body in states.items():
            if name == state:
                return body
            processor = body.get("ItemProcessor") or body.get("Iterator")
            if processor and (hit := find(processor["States"])):
                return hit
        return None

    target = find(definition["States"])
    assert target is not None, f"{state} not found"
    target["Catch"][0]["Next"] = "NoSuchState"
    broken = tmp_path / "broken.asl.json"
    broken.write_text(json.dumps(definition))

    assert statelint(broken).returncode != 0
