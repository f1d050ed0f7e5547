"""Replays a recorded OTLP/JSON session through the official OpenTelemetry Python exporter.

usage: otlp_export.py FIXTURE.json BASE_URL TOKEN (protobuf|json) [--seed N] [--gzip]

FIXTURE.json is a JSON array of ExportTraceServiceRequest objects in OTLP/JSON
(hex ids, int64 as strings, enums as ints), e.g. the livekit/pipecat
session fixtures. Every span becomes an SDK ReadableSpan; the session gets a
fresh random trace id (span ids kept) and is moved in time so that its first
span started about 1 s ago. The spans are split into batches of 3-6, the batch
order is shuffled with random.Random(seed), each batch is sent to
BASE_URL/v1/traces, and then one earlier batch is sent again (an exporter retry).

protobuf: sent by opentelemetry-exporter-otlp-proto-http's OTLPSpanExporter.
json:     the Python exporter has no JSON mode, so the batch is encoded with the
          exporter's own encoder (encode_spans), mapped to OTLP/JSON (lowerCamelCase,
          enums as ints, hex ids) and POSTed with urllib.

Prints one JSON line: {"trace_id": "<32 hex>", "spans": N, "requests": M}.
Exits 1 with a message on stderr when a request is not accepted.
"""
from __future__ import annotations

import argparse
import base64
import gzip
import json
import random
import secrets
import sys
import time
import urllib.error
import urllib.request

import requests
from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.otlp.proto.http.version import __version__ as EXPORTER_VERSION
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags

# OTLP Span.kind (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer)
_KINDS = {
    0: SpanKind.INTERNAL,
    1: SpanKind.INTERNAL,
    2: SpanKind.SERVER,
    3: SpanKind.CLIENT,
    4: SpanKind.PRODUCER,
    5: SpanKind.CONSUMER,
}


def fail(message: str) -> None:
    print(f"otlp_export: {message}", file=sys.stderr)
    sys.exit(1)


def any_value(value: dict):
    """OTLP/JSON AnyValue -> the Python type the SDK would have held."""
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "arrayValue" in value:
        return tuple(any_value(v) for v in value["arrayValue"].get("values", []))
    if "kvlistValue" in value:
        return json.dumps(
            {kv["key"]: any_value(kv.get("value", {})) for kv in value["kvlistValue"].get("values", [])}
        )
    if "bytesValue" in value:
        return base64.b64decode(value["bytesValue"])
    return None


def attributes(kvs) -> dict:
    out = {}
    for kv in kvs or []:
        v = any_value(kv.get("value", {}))
        if v is not None:
            out[kv["key"]] = v
    return out


def load_spans(path: str) -> list[dict]:
    """Every span of the fixture, with its resource attributes and scope, in file order."""
    with open(path, encoding="utf-8") as f:
        requests_ = json.load(f)
    if isinstance(requests_, dict):
        requests_ = [requests_]
    spans = []
    for req in requests_:
        for rs in req.get("resourceSpans", []):
            res_attrs = attributes(rs.get("resource", {}).get("attributes"))
            res_schema = rs.get("schemaUrl") or None
            for ss in rs.get("scopeSpans", []):
                scope = ss.get("scope", {})
                for sp in ss.get("spans", []):
                    spans.append(
                        {
                            "resource": (res_attrs, res_schema),
                            "scope": (scope.get("name", ""), scope.get("version") or None, ss.get("schemaUrl") or None),
                            "span": sp,
                        }
                    )
    return spans


def to_readable_spans(recorded: list[dict], trace_id: int, now_ns: int) -> list[ReadableSpan]:
    starts = [int(r["span"]["startTimeUnixNano"]) for r in recorded]
    shift = (now_ns - 1_000_000_000) - min(starts)
    # Reuse one Resource / InstrumentationScope per distinct value, as an SDK process would.
    resources: dict[str, Resource] = {}
    scopes: dict[tuple, InstrumentationScope] = {}
    out = []
    for r in recorded:
        sp = r["span"]
        res_attrs, res_schema = r["resource"]
        key = json.dumps([res_attrs, res_schema], sort_keys=True, default=repr)
        if key not in resources:
            resources[key] = Resource(res_attrs, res_schema)
        if r["scope"] not in scopes:
            name, version, schema = r["scope"]
            scopes[r["scope"]] = InstrumentationScope(name, version, schema)

        # Spans that reach an exporter are sampled; the OTLP encoder does not carry
        # the W3C trace flags (Span.flags only has the is-remote bits), so set SAMPLED.
        flags = TraceFlags(TraceFlags.SAMPLED)
        context = SpanContext(trace_id, int(sp["spanId"], 16), is_remote=False, trace_flags=flags)
        parent_hex = sp.get("parentSpanId")
        parent = None
        if parent_hex and int(parent_hex, 16) != 0:
            parent_remote = bool(int(sp.get("flags", 0)) & 0x200)
            parent = SpanContext(trace_id, int(parent_hex, 16), is_remote=parent_remote, trace_flags=flags)

        events = [
            Event(
                ev.get("name", ""),
                attributes(ev.get("attributes")) or None,
                int(ev.get("timeUnixNano", starts[0])) + shift,
            )
            for ev in sp.get("events", [])
        ]
        links = []
        for ln in sp.get("links", []):
            # A link into this session follows it to the new trace id; others are kept.
            same = ln.get("traceId", "").lower() == sp["traceId"].lower()
            links.append(
                Link(
                    SpanContext(
                        trace_id if same else int(ln["traceId"], 16),
                        int(ln["spanId"], 16),
                        is_remote=bool(int(ln.get("flags", 0)) & 0x200),
                        trace_flags=flags,
                    ),
                    attributes(ln.get("attributes")) or None,
                )
            )

        st = sp.get("status", {})
        code = StatusCode(int(st.get("code", 0)))
        status = Status(code, st.get("message") or None) if code is StatusCode.ERROR else Status(code)

        out.append(
            ReadableSpan(
                name=sp["name"],
                context=context,
                parent=parent,
                resource=resources[key],
                attributes=attributes(sp.get("attributes")),
                events=events,
                links=links,
                kind=_KINDS.get(int(sp.get("kind", 1)), SpanKind.INTERNAL),
                status=status,
                start_time=int(sp["startTimeUnixNano"]) + shift,
                end_time=int(sp["endTimeUnixNano"]) + shift,
                instrumentation_scope=scopes[r["scope"]],
            )
        )
    return out


def split_batches(spans: list, rng: random.Random) -> list[list]:
    """Consecutive batches of 3-6 spans (one smaller batch only if there are fewer than 3)."""
    batches, i, n = [], 0, len(spans)
    while n - i > 6:
        size = rng.randint(3, min(6, n - i - 3))
        batches.append(spans[i : i + size])
        i += size
    if i < n:
        batches.append(spans[i:])
    return batches


def hex_ids(d: dict) -> dict:
    """protobuf's JSON mapping writes bytes as base64; OTLP/JSON wants trace/span ids as hex."""

    def fix(obj: dict, keys) -> None:
        for k in keys:
            if obj.get(k):
                obj[k] = base64.b64decode(obj[k]).hex()

    for rs in d.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for sp in ss.get("spans", []):
                fix(sp, ("traceId", "spanId", "parentSpanId"))
                for ln in sp.get("links", []):
                    fix(ln, ("traceId", "spanId"))
    return d


class JsonSender:
    def __init__(self, endpoint: str, token: str, use_gzip: bool):
        self.endpoint = endpoint
        self.token = token
        self.gzip = use_gzip
        # No proxies from the environment: the only host contacted is BASE_URL.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def send(self, batch) -> None:
        msg = encode_spans(batch)
        doc = hex_ids(MessageToDict(msg, use_integers_for_enums=True, preserving_proto_field_name=False))
        body = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "User-Agent": f"OTel-OTLP-Exporter-Python/{EXPORTER_VERSION}",
        }
        if self.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        req = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
        try:
            with self.opener.open(req, timeout=10) as resp:
                status, text = resp.status, resp.read()[:500]
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()[:500]
        except OSError as e:
            fail(f"POST {self.endpoint} failed: {e}")
        if status != 200:
            fail(f"POST {self.endpoint} answered HTTP {status}: {text!r}")

    def close(self) -> None:
        pass


class ProtobufSender:
    def __init__(self, endpoint: str, token: str, use_gzip: bool):
        self.endpoint = endpoint
        session = requests.Session()
        # Ignore proxy variables and ~/.netrc (which requests would let replace the
        # Authorization header): the only host contacted is BASE_URL.
        session.trust_env = False
        self.exporter = OTLPSpanExporter(
            endpoint=endpoint,
            headers={"Authorization": f"Bearer {token}"},
            compression=Compression.Gzip if use_gzip else Compression.NoCompression,
            session=session,
        )

    def send(self, batch) -> None:
        from opentelemetry.sdk.trace.export import SpanExportResult

        result = self.exporter.export(batch)
        if result is not SpanExportResult.SUCCESS:
            fail(f"OTLPSpanExporter.export to {self.endpoint} returned {result}")

    def close(self) -> None:
        self.exporter.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixture")
    ap.add_argument("base_url")
    ap.add_argument("token")
    ap.add_argument("encoding", choices=["protobuf", "json"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gzip", action="store_true")
    args = ap.parse_args()

    recorded = load_spans(args.fixture)
    if not recorded:
        fail(f"no spans in {args.fixture}")

    trace_id = 0
    while trace_id == 0:
        trace_id = secrets.randbits(128)  # fresh each run, independent of --seed
    spans = to_readable_spans(recorded, trace_id, time.time_ns())

    rng = random.Random(args.seed)
    batches = split_batches(spans, rng)
    rng.shuffle(batches)

    endpoint = f"{args.base_url.rstrip('/')}/v1/traces"
    sender = (ProtobufSender if args.encoding == "protobuf" else JsonSender)(endpoint, args.token, args.gzip)
    sent = 0
    try:
        for batch in batches:
            sender.send(batch)
            sent += 1
        # An exporter retry: one batch that was already delivered arrives again.
        earlier = batches[:-1] or batches
        sender.send(rng.choice(earlier))
        sent += 1
    finally:
        sender.close()

    print(json.dumps({"trace_id": f"{trace_id:032x}", "spans": len(spans), "requests": sent}))


if __name__ == "__main__":
    main()
