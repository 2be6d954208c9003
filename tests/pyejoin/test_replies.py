"""Tests of reading the gateway's replies (pyejoin.replies).

Replies as a whole, and the errors they become, are tested through the client
(test_client.py).
"""

from __future__ import annotations

from pyejoin.replies import port_values


def test_port_values_ignores_other_names_and_odd_values() -> None:
    """Only the named parameter counts, and only non-blank values with digit indexes."""
    reply = {
        "code": 0,
        "port_public_ip_extra": ["9.9.9.9"],
        "port_public_ip": {"0": " 1.1.1.1 ", "-1": "8.8.8.8", "1": None},
        "Port_public_ip(4)": "5.5.5.5",
        "port_public_ip(x)": "7.7.7.7",
    }
    assert port_values(reply, "port_public_ip") == {1: "1.1.1.1", 5: "5.5.5.5"}
