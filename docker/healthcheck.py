"""Docker HEALTHCHECK: GET / on this container's Daphne answers 200.

It sends what the proxy would: a Host from ALLOWED_HOSTS (else Django answers 400) and
``X-Forwarded-Proto: https`` (else SECURE_SSL_REDIRECT answers 301). A 200 means Daphne and
Django serve pages; it does not prove PostgreSQL or Redis reachable (they have their own
healthchecks). Standard library only: the slim image has no curl.
"""

from __future__ import annotations

import http.client
import os
import sys


def probe_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        connection.request("GET", "/", headers={"Host": probe_host(), "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"unhealthy: GET / answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
