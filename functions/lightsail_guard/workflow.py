"""The workflow's parts: its Lambda functions and its ASL definition (a real file in ``statemachine/``).

The ASL keeps ``${<Key>FunctionArn}`` placeholders; :func:`render_definition` fills in the ARNs. The
Pulumi program and the local runner both use it, so the definition that is tested is the one deployed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFINITION_FILE = "lightsail-guard.asl.json"
_PLACEHOLDER = re.compile(r"\$\{(\w+)FunctionArn\}")


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    key: str
    handler: str
    description: str
    timeout_seconds: int = 60
    memory_mb: int = 256


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("PlanRun", "lightsail_guard.handlers.plan_run.handler", "Configuration to targets"),
    FunctionSpec(
        "ListInstances", "lightsail_guard.handlers.list_instances.handler", "Lists one target's instances"
    ),
    FunctionSpec(
        "CheckInstance", "lightsail_guard.handlers.check_instance.handler", "Usage and verdict per instance"
    ),
    FunctionSpec(
        "DecideTarget", "lightsail_guard.handlers.decide_target.handler", "Pools and actions per target"
    ),
    FunctionSpec("StopInstance", "lightsail_guard.handlers.stop_instance.handler", "Stops one instance"),
    FunctionSpec(
        "StartInstance", "lightsail_guard.handlers.start_instance.handler", "Starts one instance (new month)"
    ),
    FunctionSpec("Notify", "lightsail_guard.handlers.notify.handler", "Sends one alert"),
    FunctionSpec(
        "SummarizeRun", "lightsail_guard.handlers.summarize_run.handler", "Run summary and report", 120, 512
    ),
)
FUNCTION_KEYS = tuple(f.key for f in FUNCTIONS)


def definition_path() -> Path:
    """``statemachine/lightsail-guard.asl.json`` of this checkout (or ``LIGHTSAIL_GUARD_ASL``)."""
    override = os.environ.get("LIGHTSAIL_GUARD_ASL")
    if override:
        return Path(override)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "statemachine" / DEFINITION_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"statemachine/{DEFINITION_FILE} not found above {Path(__file__).parent}; "
        "install the project in editable mode (pip install -e .) or set LIGHTSAIL_GUARD_ASL"
    )


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def render_definition(function_arns: Mapping[str, str], text: str | None = None) -> str:
    """The ASL with every ``${<Key>FunctionArn}`` replaced; refuses missing or unknown keys."""
    text = definition_path().read_text() if text is None else text
    wanted = placeholders(text)
    missing = sorted(wanted - set(function_arns))
    unknown = sorted(set(function_arns) - wanted)
    if missing or unknown:
        raise ValueError(f"function ARNs do not match the definition: missing {missing}, unknown {unknown}")
    rendered = _PLACEHOLDER.sub(lambda m: function_arns[m.group(1)], text)
    json.loads(rendered)  # still valid JSON: an ARN never carries quotes
    return rendered


def state_names(definition: str | None = None) -> list[str]:
    """Every state's name in document order, Map iterations' states included (the console's graph)."""
    document = json.loads(definition_path().read_text() if definition is None else definition)
    names: list[str] = []

    def walk(states: dict) -> None:
        for name, state in states.items():
            names.append(name)
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if processor:
                walk(processor["States"])
            for branch in state.get("Branches", []):
                walk(branch["States"])

    walk(document["States"])
    return names
