"""What a port shows, read from its state: status as an option, signal in dBm, limits.

Sensors show these, and any other view of the ports must show them the same way.
"""

from __future__ import annotations

from typing import Any, cast

from homeassistant.const import MAX_LENGTH_STATE_STATE

from .pyejoin import Counter, PortState, PortStatus

# A code the protocol does not list. Not "unknown": that is Home Assistant's state for
# no value, which is what a port without any status shows.
STATUS_OTHER = "other"
STATUS_OPTIONS = [status.name.lower() for status in PortStatus] + [STATUS_OTHER]
UNKNOWN_SIGNAL = 99  # the modem's "not known or not detectable"


def status_option(state: PortState) -> str | None:
    """Return the status as an enum option; codes not known here are 'other'."""
    if state.status_code is None:
        return None
    status = state.status
    return status.name.lower() if status is not None else STATUS_OTHER


def signal_dbm(state: PortState) -> int | None:
    """Convert the modem's 0 to 31 signal scale to dBm (0 is -113 dBm, 31 is -51 dBm)."""
    signal = state.signal
    if signal is None or signal < 0 or signal == UNKNOWN_SIGNAL:
        return None
    if signal == 0 and not state.registered:
        return None  # what gateways send without a network
    return -113 + 2 * min(signal, 31)


def used(counter: Counter | None) -> int | None:
    """Return the used part of a ``used/limit`` counter."""
    return None if counter is None else counter.used


def limit_attributes(counter: Counter | None) -> dict[str, Any] | None:
    """Show a counter's limit next to its value; no limit means unlimited."""
    if counter is None:
        return None
    return {"limit": counter.limit, "remaining": counter.remaining}


def fit_state[T](value: T) -> T:
    """Cut a text the gateway sent to what Home Assistant takes as a state.

    A longer state is refused with an error each time it is written; the gateway's own
    fields (operator, SIM number, firmware) are short unless something is wrong.
    """
    if isinstance(value, str) and len(value) > MAX_LENGTH_STATE_STATE:
        return cast("T", f"{value[: MAX_LENGTH_STATE_STATE - 1]}…")
    return value
