"""Each port's mobile data (proxy firmware) and each port's LED, over raw HTTP.

The proxy spec lists ``data_service_enable`` among the parameters of ``op=get`` and
``op=set``, an array parameter addressed as ``name(n)``, ``n`` counting from 0. The
simulator answers it per port, like ``port_public_ip``; the SMS firmware does not
know it. A port whose data is off stays registered and does not dial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from .conftest import Control, PushReceiver, gateway_get

if TYPE_CHECKING:
    from ejoin_simulator import Simulator

    from .conftest import StartSimulator

OK = {"code": 0, "reason": "OK"}


async def command(
    simulator: Simulator, session: aiohttp.ClientSession, query: str
) -> Any:
    """GET goip_send_cmd.html with a raw query; return its decoded JSON answer."""
    answer = await gateway_get(simulator, session, "goip_send_cmd.html", query)
    assert answer.status == 200
    return answer.json()


async def send(
    simulator: Simulator, session: aiohttp.ClientSession, body: dict[str, Any]
) -> Any:
    """POST a JSON command to goip_send_cmd.html; return its decoded JSON answer."""
    async with session.post(
        f"{simulator.url}/goip_send_cmd.html",
        params={"username": simulator.username, "password": simulator.password},
        json=body,
    ) as response:
        assert response.status == 200
        return await response.json(content_type=None)


async def data_service(
    simulator: Simulator, session: aiohttp.ClientSession
) -> list[int]:
    """Read every port's data_service_enable, as the proxy firmware answers it."""
    body = await command(simulator, session, "op=get&data_service_enable")
    assert list(body) == ["data"]
    values: list[int] = body["data"]["data_service_enable"]
    return values


async def get_values(
    simulator: Simulator, session: aiohttp.ClientSession, name: str
) -> list[Any]:
    """Read a per-port parameter of the proxy firmware."""
    values: list[Any] = (await command(simulator, session, f"op=get&{name}"))["data"][
        name
    ]
    return values


@pytest.fixture
async def proxy(start_simulator: StartSimulator) -> Simulator:
    """Run a proxy gateway whose ports dial in 0.1 s (half the command delay)."""
    return await start_simulator(profile="proxy", command_delay=0.2)


async def test_data_off_for_one_port_drops_its_data_session(
    proxy: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """data_service_enable(1)=0: port 2 reads 0, stays registered, loses its IP."""
    await gateway_get(proxy, session, "goip_get_status.html", f"url={receiver.url()}")
    ips = await get_values(proxy, session, "port_public_ip")
    assert await data_service(proxy, session) == [1, 1, 1, 1]

    assert await command(proxy, session, "op=set&data_service_enable(1)=0") == OK

    assert await data_service(proxy, session) == [1, 0, 1, 1]
    assert await command(proxy, session, "op=get&data_service_enable(1)") == {
        "data": {"data_service_enable(1)": 0}
    }
    push = await receiver.next("port-status")
    assert (push.body["port"], push.body["status"]) == ("2.01", "3 OK")
    assert await get_values(proxy, session, "port_status") == [15, 3, 15, 15]
    assert await get_values(proxy, session, "port_public_ip") == [
        ips[0],
        "",
        ips[2],
        ips[3],
    ]
    assert not proxy.gateway.ports[2].is_up(0)  # so its traffic does not grow


async def test_data_on_again_dials_with_a_new_public_ip(
    proxy: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """Turned on again, the port dials: 15 Dial successful, with a public IP."""
    await gateway_get(proxy, session, "goip_get_status.html", f"url={receiver.url()}")
    await command(proxy, session, "op=set&data_service_enable(2)=0")
    await receiver.next("port-status")

    assert await command(proxy, session, "op=set&data_service_enable(2)=1") == OK

    assert await data_service(proxy, session) == [1, 1, 1, 1]
    push = await receiver.next("port-status")
    assert (push.body["port"], push.body["status"]) == ("3.01", "15 Dial successful")
    assert (await get_values(proxy, session, "port_public_ip"))[2].startswith("100.")
    assert await get_values(proxy, session, "port_status") == [15, 15, 15, 15]


async def test_the_whole_gateway_at_once(
    proxy: Simulator, session: aiohttp.ClientSession
) -> None:
    """data_service_enable without an index sets every port."""
    assert await command(proxy, session, "op=set&data_service_enable=0") == OK
    assert await data_service(proxy, session) == [0, 0, 0, 0]
    assert await get_values(proxy, session, "port_public_ip") == ["", "", "", ""]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("data_service_enable(0)=0&data_service_enable(4)=0", "no port for "),
        ("data_service_enable(0)=0&data_service_enable(1)=on", "bad value for "),
        ("data_service_enable(0)=0&no_such_thing=1", "unknown parameter "),
    ],
)
async def test_a_refused_setting_changes_nothing(
    proxy: Simulator, session: aiohttp.ClientSession, query: str, reason: str
) -> None:
    """Code 4 names the bad parameter; the good one before it is not set either."""
    bad = query.split("&")[1].partition("=")[0]
    assert await command(proxy, session, f"op=set&{query}") == {
        "code": 4,
        "reason": reason + bad,
    }
    assert await data_service(proxy, session) == [1, 1, 1, 1]


@pytest.mark.parametrize("saved", [True, False], ids=["saved", "not_saved"])
async def test_data_off_survives_a_reboot_only_when_saved(
    proxy: Simulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
    saved: bool,
) -> None:
    """Set, then save: still off after the reboot; without save, on again."""
    await gateway_get(proxy, session, "goip_get_status.html", f"url={receiver.url()}")
    await command(proxy, session, "op=set&data_service_enable(0)=0")
    if saved:
        assert await send(proxy, session, {"type": "command", "op": "save"}) == OK
    state = (await Control(session, proxy).state())["ports"]["1"]
    assert (state["data_service"], state["saved_data_service"]) == (False, not saved)

    assert await command(proxy, session, "op=reboot") == OK
    body = (await receiver.next("dev-status")).body

    assert body["status"][0]["st"] == (3 if saved else 15)
    assert await data_service(proxy, session) == [0 if saved else 1, 1, 1, 1]
    public_ip = (await get_values(proxy, session, "port_public_ip"))[0]
    assert (public_ip == "") is saved


@pytest.mark.parametrize("name", ["data_service_enable", "data_service_enable(0)"])
async def test_sms_firmware_refuses_to_set_data_service(
    simulator: Simulator, session: aiohttp.ClientSession, name: str
) -> None:
    """The SMS firmware answers code 4, as for any parameter it does not know."""
    assert await command(simulator, session, f"op=set&{name}=0") == {
        "code": 4,
        "reason": f"unknown parameter {name}",
    }


# --- LEDs -----------------------------------------------------------------------------


async def test_ledon_and_ledoff_blink_and_stop_a_port_led(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """The LEDs of the ports named blink after ledon (JSON or query form) until ledoff."""
    assert (
        await send(
            simulator, session, {"type": "command", "op": "ledon", "ports": "2,3"}
        )
        == OK
    )
    assert await command(simulator, session, "op=ledon&port=4") == OK
    leds = {n: port["led"] for n, port in (await control.state())["ports"].items()}
    assert leds == {"1": False, "2": True, "3": True, "4": True}

    assert (
        await send(
            simulator, session, {"type": "command", "op": "ledoff", "ports": "3"}
        )
        == OK
    )

    leds = {n: port["led"] for n, port in (await control.state())["ports"].items()}
    assert leds == {"1": False, "2": True, "3": False, "4": True}


async def test_led_of_an_unknown_port_is_refused(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """Code 2 for a port the gateway does not have; no LED changes."""
    body = {"type": "command", "op": "ledon", "ports": "9"}
    assert await send(simulator, session, body) == {
        "code": 2,
        "reason": "unknown port 9",
    }
    state = await control.state()
    assert not any(port["led"] for port in state["ports"].values())
