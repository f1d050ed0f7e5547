"""calltrail's OpenAPI document read by independent tools: validated with
`openapi-spec-validator` (OpenAPI 3.1 rules), then turned into a Python
client by `openapi-python-client`, which lists the calls a query selects.
Prints one JSON object the Rust test reads.

usage: openapi_client.py BASE_URL TOKEN QUERY
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from openapi_spec_validator import OpenAPIV31SpecValidator, validate

PACKAGE = "calltrail_api"


def main():
    base, token, query = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    out = {}
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=10) as answer:
        raw = answer.read()
    spec = json.loads(raw)
    out["openapi"] = spec.get("openapi")
    validate(spec, cls=OpenAPIV31SpecValidator)  # raises on the first error
    out["valid"] = True
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "openapi.json")
        path.write_bytes(raw)
        bindir = Path(sys.executable).parent
        env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
        made = subprocess.run(
            [str(bindir / "openapi-python-client"), "generate", "--path", str(path),
             "--output-path", str(Path(tmp, PACKAGE)), "--meta", "none"],
            capture_output=True, text=True, env=env, timeout=300,
        )
        out["generator_output"] = (made.stdout + made.stderr)[-2000:]
        if made.returncode != 0:
            raise SystemExit(f"the generator failed: {out['generator_output']}")
        sys.path.insert(0, tmp)
        client = importlib.import_module(PACKAGE)
        list_calls = importlib.import_module(f"{PACKAGE}.api.calls.list_calls")
        models = importlib.import_module(f"{PACKAGE}.models")
        signed = client.AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)
        ids, cursor = [], None
        while True:
            kwargs = {"client": signed, "q": query, "limit": 2}
            if cursor:
                kwargs["cursor"] = cursor
            page = list_calls.sync(**kwargs)
            if not isinstance(page, models.CallList):
                raise SystemExit(f"list_calls gave {page!r}")
            ids.extend(call.call_id for call in page.calls)
            cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
            if not cursor:
                break
        out["ids"] = ids
        stranger = client.AuthenticatedClient(base_url=base, token="ctk_wrong")
        refused = list_calls.sync_detailed(client=stranger)
        out["wrong_token_status"] = int(refused.status_code)
        out["wrong_token_problem"] = type(refused.parsed).__name__
    print(json.dumps(out))


main()
