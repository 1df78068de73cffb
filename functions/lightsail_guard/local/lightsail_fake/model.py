"""The installed botocore model of Lightsail: the fake checks its inputs and outputs against it.

Reading enums from the model (instead of copying them) keeps the fake honest when botocore adds a
region or a unit: what the real client accepts, the fake accepts.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.loaders


@cache
def service_model() -> dict[str, Any]:
    """The raw ``lightsail/2016-11-28`` service model shipped with botocore."""
    return botocore.loaders.Loader().load_service_model("lightsail", "service-2")


@cache
def enum_values(shape_name: str) -> frozenset[str]:
    """The allowed values of one string enum shape (``RegionName``, ``MetricUnit``, ...)."""
    return frozenset(service_model()["shapes"][shape_name]["enum"])
