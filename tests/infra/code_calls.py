"""Which AWS operations the Lambda code calls, read from its adapters' source (``self._client.<op>(``
and ``get_paginator("<op>")``), as IAM action names. Keeps the granted actions in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

ADAPTERS = Path(__file__).resolve().parents[2] / "functions" / "lightsail_guard" / "adapters"
_CALL = re.compile(r"_client\.(?!get_paginator\b)(\w+)\(")
_PAGINATOR = re.compile(r"get_paginator\(\s*[\"'](\w+)[\"']\s*\)")


def iam_actions_called(adapter: str, service: str) -> set[str]:
    """``adapters/<adapter>.py`` → ``{"<service>:<Operation>", ...}`` (snake_case → CamelCase)."""
    source = (ADAPTERS / f"{adapter}.py").read_text()
    operations = set(_CALL.findall(source)) | set(_PAGINATOR.findall(source))
    assert operations, f"no client calls found in adapters/{adapter}.py: has the adapter moved?"
    return {f"{service}:" + "".join(part.title() for part in op.split("_")) for op in operations}
