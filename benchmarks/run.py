"""Benchmarks: what one check costs, measured on the local AWS. Prints figures; asserts nothing.

For fleets of several sizes it runs the real workflow and reports, per instance: state transitions,
Lambda invocations, Lightsail API calls, and the largest state input (the 256 KiB limit); then the
monthly cost at a 10-minute schedule (4,320 runs) at us-east-1 list prices, and the local wall time
(median of repeats; the machines are shared, so read ratios, not absolutes).

    .venv/bin/python benchmarks/run.py [--sizes 10 50 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from lightsail_guard.local.environment import LocalAws
from lightsail_guard.local.runner import VirtualClock, handler_output
from lightsail_guard.local.scenario import parse_scenario

RUNS_PER_MONTH = 30 * 24 * 6
STANDARD_PER_TRANSITION = 0.025 / 1000
EXPRESS_PER_EXECUTION = 1.0 / 1_000_000
EXPRESS_PER_GB_SECOND = 0.00001667
LAMBDA_PER_REQUEST = 0.20 / 1_000_000
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)


def fleet(size: int) -> dict:
    accounts = []
    per_account = max(1, size // 4)
    made = 0
    for a in range(4):
        instances = []
        while len(instances) < per_account and made < size:
            instances.append({
                "name": f"node-{made:04d}", "bundleId": "nano_3_0", "allowanceGb": 1024,
                "createdAt": "2024-06-01T00:00:00Z",
                "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z",
                             "rateOut": 100_000 + 5_000 * (made % 100)}],
            })
            made += 1
        accounts.append({"id": f"{a + 1}" * 12, "regions": [{"name": "eu-central-1", "instances": instances}]})
    return {"name": f"fleet-{size}", "accounts": accounts, "checks": {"at": [NOW.isoformat()]},
            "config": {"instanceConcurrency": 40, "targetConcurrency": 10}, "fake": {"pageSize": 50}}


def measure(size: int) -> dict:
    scenario = parse_scenario(fleet(size))
    local = LocalAws(config=scenario.guard_config(), clock=VirtualClock(NOW),
                     member_accounts={a.id: True for a in scenario.accounts})
    with handler_output(None), local.started(page_size=50):
        for account in scenario.accounts:
            for region in account.regions:
                for spec in region.instances:
                    local.fake.add_instance(account=account.id, region=region.name, name=spec.name,
                                            bundle_id=spec.bundle_id, allowance_gb=spec.allowance_gb,
                                            created_at=spec.created_at)
                    local.fake.set_rate(account=account.id, region=region.name, name=spec.name,
                                        start=datetime(2025, 1, 1, tzinfo=UTC), end=datetime(2025, 2, 1, tzinfo=UTC),
                                        in_bytes_per_second=0, out_bytes_per_second=spec.traffic[0].rate_out)
        started = time.perf_counter()
        execution = local.run(now=NOW)
        wall = time.perf_counter() - started
        inputs = [len(e["stateEnteredEventDetails"].get("input", "")) for e in execution.events
                  if "stateEnteredEventDetails" in e]
        biggest_item = max((len(e["stateEnteredEventDetails"].get("input", "")) for e in execution.events
                            if e.get("stateEnteredEventDetails", {}).get("name") in ("CheckInstance", "ChooseAction")),
                           default=0)
        return {
            "status": execution.status,
            "wall": wall,
            "transitions": execution.state_transitions,
            "invocations": sum(local.bridge.invocations.values()),
            "lightsail_calls": sum(local.fake.calls.values()),
            "largest_input": max(inputs),
            "largest_item": biggest_item,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 40, 160])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'instances':>9} {'wall s (median)':>15} {'transitions':>11} {'/inst':>6} {'invocations':>11} "
          f"{'/inst':>6} {'API calls':>9} {'/inst':>6} {'largest input B':>15} {'item B':>7}"
          f" {'Standard $/mo':>13} {'Express $/mo':>12}")
    for size in args.sizes:
        samples = [measure(size) for _ in range(args.repeats)]
        m = samples[0]
        wall = statistics.median(s["wall"] for s in samples)
        standard = max(0, m["transitions"] * RUNS_PER_MONTH - 4000) * STANDARD_PER_TRANSITION
        # Express: per execution, plus duration at 64 MB (the minimum billed memory) for the wall time
        # of a deployed run, estimated at 2 s per 40 instances in parallel plus 3 s fixed.
        express_seconds = 3 + 2 * (size / 40)
        express = RUNS_PER_MONTH * (EXPRESS_PER_EXECUTION + express_seconds * 0.0625 * EXPRESS_PER_GB_SECOND)
        lambda_cost = m["invocations"] * RUNS_PER_MONTH * LAMBDA_PER_REQUEST
        print(f"{size:>9} {wall:>15.2f} {m['transitions']:>11} {m['transitions'] / size:>6.1f} "
              f"{m['invocations']:>11} {m['invocations'] / size:>6.2f} {m['lightsail_calls']:>9} "
              f"{m['lightsail_calls'] / size:>6.2f} {m['largest_input']:>15} {m['largest_item']:>7}"
              f" {standard:>13.2f} {express:>12.2f}   (+ Lambda requests ${lambda_cost:.2f}/mo)")


if __name__ == "__main__":
    main()
