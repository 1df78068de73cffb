"""What a GB of data transfer OUT past the allowance costs, per region (DOMAIN.md, "overage price").

Only OUT bytes past the allowance are billed. The table is AWS's list price in USD per GB; a region
not in it has no price here (the report says so instead of guessing).
"""

from __future__ import annotations

#: USD per GB OUT past the allowance, for the regions DOMAIN.md lists by name.
_LISTED = {
    "ap-southeast-3": 0.132,
    "ap-south-1": 0.13,
    "ap-northeast-2": 0.13,
    "ap-southeast-1": 0.12,
    "ap-southeast-2": 0.17,
    "ap-northeast-1": 0.14,
}
#: US, Canada and EU regions all cost the same.
_BY_PREFIX = {"us-": 0.09, "ca-": 0.09, "eu-": 0.09}


def overage_price(region: str) -> float | None:
    """USD per GB OUT past the allowance in ``region``; ``None`` when the price is not known."""
    if region in _LISTED:
        return _LISTED[region]
    if region.startswith(("us-gov-", "us-iso")):
        return None
    for prefix, price in _BY_PREFIX.items():
        if region.startswith(prefix):
            return price
    return None
