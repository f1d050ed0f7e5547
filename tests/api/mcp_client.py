"""A real MCP client (the official Python SDK, `mcp`) against calltrail's
/mcp: initialize, list the tools, call search_calls and get_call (following
its cursor), read the timeline resource; and once without a token, which
must be refused. Prints one JSON object the Rust test reads.

usage: mcp_client.py URL TOKEN QUERY CALL_ID
"""

import asyncio
import json
import sys

from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def attr(obj, snake, camel):
    """A field as this SDK version spells it (2.x: snake_case; 1.x: camelCase)."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def text_of(result):
    return "".join(block.text for block in result.content if getattr(block, "type", "") == "text")


async def session(url, token, work):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with create_mcp_http_client(headers=headers) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as s:
                init = await s.initialize()
                return await work(s, init)


async def main():
    url, token, query, call_id = sys.argv[1:5]
    out = {}

    async def work(s, init):
        out["server"] = attr(init, "server_info", "serverInfo").name
        tools = await s.list_tools()
        out["tools"] = sorted(t.name for t in tools.tools)
        out["tool_description_bytes"] = sum(len(t.description or "") + len(json.dumps(attr(t, "input_schema", "inputSchema"))) for t in tools.tools)
        found = await s.call_tool("search_calls", {"query": query, "limit": 50})
        out["search_error"] = attr(found, "is_error", "isError")
        out["search_text"] = text_of(found)
        first = await s.call_tool("get_call", {"id": call_id})
        out["get_call_error"] = attr(first, "is_error", "isError")
        out["get_call_text"] = text_of(first)
        parts = [text_of(first)]
        cursor = None
        for line in reversed(text_of(first).splitlines()):
            if 'cursor="' in line:
                cursor = line.split('cursor="', 1)[1].split('"', 1)[0]
                break
        if cursor:
            more = await s.call_tool("get_call", {"id": call_id, "cursor": cursor})
            parts.append(text_of(more))
        out["get_call_sizes"] = [len(p.encode()) for p in parts]
        out["second_part"] = parts[1] if len(parts) > 1 else None
        resource = await s.read_resource(f"calltrail://calls/{call_id}/timeline")
        out["resource_text"] = resource.contents[0].text
        missing = await s.call_tool("get_call", {"id": "no-such-call"})
        out["missing_error"] = attr(missing, "is_error", "isError")
        out["missing_text"] = text_of(missing)
        return out

    await session(url, token, work)
    try:
        await session(url, "", lambda s, init: asyncio.sleep(0))
        out["refused_without_token"] = False
    except BaseException as e:  # the SDK wraps the refusal in exception groups
        out["refused_without_token"] = True
        out["refusal"] = repr(e)[:400]
    print(json.dumps(out))


asyncio.run(main())
