"""Session-wide test settings: no test may reach a real AWS account."""

import os

# Fake credentials and a fixed region: boto3 clients in tests talk to the local endpoint only.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)
# jsii (CDK) warns on every start that Node 20 is past end-of-life; the warning is not ours.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
