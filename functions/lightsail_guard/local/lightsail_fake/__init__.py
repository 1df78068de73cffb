"""A faithful AWS Lightsail fake for local runs and tests (moto has no Lightsail).

Real boto3 clients talk to it over botocore's wire format::

    fake = LightsailFake(clock)
    fake.add_instance(account="123456789012", region="eu-west-1", name="web", bundle_id="nano_3_0",
                      allowance_gb=1024, created_at=clock())
    with fake:
        boto3.Session(region_name="eu-west-1").client("lightsail").get_instances()

See :mod:`.backend` for the scenario API and :mod:`.wire` for how requests are intercepted.
"""

from .backend import CallRecord, LightsailFake
from .errors import ERROR_STATUS, LightsailError
from .instances import STATE_CODES
from .wire import DEFAULT_ACCOUNT_ID, attach

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "ERROR_STATUS",
    "STATE_CODES",
    "CallRecord",
    "LightsailError",
    "LightsailFake",
    "attach",
]
