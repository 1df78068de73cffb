"""The configurations the infra tests deploy: an organization-wide guard and its variations."""

LISTED_ACCOUNTS = ["123456789012", "210987654321"]
WORKLOADS_OU = "ou-ab12-3cd4e5f6"

#: An organization-wide guard: an OU plus listed accounts, every notification channel, no restarts.
ORGANIZATION_GUARD = {
    "targets": [
        {"organizationalUnits": [WORKLOADS_OU], "regions": ["eu-central-1", "us-east-1"]},
        {"accounts": LISTED_ACCOUNTS, "regions": ["eu-west-1"]},
    ],
    "notificationEmails": ["ops@example.com", "oncall@example.com"],
    "telegramChatIds": ["-1001234567890"],
    "checkIntervalMinutes": 5,
    "reportTime": "07:30",
    "reportTimezone": "Europe/Berlin",
    "logRetentionDays": 14,
}


def guard(**overrides) -> dict:
    return {**ORGANIZATION_GUARD, **overrides}
