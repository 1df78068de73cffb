"""The Lambda code archive: the ``lightsail_guard`` package as shipped, nothing else.

Built from the files themselves (``FileAsset`` per file, sorted), so the same checkout always yields the
same archive and Pulumi only updates the functions when the code changed. Package data (such as
``notifications/report.schema.json``) ships with the code; the local simulator (``lightsail_guard/local``)
and byte code never do.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

PACKAGE = "lightsail_guard"
#: The local simulator and runner: a development tool, never Lambda code.
LOCAL_SUBPACKAGE = "local"
#: Left behind by Python and editors, never read by the code.
IGNORED_SUFFIXES = frozenset({".pyc", ".pyo", ".swp"})


def functions_root() -> Path:
    """``functions/`` of this checkout (the folder holding the ``lightsail_guard`` package)."""
    return Path(__file__).resolve().parents[2] / "functions"


def shipped_files(root: Path | None = None) -> dict[str, Path]:
    """Archive path (``lightsail_guard/...``) → source file, sorted by archive path."""
    root = functions_root() if root is None else root
    package = root / PACKAGE
    if not (package / "__init__.py").is_file():
        raise FileNotFoundError(f"the {PACKAGE} package was not found in {root}")
    files = {}
    for path in package.rglob("*"):
        relative = path.relative_to(package)
        if not path.is_file() or path.suffix in IGNORED_SUFFIXES or path.name.startswith("."):
            continue
        if relative.parts[0] == LOCAL_SUBPACKAGE or "__pycache__" in relative.parts:
            continue
        files[path.relative_to(root).as_posix()] = path
    return dict(sorted(files.items()))


def code_archive(root: Path | None = None) -> pulumi.AssetArchive:
    return pulumi.AssetArchive(
        {name: pulumi.FileAsset(str(path)) for name, path in shipped_files(root).items()}
    )
