"""Signs a webhook with an independent Standard Webhooks implementation.

usage: signer.py (standardwebhooks|svix) SECRET MSG_ID UNIX_SECONDS  < body
Prints the webhook-signature header value.
"""
import sys
from datetime import datetime, timezone

library, secret, msg_id, seconds = sys.argv[1:5]
if library == "svix":
    from svix.webhooks import Webhook
else:
    from standardwebhooks.webhooks import Webhook
body = sys.stdin.buffer.read().decode("utf-8")
at = datetime.fromtimestamp(int(seconds), tz=timezone.utc)
print(Webhook(secret).sign(msg_id, at, body))
