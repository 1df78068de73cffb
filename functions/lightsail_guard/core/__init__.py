"""The money core: pure functions over plain data, the clock passed in. No boto3, no environment."""
