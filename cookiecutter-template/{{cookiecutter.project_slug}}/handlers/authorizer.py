"""REQUEST authorizer on $connect: the `token` query-string parameter must equal the AUTH_TOKEN secret.

The comparison takes constant time so the secret cannot be guessed from response times. The policy's
principal and context reach every later event of the connection in requestContext.authorizer.
"""

import hashlib
import hmac
import os

SECRET_ENV = "AUTH_TOKEN"


def handle(event, context):
    token = (event.get("queryStringParameters") or {}).get("token") or ""
    secret = os.environ.get(SECRET_ENV, "")
    allowed = bool(secret) and hmac.compare_digest(token.encode(), secret.encode())
    principal = "token-" + hashlib.sha256(token.encode()).hexdigest()[:12] if allowed else "anonymous"
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow" if allowed else "Deny", "Resource": event["methodArn"]}
            ],
        },
        "context": {"authorizedBy": "token" if allowed else "none"},
    }
