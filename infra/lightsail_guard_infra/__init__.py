"""The Pulumi program that deploys Lightsail Guard: the hub (Lambdas, Step Functions, schedules, ledger,
notifications, monitoring) and the member role in every guarded account.

One module per concern; :mod:`.program` wires them together and is what ``infra/__main__.py`` runs.
"""
