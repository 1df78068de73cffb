"""LightsailFake: the simulated Lightsail service a scenario is written against.

moto has no Lightsail, so the local runner and the tests use this fake behind real boto3 clients (see
:mod:`.wire`). The scenario side (``add_instance``, ``add_traffic``, ``fail``...) builds a world on a
virtual clock; the API side (:mod:`.operations`) answers the guard exactly as AWS would, quirks included.

Identity follows AWS: every account sees only its own instances and every region only its own.
Instance names are unique per (account, region) among live instances only, so a deleted name can come
back as a new instance with a new ARN (DOMAIN.md, "delete + recreate").

States set by the scenario (``add_instance(state=...)``, ``set_state``) never change on their own: an
instance created ``pending`` or ``stopping`` stays so (that is how "stuck" cases are written). Only the
API's StopInstance/StartInstance schedule follow-up transitions, after ``stop_duration`` /
``start_duration`` on the fake's clock. Unknown state names (``rebooting``) are reported as they are,
without a state code.

All public methods and API calls take one lock: Step Functions Map iterations call from several threads.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from . import wire
from .errors import LightsailError
from .instances import Instance
from .model import enum_values
from .operations import OPERATIONS, Context, Operations
from .traffic import Segment

_NAME = re.compile(r"\w[\w\-]*\w")
IP_ADDRESS_TYPES = frozenset({"dualstack", "ipv4", "ipv6"})


@dataclass
class CallRecord:
    """One HTTP attempt the fake answered (retries are separate records)."""

    operation: str
    account: str
    region: str
    instance: str | None
    at: datetime
    error: str | None = None


@dataclass
class _FailureRule:
    operation: str
    account: str | None
    region: str | None
    instance: str | None
    code: str
    remaining: int | None
    message: str | None
    status: int | None

    def matches(self, operation: str, account: str, region: str, instance: str | None) -> bool:
        return (
            self.operation in ("*", operation)
            and self.account in (None, account)
            and self.region in (None, region)
            and self.instance in (None, instance)
        )


def _epoch(moment: datetime, what: str) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (UTC), got naive {moment!r}")
    return moment.timestamp()


class LightsailFake(Operations):
    """A deterministic, thread-safe Lightsail for local runs and tests."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        page_size: int = 2,
        metric_lag: timedelta = timedelta(seconds=60),
        stop_duration: timedelta = timedelta(seconds=60),
        start_duration: timedelta = timedelta(seconds=60),
        seed: int = 0,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.clock = clock
        self.page_size = page_size
        self.metric_lag = metric_lag
        self.stop_duration = stop_duration
        self.start_duration = start_duration
        self.seed = seed
        self.calls: Counter[str] = Counter()
        self.records: list[CallRecord] = []
        self._instances: dict[tuple[str, str], list[Instance]] = {}
        self._failures: list[_FailureRule] = []
        self._operation_counter = 0
        self._lock = threading.RLock()

    # -- scenario side --------------------------------------------------------------------------------

    def add_instance(
        self,
        *,
        account: str,
        region: str,
        name: str,
        bundle_id: str,
        allowance_gb: float | None,
        created_at: datetime,
        state: str = "running",
        is_static_ip: bool = False,
        ip_address_type: str = "dualstack",
        tags: dict[str, str] | None = None,
    ) -> str:
        """Create an instance (visible from ``created_at`` on); returns its ARN.

        ``allowance_gb=None`` leaves ``gbPerMonthAllocated`` out, to simulate missing data; the model
        declares it an integer, so a fractional allowance is refused.
        """
        if region not in enum_values("RegionName"):
            raise ValueError(f"Lightsail does not exist in region {region!r}")
        if not _NAME.fullmatch(name):
            raise ValueError(f"invalid Lightsail instance name {name!r}")
        if ip_address_type not in IP_ADDRESS_TYPES:
            raise ValueError(f"ip_address_type must be one of {sorted(IP_ADDRESS_TYPES)}")
        if allowance_gb is not None and allowance_gb != int(allowance_gb):
            raise ValueError(f"gbPerMonthAllocated is an integer in the API, got {allowance_gb}")
        created = _epoch(created_at, "created_at")
        with self._lock:
            same_place = self._instances.setdefault((account, region), [])
            for other in same_place:
                if other.name == name and (other.deleted_at is None or other.deleted_at > created):
                    raise ValueError(f"instance {name!r} already exists in {account}/{region}")
            instance = Instance(
                account=account,
                region=region,
                name=name,
                bundle_id=bundle_id,
                allowance_gb=None if allowance_gb is None else int(allowance_gb),
                created_at=created,
                history=[(created, state)],
                is_static_ip=is_static_ip,
                ip_address_type=ip_address_type,
                tags=dict(tags or {}),
            )
            same_place.append(instance)
            return instance.arn

    def delete_instance(self, *, account: str, region: str, name: str, at: datetime) -> None:
        """The instance is gone from every API answer from ``at`` on, its metrics included."""
        moment = _epoch(at, "at")
        with self._lock:
            self._scenario_instance(account, region, name, moment).deleted_at = moment

    def add_traffic(
        self,
        *,
        account: str,
        region: str,
        name: str,
        start: datetime,
        end: datetime,
        bytes_in: float | None,
        bytes_out: float | None,
    ) -> None:
        """Spread bytes uniformly over ``[start, end)``; only the part while running/stopping counts.

        ``None`` for a direction means the metric has no data there at all (not zero: case C5).
        """
        begin, finish = _epoch(start, "start"), _epoch(end, "end")
        if finish <= begin:
            raise ValueError("traffic end must be after its start")
        if any(b is not None and b < 0 for b in (bytes_in, bytes_out)):
            raise ValueError("bytes must not be negative")
        with self._lock:
            instance = self._scenario_instance(account, region, name, begin)
            instance.segments.append(Segment(begin, finish, bytes_in, bytes_out))

    def set_rate(
        self,
        *,
        account: str,
        region: str,
        name: str,
        start: datetime,
        end: datetime,
        in_bytes_per_second: float,
        out_bytes_per_second: float,
    ) -> None:
        """Steady traffic from ``start`` to ``end`` (a burst at 1 Gbit/s is 125e6 bytes/s: case C15)."""
        seconds = (end - start).total_seconds()
        self.add_traffic(
            account=account,
            region=region,
            name=name,
            start=start,
            end=end,
            bytes_in=in_bytes_per_second * seconds,
            bytes_out=out_bytes_per_second * seconds,
        )

    def set_state(self, *, account: str, region: str, name: str, state: str, at: datetime) -> None:
        """Force a state from ``at`` on (drops transitions scheduled later); it never changes by itself."""
        moment = _epoch(at, "at")
        with self._lock:
            self._scenario_instance(account, region, name, moment).set_state(moment, state)

    def fail(
        self,
        *,
        operation: str,
        account: str | None = None,
        region: str | None = None,
        instance: str | None = None,
        code: str = "ThrottlingException",
        times: int | None = None,
        message: str | None = None,
        status: int | None = None,
    ) -> None:
        """The next ``times`` matching calls (``None``: all of them) answer error ``code``.

        ``operation="*"`` matches every operation; ``instance`` matches the request's ``instanceName``.
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        with self._lock:
            self._failures.append(
                _FailureRule(operation, account, region, instance, code, times, message, status)
            )

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def instance_state(self, account: str, region: str, name: str) -> str:
        """The state name GetInstances would report now (KeyError if no such live instance)."""
        with self._lock:
            now = self._now()
            for instance in self._instances.get((account, region), []):
                if instance.name == name and instance.exists_at(now):
                    return instance.state_at(now)
        raise KeyError(f"no live instance {name!r} in {account}/{region}")

    def count(
        self,
        operation: str,
        *,
        account: str | None = None,
        region: str | None = None,
        instance: str | None = None,
    ) -> int:
        """How many HTTP attempts matched (each retry counts): "exactly one StopInstance" (case C7)."""
        with self._lock:
            return sum(
                1
                for r in self.records
                if r.operation == operation
                and account in (None, r.account)
                and region in (None, r.region)
                and instance in (None, r.instance)
            )

    @property
    def calls_by_instance(self) -> Counter[tuple[str, str, str, str | None]]:
        """Attempts per (operation, account, region, instance name)."""
        with self._lock:
            return Counter((r.operation, r.account, r.region, r.instance) for r in self.records)

    def clear_calls(self) -> None:
        with self._lock:
            self.calls.clear()
            self.records.clear()

    # -- API side -------------------------------------------------------------------------------------

    def handle(
        self, operation: str, params: dict[str, Any], *, account: str, region: str
    ) -> tuple[int, dict]:
        """Answer one decoded request: (HTTP status, JSON body). Called by :mod:`.wire`."""
        with self._lock:
            now = self._now()
            name = params.get("instanceName")
            record = CallRecord(
                operation,
                account,
                region,
                name if isinstance(name, str) else None,
                datetime.fromtimestamp(now, tz=UTC),
            )
            self.calls[operation] += 1
            self.records.append(record)
            try:
                self._injected_failure(record)
                method = OPERATIONS.get(operation)
                if method is None:
                    raise LightsailError(
                        "UnknownOperationException",
                        f"The Lightsail fake does not implement {operation}; add it to the fake first.",
                    )
                return 200, method(self, Context(account, region, now), params)
            except LightsailError as error:
                record.error = error.code
                return error.status, error.body()

    def _injected_failure(self, record: CallRecord) -> None:
        for rule in self._failures:
            if rule.matches(record.operation, record.account, record.region, record.instance):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._failures.remove(rule)
                message = rule.message or f"Injected {rule.code} for {record.operation} (LightsailFake.fail)"
                raise LightsailError(rule.code, message, rule.status)

    def _now(self) -> float:
        return _epoch(self.clock(), "clock()")

    def _live(self, ctx: Context) -> list[Instance]:
        live = [i for i in self._instances.get((ctx.account, ctx.region), []) if i.exists_at(ctx.now)]
        return sorted(live, key=lambda i: (i.created_at, i.name, i.arn))

    def _scenario_instance(self, account: str, region: str, name: str, moment: float) -> Instance:
        """The instance of that name alive at ``moment``, else the latest one created with that name."""
        named = [i for i in self._instances.get((account, region), []) if i.name == name]
        if not named:
            raise KeyError(f"no instance {name!r} in {account}/{region}")
        alive = [i for i in named if i.exists_at(moment)]
        return (alive or sorted(named, key=lambda i: i.created_at))[-1]

    # -- hooking into botocore ------------------------------------------------------------------------

    def install(self) -> LightsailFake:
        """Answer every ``lightsail`` request of botocore sessions created from now on."""
        wire.install(self)
        return self

    def uninstall(self) -> None:
        wire.uninstall(self)

    def __enter__(self) -> LightsailFake:
        return self.install()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.uninstall()
