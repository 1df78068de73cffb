"""Reads a CloudFormation template and evaluates it for given parameters, the way CloudFormation
would for the handful of intrinsics the member-role template uses (Ref, Fn::Sub, Fn::If, Fn::Equals,
Fn::Not, conditions, AWS::NoValue). Anything else raises, so a template change cannot slip past it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

NO_VALUE = object()


def load_template(path: Path) -> dict[str, Any]:
    template, matches = decode(str(path))
    assert not matches, f"{path} does not parse: {matches}"
    return template


class TemplateEvaluation:
    def __init__(
        self,
        template: dict[str, Any],
        parameters: dict[str, str],
        *,
        account: str,
        region: str,
        partition: str = "aws",
    ) -> None:
        self.template = template
        self.pseudo = {"AWS::AccountId": account, "AWS::Region": region, "AWS::Partition": partition}
        self.parameters: dict[str, Any] = {}
        for name, spec in template.get("Parameters", {}).items():
            if name in parameters:
                value = parameters[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise KeyError(f"parameter {name} has no value and no default")
            if spec["Type"] == "CommaDelimitedList":
                value = [item.strip() for item in value.split(",")] if value else []
            self.parameters[name] = value
        unknown = set(parameters) - set(self.parameters)
        if unknown:
            raise KeyError(f"parameters not in the template: {sorted(unknown)}")
        self.conditions = {name: self.value(expr) for name, expr in template.get("Conditions", {}).items()}

    def resources(self) -> dict[str, dict[str, Any]]:
        """Logical id → {"Type", "Properties"} of the resources CloudFormation would create."""
        created = {}
        for logical_id, resource in self.template["Resources"].items():
            condition = resource.get("Condition")
            if condition and not self.conditions[condition]:
                continue
            created[logical_id] = {
                "Type": resource["Type"],
                "Properties": self.value(resource.get("Properties", {})),
            }
        return created

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Ref":
                return self._ref(argument)
            if key == "Fn::Sub":
                return re.sub(r"\$\{([\w:]+)\}", lambda m: str(self._ref(m.group(1))), argument)
            if key == "Fn::If":
                name, when_true, when_false = argument
                return self.value(when_true if self.conditions[name] else when_false)
            if key == "Fn::Equals":
                left, right = (self.value(a) for a in argument)
                return left == right
            if key == "Fn::Not":
                return not self.value(argument[0])
            if key == "Condition":
                return self.conditions[argument]
            if key.startswith("Fn::"):
                raise NotImplementedError(f"{key} is not evaluated by this test helper")
        return {k: v for k, v in ((k, self.value(v)) for k, v in node.items()) if v is not NO_VALUE}

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.template["Resources"]:
            return f"<{name}>"
        raise KeyError(f"Ref to unknown {name}")
