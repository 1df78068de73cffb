"""C17: every handler imports and runs with only what Lambda has plus what the deployment ships.

The environment is built from the installed distributions' own file lists (``importlib.metadata``):

* Lambda's Python runtime: the standard library, boto3, botocore and their dependencies;
* AWS's Powertools V3 layer: aws-lambda-powertools with pydantic and its dependencies;
* the deployment package: ``lightsail_guard`` without its ``local/`` subpackage.

A subprocess ``python -I -S`` (no site-packages, no PYTHON* variables, no script directory) gets only
that directory on ``sys.path`` and runs ``clean_lambda_probe.py``: it imports every handler, invokes all
seven as Lambda would (STS and Lightsail answered on 127.0.0.1 by a loopback server backed by the
Lightsail fake, so nothing leaves the machine), feeds each one a bad event, imports every shipped module
and checks every module the package names can be found.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import distribution
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

import lightsail_guard
from lightsail_guard.local.lightsail_fake import LightsailFake
from lightsail_guard.workflow import FUNCTIONS

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

#: What AWS's Lambda Python runtime carries besides the standard library.
LAMBDA_RUNTIME = ("boto3", "botocore", "jmespath", "python-dateutil", "s3transfer", "urllib3", "six")
#: What AWS's public Powertools for AWS Lambda (Python) V3 layer carries.
POWERTOOLS_LAYER = (
    "aws-lambda-powertools",
    "pydantic",
    "pydantic-core",
    "annotated-types",
    "typing-extensions",
    "typing-inspection",
)
#: Local and development tools the deployment must never need.
FORBIDDEN = ("moto", "jsonschema", "requests", "lightsail_guard.local")

PROBE = Path(__file__).with_name("clean_lambda_probe.py")
ACCOUNT = "111111111111"
REGION = "eu-west-1"
HUB_REGION = "us-east-1"
NOW = "2025-01-10T00:00:00Z"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/LightsailGuardMember"
TARGET = {"account": ACCOUNT, "region": REGION, "roleArn": ROLE_ARN}
HANDLER = {f.key: f.handler for f in FUNCTIONS}


# -- the environment ----------------------------------------------------------------------------------


def _place(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)  # same file system: a hard link is a copy that costs nothing
    except OSError:
        shutil.copy2(source, destination)


def _copy_distribution(name: str, root: Path) -> int:
    """Copy one installed distribution's files (as its RECORD lists them) into ``root``."""
    dist = distribution(name)
    site = Path(dist.locate_file("")).resolve()
    copied = 0
    for entry in dist.files or []:
        source = Path(dist.locate_file(entry)).resolve()
        if not source.is_file() or not source.is_relative_to(site):
            continue  # console scripts in bin/ and the like: not importable code
        _place(source, root / source.relative_to(site))
        copied += 1
    assert copied, f"{name}: no files found through importlib.metadata"
    return copied


def _copy_shipped_package(root: Path) -> Path:
    """The package as infra's code archive selects it: package data yes; local/, byte code, dotfiles no."""
    package = Path(lightsail_guard.__file__).resolve().parent
    destination = root / "lightsail_guard"
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", "*.swp", ".*")
    shutil.copytree(package, destination, ignore=ignored)
    shutil.rmtree(destination / "local")
    return destination


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lambda-task-root")
    for name in LAMBDA_RUNTIME + POWERTOOLS_LAYER:
        _copy_distribution(name, root)
    _copy_shipped_package(root)
    return root


def shipped_modules(root: Path) -> list[str]:
    package = root / "lightsail_guard"
    modules = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_top_level_names(package: Path) -> set[str]:
    """Every absolute import in the shipped package, function-level ones too (TYPE_CHECKING aside)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    for path in package.rglob("*.py"):
        visit(ast.parse(path.read_text(), filename=str(path)))
    return names - {"__future__"}


# -- a loopback AWS: STS AssumeRole and the Lightsail fake over HTTP ---------------------------------------


class _Clock:
    def __call__(self) -> datetime:
        return datetime(2025, 1, 10, tzinfo=UTC)


_ASSUME_ROLE_ANSWER = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAPROBEPROBEPROBE01</AccessKeyId>
      <SecretAccessKey>probe-secret</SecretAccessKey>
      <SessionToken>probe-session-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAPROBE:probe</AssumedRoleId>
      <Arn>arn:aws:sts::{account}:assumed-role/LightsailGuardMember/probe</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</AssumeRoleResponse>"""


class LoopbackAws:
    """127.0.0.1 only: STS answers AssumeRole for any role, Lightsail is the fake (one account/region)."""

    def __init__(self, fake: LightsailFake) -> None:
        self.fake = fake
        self.requests: list[str] = []
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = self.headers.get("X-Amz-Target", "")
                if target.startswith("Lightsail_20161128."):
                    operation = target.split(".", 1)[1]
                    loopback.requests.append(f"lightsail:{operation}")
                    status, payload = loopback.fake.handle(
                        operation, json.loads(body or b"{}"), account=ACCOUNT, region=REGION
                    )
                    self._answer(status, json.dumps(payload).encode(), "application/x-amz-json-1.1")
                    return
                action = parse_qs(body.decode()).get("Action", [""])[0]
                loopback.requests.append(f"sts:{action}")
                if action == "AssumeRole":
                    self._answer(200, _ASSUME_ROLE_ANSWER.format(account=ACCOUNT).encode(), "text/xml")
                else:
                    self._answer(
                        400,
                        b"<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>",
                        "text/xml",
                    )

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000002")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> LoopbackAws:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def loopback() -> Iterator[LoopbackAws]:
    fake = LightsailFake(_Clock(), metric_lag=timedelta(seconds=60))
    fake.add_instance(
        account=ACCOUNT,
        region=REGION,
        name="probe-web",
        bundle_id="nano_3_0",
        allowance_gb=1024,
        created_at=datetime(2024, 6, 1, tzinfo=UTC),
    )
    fake.add_traffic(
        account=ACCOUNT,
        region=REGION,
        name="probe-web",
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 1, 8, tzinfo=UTC),
        bytes_in=100e9,
        bytes_out=900e9,
    )
    with LoopbackAws(fake) as server:
        yield server


# -- one probe run for the whole module -------------------------------------------------------------------

#: The workflow's chain, one item per Map, events shaped as the ASL's Parameters/ItemSelector build them
#: (``$Step.path`` is a part of an earlier step's result).
CHAIN = [
    (
        "PlanRun",
        {
            "input": {"now": NOW, "mode": "check"},
            "executionStartTime": "2025-01-10T00:00:00.000Z",
            "executionId": "arn:aws:states:us-east-1:123456789012:execution:lightsail-guard:probe-run",
        },
    ),
    (
        "ListInstances",
        {
            "target": "$PlanRun.targets.0",
            "now": "$PlanRun.now",
            "runId": "$PlanRun.runId",
            "instanceConcurrency": "$PlanRun.limits.instances",
        },
    ),
    (
        "CheckInstance",
        {
            "instance": "$ListInstances.instances.0",
            "target": "$ListInstances.target",
            "now": "$ListInstances.now",
        },
    ),
    (
        "DecideTarget",
        {
            "target": "$ListInstances.target",
            "now": "$ListInstances.now",
            "runId": "$ListInstances.runId",
            "measurements": ["$CheckInstance"],
            "instanceConcurrency": "$ListInstances.instanceConcurrency",
        },
    ),
    ("StopInstance", "$DecideTarget.actions.0"),
    ("Notify", "$StopInstance"),
    (
        "SummarizeRun",
        {
            "runId": "$PlanRun.runId",
            "now": "$PlanRun.now",
            "mode": "check",
            "planErrors": "$PlanRun.errors",
            "targetResults": [
                {"target": "$DecideTarget.target", "counts": "$DecideTarget.counts", "outcomes": ["$Notify"]}
            ],
        },
    ),
]

#: Per handler: an event lacking one required field (or with a wrong type), and that field's name.
BAD_EVENTS = {
    "PlanRun": ({"input": "not-an-object"}, "input"),
    "ListInstances": ({"now": NOW, "runId": "r-1"}, "target"),
    "CheckInstance": ({"target": TARGET, "now": NOW}, "instance"),
    "DecideTarget": ({"target": TARGET, "now": NOW, "runId": "r-1"}, "measurements"),
    "StopInstance": ({"account": ACCOUNT, "region": REGION, "name": "probe-web", "reason": "x"}, "verdict"),
    "Notify": ({"account": ACCOUNT, "region": REGION, "name": "probe-web", "verdict": "warn"}, "reason"),
    "SummarizeRun": ({"runId": "r-1", "now": NOW}, "targetResults"),
}


@pytest.fixture(scope="module")
def probe(
    environment: Path, loopback: LoopbackAws, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("probe")
    steps = [{"name": key, "handler": HANDLER[key], "event": event} for key, event in CHAIN]
    steps += [
        {"name": f"bad-{key}", "handler": HANDLER[key], "event": e} for key, (e, _) in BAD_EVENTS.items()
    ]
    request = {
        "handlers": [f.handler for f in FUNCTIONS],
        "forbidden": list(FORBIDDEN),
        "invoke": steps,
        "walk": shipped_modules(environment),
        "findable": sorted(imported_top_level_names(environment / "lightsail_guard")),
    }
    (work / "request.json").write_text(json.dumps(request))
    env = {
        "LIGHTSAIL_GUARD_CONFIG": json.dumps({"targets": [{"accounts": [ACCOUNT], "regions": [REGION]}]}),
        "AWS_REGION": HUB_REGION,
        "AWS_DEFAULT_REGION": HUB_REGION,
        "AWS_ACCESS_KEY_ID": "AKIAPROBEPROBEPROBE0",
        "AWS_SECRET_ACCESS_KEY": "probe-secret",
        "AWS_ENDPOINT_URL_STS": loopback.url,
        "AWS_ENDPOINT_URL_LIGHTSAIL": loopback.url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(work / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials"),
        "AWS_LAMBDA_FUNCTION_NAME": "lightsail-guard-probe",
        "POWERTOOLS_SERVICE_NAME": "lightsail-guard",
        "HOME": str(work),
        "TZ": ":UTC",
        "LANG": "C.UTF-8",
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            str(PROBE),
            str(environment),
            str(work / "request.json"),
            str(work / "answer.json"),
        ],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads((work / "answer.json").read_text())


def result_of(probe: dict[str, Any], step: str) -> dict[str, Any]:
    answer = probe["invocations"][step]
    assert "result" in answer, (
        f"{step} failed: {answer.get('errorType')}: {answer.get('errorMessage')}\n{answer.get('trace', '')}"
    )
    return answer["result"]


# -- the environment really is clean ----------------------------------------------------------------------


def test_c17_the_probe_runs_without_site_packages(probe: dict[str, Any], environment: Path) -> None:
    """C17: the premise. Given ``python -I -S``, When the probe starts, Then no site-packages directory
    and no ``site`` module are in play: only the standard library and the environment directory."""
    foreign = [p for p in probe["sysPath"] if "site-packages" in p or "dist-packages" in p]

    assert (foreign, probe["siteLoaded"], probe["sysPath"][-1]) == ([], False, str(environment))


def test_c17_local_only_packages_cannot_be_imported_there(probe: dict[str, Any]) -> None:
    """C17: moto, jsonschema, requests and lightsail_guard.local are not in the environment at all."""
    assert probe["forbiddenImportable"] == []


# -- every handler imports and runs -----------------------------------------------------------------------


@pytest.mark.parametrize("key", [f.key for f in FUNCTIONS])
def test_c17_every_handler_module_imports(probe: dict[str, Any], key: str) -> None:
    """C17 (the original script imported ``requests``): each handler module imports in the clean env."""
    module = HANDLER[key].rpartition(".")[0]

    assert probe["imports"][module] is None


def test_c17_importing_the_handlers_loads_nothing_local(probe: dict[str, Any]) -> None:
    """C17: importing every handler pulls in none of moto, jsonschema, requests, lightsail_guard.local."""
    assert probe["forbiddenLoaded"] == []


def test_c17_running_the_handlers_loads_nothing_from_outside(probe: dict[str, Any]) -> None:
    """C17: after every handler ran, every loaded module came from the stdlib or the environment."""
    assert (probe["outsiders"], probe["forbiddenLoadedAtEnd"]) == ([], [])


def test_c17_plan_run_answers_with_the_targets_and_the_input_now(probe: dict[str, Any]) -> None:
    """C17: PlanRun runs with LIGHTSAIL_GUARD_CONFIG and a Lambda context.

    Given one account and one region configured and an input ``now``
    When PlanRun is invoked
    Then it plans that one target with the member role ARN, at that instant
    """
    plan = result_of(probe, "PlanRun")

    assert (
        plan["now"],
        plan["runId"],
        [(t["account"], t["region"], t["roleArn"]) for t in plan["targets"]],
    ) == (NOW, "probe-run", [(ACCOUNT, REGION, ROLE_ARN)])


def test_c17_list_instances_runs_against_lightsail(probe: dict[str, Any]) -> None:
    """C17: ListInstances assumes the member role and lists the target (boto3 only, no local code)."""
    listed = result_of(probe, "ListInstances")

    assert [i["name"] for i in listed["instances"]] == ["probe-web"]


def test_c17_check_instance_reads_the_metrics_and_decides(probe: dict[str, Any]) -> None:
    """C17: CheckInstance reads both metrics over the wire and computes the month-to-date usage.

    Given 100e9 B in and 900e9 B out this month
    When CheckInstance runs in the clean env
    Then it reports 1000e9 B used
    """
    assert result_of(probe, "CheckInstance")["usedBytes"] == pytest.approx(1000e9)


def test_c17_decide_target_chooses_stop(probe: dict[str, Any]) -> None:
    """C17: DecideTarget runs (pools, ledger in memory without LEDGER_TABLE): 97.66 % → stop."""
    assert [a["action"] for a in result_of(probe, "DecideTarget")["actions"]] == ["stop"]


def test_c17_stop_instance_stops_it(probe: dict[str, Any], loopback: LoopbackAws) -> None:
    """C17: StopInstance calls Lightsail and reports the new state."""
    assert (result_of(probe, "StopInstance")["stopResult"], loopback.fake.count("StopInstance")) == (
        "stopping",
        1,
    )


def test_c17_notify_runs_without_any_channel(probe: dict[str, Any]) -> None:
    """C17: Notify renders the alert; with no channel configured nothing is delivered."""
    assert result_of(probe, "Notify")["notified"] is False


def test_c17_summarize_run_counts_the_stop(probe: dict[str, Any]) -> None:
    """C17: SummarizeRun aggregates the outcome (the target result shaped as the ASL's TargetDone)."""
    assert result_of(probe, "SummarizeRun")["summary"]["stops"] == 1


def test_c17_nothing_left_the_machine(probe: dict[str, Any], loopback: LoopbackAws) -> None:
    """C17: the handlers really used the loopback endpoints (the premise of the tests above)."""
    assert {"sts:AssumeRole", "lightsail:GetInstances", "lightsail:GetInstanceMetricData"} <= set(
        loopback.requests
    )


@pytest.mark.parametrize("key", list(BAD_EVENTS))
def test_c17_a_bad_event_fails_with_a_validation_error_naming_the_field(
    probe: dict[str, Any], key: str
) -> None:
    """C17 (STYLE.md lesson 7): parsing runs inside the clean env and names what is wrong.

    Given an event lacking one required field (PlanRun: ``input`` of the wrong type)
    When the handler is invoked
    Then it fails with pydantic's ValidationError naming that field
    """
    answer = probe["invocations"][f"bad-{key}"]
    field = BAD_EVENTS[key][1]

    assert (answer.get("errorType"), field in (answer.get("fields") or [])) == ("ValidationError", True), (
        answer
    )


# -- the whole shipped package ----------------------------------------------------------------------------


def test_c17_every_shipped_module_imports(probe: dict[str, Any]) -> None:
    """C17: not only the handlers: every module the deployment ships imports in the clean env."""
    assert {m: e for m, e in probe["walk"].items() if e is not None} == {}


def test_c17_every_module_the_package_names_exists_there(probe: dict[str, Any]) -> None:
    """C17: every absolute import in the shipped code, function-level ones included, can be found."""
    assert probe["missingImports"] == []


def test_c17_the_scan_sees_function_level_imports(tmp_path: Path) -> None:
    """C17: the premise of the scan above: it reads imports inside functions (the original script's
    handler imported ``requests``), and skips imports only made for type checkers."""
    (tmp_path / "handler.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import mypy_boto3_lightsail\n"
        "def handler(event, context):\n    import requests\n    from jsonschema import validate\n"
    )

    assert imported_top_level_names(tmp_path) == {"typing", "requests", "jsonschema"}


def test_c17_the_copied_package_has_no_local_subpackage(environment: Path) -> None:
    """C17: the deployment package is ``lightsail_guard`` minus ``local/`` (the premise of the env)."""
    assert not (environment / "lightsail_guard" / "local").exists()


def test_c17_the_environment_holds_only_the_allowed_top_level_packages(environment: Path) -> None:
    """C17: the premise: the directory holds the runtime, the layer and the package, nothing else."""
    allowed = re.compile(
        r"^(boto3|botocore|jmespath|dateutil|s3transfer|urllib3|six|aws_lambda_powertools|pydantic|"
        r"pydantic_core|annotated_types|typing_extensions|typing_inspection|lightsail_guard)(\.py)?$"
        r"|\.dist-info$"
    )
    strays = sorted(
        p.name for p in environment.iterdir() if not allowed.search(p.name) and p.name != "__pycache__"
    )

    assert strays == []
