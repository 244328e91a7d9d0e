"""Whether a URL points into a private network (loopback, RFC 1918, link-local such as a
cloud metadata service, ...): tenants may not aim the server at those unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


async def private_address_of(url: str) -> str | None:
    """The first private address the URL's host is or resolves to, or None. A host that
    does not resolve is not private (the call will fail on its own)."""
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        return host if _private(host) else None
    except ValueError:
        pass  # a name, not an address
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return None
    return next((str(info[4][0]) for info in infos if _private(str(info[4][0]))), None)
