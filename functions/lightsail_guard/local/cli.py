"""``lightsail-guard``: run the guard on the local AWS (no account needed).

lightsail-guard demo [--json]            the bundled demo organization
lightsail-guard simulate FILE [--json]   a scenario file (format: schema/scenario.schema.json)
lightsail-guard schema                   print the scenario JSON Schema
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..config.model import ConfigError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lightsail-guard",
        description="Run Lightsail Guard's real workflow on a local AWS (moto + a Lightsail fake).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the bundled demo organization")
    simulate = commands.add_parser("simulate", help="run a scenario file")
    simulate.add_argument("file", type=Path, help="scenario JSON file")
    for sub in (demo, simulate):
        sub.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
        sub.add_argument("--log", type=Path, help="write the handlers' JSON logs to this file")
    commands.add_parser("schema", help="print the scenario file's JSON Schema")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .scenario import load_scenario, scenario_json_schema

    if args.command == "schema":
        print(json.dumps(scenario_json_schema(), indent=2))
        return 0
    from .render import render_text
    from .runner import bundled_scenario, simulate

    path = bundled_scenario("demo") if args.command == "demo" else args.file
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        print(f"lightsail-guard: {exc}", file=sys.stderr)
        return 2
    try:
        log = open(args.log, "w") if args.log else None  # noqa: SIM115
    except OSError as exc:
        print(f"lightsail-guard: --log: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()

    def progress(index: int, total: int, run: dict) -> None:
        # Long scenarios take minutes: say where we are (on stderr: stdout stays the result).
        if total > 3:
            print(
                f"[{index}/{total}] {run['mode']} at {run['at']}: {run['status']} "
                f"({time.monotonic() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )

    try:
        result = simulate(scenario, log=log, progress=progress)
    finally:
        if log:
            log.close()
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=False))
    else:
        print(render_text(result))
    failed = [r for r in result["runs"] if r["status"] != "SUCCEEDED"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
