"""AWS Organizations: the ACTIVE accounts under an organizational unit, recursively."""

from __future__ import annotations

from .aws_clients import CLIENTS


class OrganizationsDirectory:
    def __init__(self) -> None:
        self._client = CLIENTS.client("organizations")

    def active_accounts(self, parent_id: str) -> dict[str, str]:
        """Account id → name for every ACTIVE account below ``parent_id`` (an OU or the root)."""
        found: dict[str, str] = {}
        parents = [parent_id]
        while parents:
            parent = parents.pop()
            for page in self._client.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
                for account in page["Accounts"]:
                    # ``State`` replaces the deprecated ``Status``; either says whether it is live.
                    state = account.get("State") or account.get("Status")
                    if state == "ACTIVE":
                        found[account["Id"]] = account.get("Name", "")
            for page in self._client.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=parent
            ):
                parents.extend(ou["Id"] for ou in page["OrganizationalUnits"])
        return found
