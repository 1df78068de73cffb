"""The ledger this container uses: DynamoDB when ``LEDGER_TABLE`` is set, else memory (with a warning)."""

from __future__ import annotations

from ..adapters.ledger import DynamoLedger, Ledger, MemoryLedger
from ..runtime import RuntimeSettings
from .observability import logger

_memory = MemoryLedger()


def ledger_for(env: RuntimeSettings) -> Ledger:
    if env.ledger_table:
        return DynamoLedger(env.ledger_table, region=env.hub_region)
    logger.warning(
        "LEDGER_TABLE is not set: no memory between runs (pools forget deleted instances, alerts repeat)"
    )
    return _memory
