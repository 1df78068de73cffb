"""Physical names: ``lightsail-guard-<stack>-<what>``, so two stacks can share an account and a
person reading the console sees what each resource belongs to."""

from __future__ import annotations

import pulumi

PRODUCT = "lightsail-guard"


def physical_name(what: str = "") -> str:
    base = f"{PRODUCT}-{pulumi.get_stack()}"
    return f"{base}-{what}" if what else base
