"""A small asyncio HTTP/1.1 client: N concurrent closed-loop clients POSTing signed requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from tests.support.slack_requests import SignedRequest

ACK_DEADLINE = 3.0


async def _one(host: str, port: int, path: str, request: SignedRequest) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), ACK_DEADLINE)
        head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close",
                f"Content-Length: {len(request.body)}"]
        head += [f"{k}: {v}" for k, v in request.headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + request.body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), ACK_DEADLINE)
        await asyncio.wait_for(reader.read(), ACK_DEADLINE)
        writer.close()
        status = int(status_line.split()[1]) if status_line else 0
    except (TimeoutError, OSError, ValueError, IndexError):
        status = 0
    return time.perf_counter() - started, status


async def _run(host: str, port: int, path: str, batches: Sequence[Sequence[SignedRequest]]) -> list[tuple[float, int]]:
    results: list[tuple[float, int]] = []

    async def client(batch: Sequence[SignedRequest]) -> None:
        for request in batch:
            results.append(await _one(host, port, path, request))

    await asyncio.gather(*(client(b) for b in batches))
    return results


def load(url: str, batches: Sequence[Sequence[SignedRequest]]) -> list[tuple[float, int]]:
    """Each batch is one client sending its requests one after another; all clients at once.
    Returns (seconds, HTTP status) per request; status 0 = no answer within the 3 s deadline."""
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    return asyncio.run(_run(host, int(port), "/" + path, batches))
