"""Readable text for a simulation: per run, the path taken, the counts, a table and the messages."""

from __future__ import annotations

from typing import Any

GB = 1e9


def _gb(value: float | None) -> str:
    return "-" if value is None else f"{value / GB:,.1f}"


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()  # noqa: E731
    return [line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def render_text(result: dict[str, Any]) -> str:
    out = [f"Scenario: {result['scenario']}"]
    if result.get("description"):
        out.append(result["description"])
    for run in result["runs"]:
        counts = run["counts"]
        out += [
            "",
            f"=== {run['mode']} run at {run['at']}: {run['status']}"
            f" ({counts['stateTransitions']} state transitions, {counts['lambdaInvocations']} Lambda invocations,"
            f" {counts['lightsailCalls']} Lightsail API calls)",
            "path: "
            + " -> ".join(
                f"{p['state']}" + (f" x{p['entered']}" if p["entered"] > 1 else "") for p in run["path"]
            ),
            "",
        ]
        rows = [
            [
                f"{r['account']}/{r['region']}",
                r["name"],
                r["state"] or "?",
                _gb(r["usedBytes"]),
                _gb(r["allowanceBytes"]),
                "-" if r["percent"] is None else f"{r['percent']:.1f}",
                r["verdict"],
                r["action"] + (f" ({r['stopResult']})" if r.get("stopResult") else ""),
            ]
            for r in run["instances"]
        ]
        out += _table(rows, ["target", "instance", "state", "used GB", "allow GB", "%", "verdict", "action"])
        for r in run["instances"]:
            if r["verdict"] != "ok":
                out.append(f"  {r['name']}: {r['reason']}")
        for error in run["targetErrors"]:
            out.append(f"  ! {error['account']}/{error['region']}: {error['error']}: {error['cause']}")
        if run["notifications"]:
            out += ["", f"notifications ({len(run['notifications'])}):"]
            for message in run["notifications"]:
                out.append(f"  --- {message['subject']}")
                out += [f"      {line}" for line in message["body"].splitlines()]
        if run.get("telegram"):
            out += ["", f"telegram ({len(run['telegram'])} messages, as readers see them):"]
            for message in run["telegram"]:
                out.append(f"  --- chat {message['chat']}")
                out += [f"      {line}" for line in message["text"].splitlines()]
        if run.get("events"):
            out += ["", f"events ({len(run['events'])}):"]
            out += [
                f"  {e['detailType']}: {e['account']}/{e['region']}/{e['instance']} ({e['outcome']})"
                for e in run["events"]
            ]
    totals = result["totals"]
    out += [
        "",
        f"Totals: {totals['runs']} runs, {totals['stateTransitions']} state transitions, "
        f"Lambda invocations {totals['lambdaInvocations']}, Lightsail calls {totals['lightsailCalls']}",
    ]
    return "\n".join(out)
