"""The report URL: where the gateway posts its reports, and what may be shown of it.

Its path holds the webhook id, a secret: whoever knows it can post reports. Only its
scheme, host and port are ever shown (in a repair issue, in the log).
"""

from __future__ import annotations

import re

from yarl import URL

# A DNS name, an IPv4 address or an IPv6 address (yarl gives it without brackets).
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*"
    r"|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"
)


def is_report_url(text: str) -> bool:
    """Whether a text is an http(s) URL with a host, which the gateway can post to."""
    try:
        url = URL(text.strip())
    except ValueError:
        return False
    host = url.host or ""
    return url.scheme in ("http", "https") and bool(_HOST.fullmatch(host))


def report_address(report_url: str) -> str:
    """Return the scheme, host and port of a report URL, without the secret path."""
    url = URL(report_url)
    return str(url.origin()) if url.absolute else "-"


def pushes_missing_issue_id(entry_id: str) -> str:
    """Name the repair issue of one entry whose gateway cannot reach the report URL."""
    return f"pushes_missing_{entry_id}"
