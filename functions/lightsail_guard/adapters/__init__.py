"""The edges to AWS: one small class per service, real boto3 underneath, injected into the steps."""
