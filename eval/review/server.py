"""Running the review app: bind the address, make the per-launch token, hand the socket to uvicorn.

The socket is bound (and listening) before uvicorn starts, so the printed URL has the real port
(`--port 0` picks a free one) and a browser opened at once simply waits for the first answer.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass

import uvicorn

from eval.review.app import create_app
from eval.review.store import ReviewStore
from mt.io.errors import DariError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


@dataclass
class Launch:
    server: uvicorn.Server
    socket: socket.socket
    url: str
    loopback: bool

    def run(self) -> None:
        """Serve until stopped (Ctrl+C, SIGTERM, or `stop()` from another thread)."""
        self.server.run(sockets=[self.socket])

    def stop(self) -> None:
        self.server.should_exit = True


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def launch(store: ReviewStore, host: str, port: int) -> Launch:
    address = _address(host)
    if address is not None and address.is_unspecified:
        raise DariError(f"--host {host} listens on every address; give one address (the default 127.0.0.1 keeps the review on this machine)")
    loopback = host == "localhost" or (address is not None and address.is_loopback)
    family = socket.AF_INET6 if address is not None and address.version == 6 else socket.AF_INET
    try:
        sock = socket.create_server((host.strip("[]"), port), family=family)
    except OSError as err:
        raise DariError(f"cannot listen on {host}:{port} ({err.strerror or err})") from None
    port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if address is not None and address.version == 6 else host
    names = {shown.lower(), *(LOOPBACK_NAMES if loopback else ())}
    hosts = {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())
    origins = {f"http://{name}" for name in hosts}
    app = create_app(store, hosts=hosts, origins=origins, token=secrets.token_urlsafe(32))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    return Launch(uvicorn.Server(config), sock, f"http://{shown}:{port}/", loopback)
