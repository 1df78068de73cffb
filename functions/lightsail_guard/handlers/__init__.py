"""Lambda entry points: Powertools decorators, event parsing and one call into ``steps``.

No boto3 here: the adapters own every AWS client.
"""
