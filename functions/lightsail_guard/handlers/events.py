"""The events each Task state sends its Lambda (the ASL's ``Parameters``), as typed models."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..model.messages import InstanceResult, InstanceSnapshot, Message, Target


class PlanRunEvent(Message):
    input: dict[str, Any] = Field(default_factory=dict)
    execution_start_time: str | None = None
    execution_id: str | None = None


class TargetEvent(Message):
    target: Target
    now: str
    run_id: str
    instance_concurrency: int = 10


class InstanceEvent(Message):
    target: Target
    instance: InstanceSnapshot
    now: str


class DecideTargetEvent(Message):
    target: Target
    now: str
    run_id: str
    instance_concurrency: int = 10
    measurements: list[dict[str, Any]]


class ActionEvent(InstanceResult):
    """One item of the action Map: an instance result with its ``action``."""


class SummarizeRunEvent(Message):
    run_id: str
    now: str
    mode: str = "check"
    target_results: list[dict[str, Any]]
    plan_errors: list[dict[str, Any]] = Field(default_factory=list)
