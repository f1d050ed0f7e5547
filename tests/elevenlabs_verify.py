"""Checks an ElevenLabs-Signature header with ElevenLabs' own SDK.

Usage: python elevenlabs_verify.py <secret> <header>   (the body on stdin)
Prints the event type the SDK accepted, or exits 1 with the SDK's error.
"""
import sys

from elevenlabs.client import ElevenLabs

secret, header = sys.argv[1], sys.argv[2]
body = sys.stdin.read()
try:
    event = ElevenLabs(api_key="unused").webhooks.construct_event(body, header, secret)
except Exception as e:  # the SDK's BadRequestError, with its message
    sys.exit(f"refused by the ElevenLabs SDK: {getattr(e, 'body', e)}")
print(event.get("type"))
