"""Tests of the state of a port (pyejoin.port_state)."""

from __future__ import annotations

import pytest

from pyejoin import PortState, PortStatus

from .payloads import addr


@pytest.mark.parametrize(
    ("code", "status", "registered"),
    [
        (None, None, False),
        (3, PortStatus.REGISTERED, True),
        (4, PortStatus.CALL_CONNECTED, True),
        (5, PortStatus.NO_BALANCE, False),
        (10, None, False),
        (-1, None, False),
    ],
)
def test_port_state_status(
    code: int | None, status: PortStatus | None, registered: bool
) -> None:
    """Status maps known codes to the enum; registered covers 3 and 4 only."""
    port = PortState(address=addr(1), status_code=code)

    assert port.status is status
    assert port.registered is registered
