"""The demo on a local network: the laptop's LAN address, and the settings that put it in QR codes.

``./dev.sh demo --lan`` runs ``python -m informaction.lan PORT`` before Django starts and exports
the ``NAME=value`` lines it prints: ``ALLOWED_HOSTS`` (which the WebSocket origin check also reads),
``CSRF_TRUSTED_ORIGINS`` and ``SITE_URL``, the base of every join URL and QR code. Phones on the
same Wi-Fi then reach ``http://ADDRESS:PORT``. ``LAN_ADDRESS`` overrides the address found.

Pure standard library: it runs before the settings are read.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

# Where a UDP socket "connects" to learn which interface the system would route through:
# connect() on a datagram socket only picks a route, it sends nothing. The first is TEST-NET-1
# (RFC 5737, never assigned), reached through the default route; the others are private ranges,
# for a network without a default route (a phone's hotspot, a router with no internet).
ROUTE_PROBES = ("192.0.2.1", "10.0.0.1", "172.16.0.1", "192.168.0.1")
# Still answered on the laptop itself, whatever the address phones use.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def lan_address() -> str | None:
    """The IPv4 address this machine uses on its network, or None when it has none."""
    for probe in ROUTE_PROBES:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                sock.connect((probe, 9))
            except OSError:
                continue
            address = str(sock.getsockname()[0])
        if usable(address):
            return address
    return None


def usable(address: str) -> bool:
    """An IP address that other machines could reach (not loopback, not 0.0.0.0)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def lan_environment(address: str, port: int) -> dict[str, str]:
    """The variables that make the demo's links, QR codes and sockets work at ``address``."""
    host = f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
    origin = f"http://{host}:{port}"
    return {
        "ALLOWED_HOSTS": ",".join((host, *LOCAL_HOSTS)),
        "CSRF_TRUSTED_ORIGINS": origin,
        "SITE_URL": origin,
    }


def main(argv: list[str]) -> int:
    """Print ``NAME=value`` lines for dev.sh; explain on stderr and return 1 when no address."""
    try:
        port = int(argv[0]) if argv else 8000
    except ValueError:
        print(f"PORT must be a port number, not {argv[0]!r}", file=sys.stderr)
        return 1
    address = os.environ.get("LAN_ADDRESS", "").strip() or lan_address()
    if not address or not usable(address):
        found = f" ({address!r} cannot be reached by other machines)" if address else ""
        print(
            f"No local network address found{found}. Connect this machine to the Wi-Fi the "
            "phones use, or give the address: LAN_ADDRESS=192.168.1.23 ./dev.sh demo --lan",
            file=sys.stderr,
        )
        return 1
    for name, value in lan_environment(address, port).items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
