"""The Lambda code archive: the lightsail_guard runtime package only, the same for the same checkout."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pulumi

from lightsail_guard.workflow import FUNCTIONS
from lightsail_guard_infra.archive import code_archive, functions_root, shipped_files


def test_the_local_simulator_is_never_shipped():
    names = list(shipped_files())
    assert names, "the archive is empty"
    assert [n for n in names if n.startswith("lightsail_guard/local/")] == []


def test_the_local_simulator_exists_so_the_exclusion_is_real():
    assert (functions_root() / "lightsail_guard" / "local" / "__init__.py").is_file()


def test_no_byte_code_and_nothing_outside_the_package():
    for name in shipped_files():
        assert name.startswith("lightsail_guard/")
        assert "__pycache__" not in name and not name.endswith(".pyc")


def test_every_handler_module_is_in_the_archive():
    names = set(shipped_files())
    for spec in FUNCTIONS:
        module = spec.handler.rsplit(".", 1)[0]
        assert module.replace(".", "/") + ".py" in names, spec.handler


def test_every_runtime_file_is_in_the_archive():
    # Everything under lightsail_guard/ except local/ ships, package data included (nothing left out)
    package = functions_root() / "lightsail_guard"
    expected = {
        p.relative_to(functions_root()).as_posix()
        for p in package.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix != ".pyc"
        and p.relative_to(package).parts[0] != "local"
    }
    assert set(shipped_files()) == expected


def test_package_data_ships_and_development_leftovers_do_not(tmp_path):
    # Given a package with code, data, the local simulator and byte code
    for name in [
        "__init__.py",
        "notifications/report.schema.json",
        "local/runner.py",
        "local/data.json",
        "core/__pycache__/usage.cpython-312.pyc",
        "core/usage.py",
        "core/.usage.py.swp",
    ]:
        (tmp_path / "lightsail_guard" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "lightsail_guard" / name).write_text("x")
    # When the archive's files are chosen, then code and data ship, the rest does not
    assert list(shipped_files(tmp_path)) == [
        "lightsail_guard/__init__.py",
        "lightsail_guard/core/usage.py",
        "lightsail_guard/notifications/report.schema.json",
    ]


def test_shipped_code_never_imports_the_local_simulator():
    # Lambda would fail at import time: local/ is not in the archive
    offenders = [
        name
        for name, path in shipped_files().items()
        if re.search(
            r"^\s*(from|import)\s+(lightsail_guard\.local|\.+local)\b", path.read_text(), re.MULTILINE
        )
    ]
    assert offenders == []


def test_the_archive_is_the_same_for_the_same_files():
    first, second = code_archive(), code_archive()
    assert list(first.assets) == sorted(first.assets)
    assert {k: v.path for k, v in first.assets.items()} == {k: v.path for k, v in second.assets.items()}
    assert all(isinstance(v, pulumi.FileAsset) for v in first.assets.values())


def test_every_handler_imports_from_the_archive_alone(tmp_path):
    # Given only the archived files on disk (as Lambda unpacks them), plus the libraries of the
    # runtime and the Powertools layer (boto3, aws_lambda_powertools, pydantic)
    for name, source in shipped_files().items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(source).read_bytes())
    modules = [spec.handler.rsplit(".", 1)[0] for spec in FUNCTIONS]
    # When each handler module is imported in a fresh interpreter that cannot see functions/
    script = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    script += "assert all(m.__file__.startswith(sys.argv[1]) for n, m in sys.modules.items() if n.startswith('lightsail_guard'))\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Then every import succeeds, from the archive's files only
    assert result.returncode == 0, result.stderr[-2000:]
