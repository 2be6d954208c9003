"""What the user is told when a command fails, the same for actions and entities."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import DOMAIN
from custom_components.ejoin.pyejoin import EjoinClient, EjoinMalformedReplyError
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    FIRMWARE,
    GATEWAY_MAC,
    act,
    check_error,
    check_unreachable,
    port_device,
    use,
)

type Lock = Callable[[HomeAssistant], Awaitable[object]]


async def lock_by_action(hass: HomeAssistant) -> None:
    """Lock port 8 with the lock_port action."""
    await act(hass, "lock_port", {"device_id": port_device(hass, 8)})


async def lock_by_switch(hass: HomeAssistant) -> None:
    """Lock port 8 with its lock switch."""
    await use(hass, "switch", "turn_on", "locked", 8)


WAYS = pytest.mark.parametrize(
    "lock", [lock_by_action, lock_by_switch], ids=["action", "entity"]
)


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> int:
    """Count the re-authentication flows in progress for an entry."""
    return len(
        hass.config_entries.flow.async_progress_by_handler(
            DOMAIN, match_context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}
        )
    )


@WAYS
async def test_a_gateway_that_does_not_answer(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, lock: Lock
) -> None:
    """No answer: gateway_unreachable, with the connection's error; no new login asked."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await lock(hass)
    await hass.async_block_till_done()

    check_unreachable(raised.value, simulator)
    assert reauth_flows(hass, entry) == 0


@WAYS
async def test_a_gateway_that_rejects_the_login(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, lock: Lock
) -> None:
    """A rejected login: invalid_auth, and the user is asked to log in again."""
    simulator.password = "changed on the gateway"

    with pytest.raises(HomeAssistantError) as raised:
        await lock(hass)
    await hass.async_block_till_done()

    check_error(
        raised.value, "invalid_auth", "The gateway rejected the username or password"
    )
    assert reauth_flows(hass, entry) == 1


@WAYS
async def test_a_gateway_that_refuses_the_command(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, lock: Lock
) -> None:
    """A refusal: command_refused, with the gateway's own reason and code.

    A module swapped for a 4-port one refuses to lock port 8, which it does not have.
    """
    simulator.gateway = Gateway.create(
        ports=4, slots=4, mac=GATEWAY_MAC, firmware=FIRMWARE
    )

    with pytest.raises(HomeAssistantError) as raised:
        await lock(hass)
    await hass.async_block_till_done()

    check_error(
        raised.value,
        "command_refused",
        "The gateway refused the request: unknown port 8 (code 2)",
        {"reason": "unknown port 8 (code 2)"},
    )
    assert reauth_flows(hass, entry) == 0


@WAYS
async def test_a_gateway_whose_answer_cannot_be_read(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, lock: Lock
) -> None:
    """An answer that is not the API's: unreadable_answer, saying what was wrong.

    It does not claim a refusal: the gateway may have carried the command out.
    """
    error = (
        f"gateway 127.0.0.1:{simulator.port} answered /goip_send_cmd.html "
        "with JSON that is not an object"
    )

    with (
        patch.object(
            EjoinClient, "send_commands", side_effect=EjoinMalformedReplyError(error)
        ),
        pytest.raises(HomeAssistantError) as raised,
    ):
        await lock(hass)

    check_error(
        raised.value,
        "unreadable_answer",
        f"The gateway's answer could not be read: {error}",
        {"error": error},
    )
    assert reauth_flows(hass, entry) == 0
