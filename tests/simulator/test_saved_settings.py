"""Running and saved configuration: op=set changes the running one, only save keeps it.

The report URL, period and all_sims of goip_get_status.html are remembered anyway.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .conftest import Control, PushReceiver, gateway_get

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator


async def get_json(
    simulator: Simulator, session: aiohttp.ClientSession, path: str, query: str = ""
) -> Any:
    """GET a gateway endpoint and return its JSON answer."""
    answer = await gateway_get(simulator, session, path, query)
    assert answer.status == 200
    return answer.json()


async def command(
    simulator: Simulator, session: aiohttp.ClientSession, query: str
) -> Any:
    """GET goip_send_cmd.html with a query; return its answer."""
    return await get_json(simulator, session, "goip_send_cmd.html", query)


async def post(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    *,
    json_body: dict[str, Any] | None = None,
    text_body: str | None = None,
) -> Any:
    """POST a JSON command or a text/plain parameter body to goip_send_cmd.html."""
    async with session.post(
        f"{simulator.url}/goip_send_cmd.html",
        params={"username": "root", "password": "root"},
        json=json_body,
        data=text_body,
        headers={"Content-Type": "text/plain"} if text_body is not None else None,
    ) as response:
        assert response.status == 200
        return await response.json(content_type=None)


async def reboot(
    simulator: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> dict[str, Any]:
    """Reboot with op=reboot and wait for the dev-status it sends when back."""
    assert await command(simulator, session, "op=reboot") == {"code": 0, "reason": "OK"}
    return (await receiver.next("dev-status")).body


async def test_sms_url_set_without_save_is_gone_after_a_reboot(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """Before the reboot SMS go to the SMS URL; after it, nowhere (only stored)."""
    await get_json(simulator, session, "goip_get_status.html", f"url={receiver.url()}")
    sms_url = receiver.url("/sms")
    assert await command(simulator, session, f"op=set&sms_url={quote(sms_url)}") == {
        "code": 0,
        "reason": "OK",
    }
    state = await control.state()
    assert (state["sms_url"], state["saved_sms_url"]) == (sms_url, None)
    await control.post("sms", {"port": 1, "text": "before"})
    assert (await receiver.next("recv-sms")).path == "/sms"

    await reboot(simulator, session, receiver)
    state = await control.state()
    assert (state["sms_url"], state["saved_sms_url"]) == (None, None)
    assert await command(simulator, session, "op=get&sms_url") == {
        "code": 0,
        "reason": "OK",
        "sms_url": "",
    }
    await control.post("sms", {"port": 1, "text": "after"})
    await control.post("port", {"port": 4})
    await receiver.next("port-status")  # in order: a recv-sms would have come first
    assert [push.path for push in receiver.of_type("recv-sms")] == ["/sms"]
    stored = await get_json(simulator, session, "goip_get_sms.html")
    assert [base64.b64decode(row[5]).decode() for row in stored["data"]] == [
        "before",
        "after",
    ]


async def test_sms_url_saved_survives_a_reboot(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """set, then save: after the reboot the SMS URL is there and SMS are pushed to it."""
    await get_json(simulator, session, "goip_get_status.html", f"url={receiver.url()}")
    sms_url = receiver.url("/sms")
    await command(simulator, session, f"op=set&sms_url={quote(sms_url)}")
    assert await command(simulator, session, "op=save") == {"code": 0, "reason": "OK"}
    assert (await control.state())["saved_sms_url"] == sms_url
    await reboot(simulator, session, receiver)
    state = await control.state()
    assert (state["sms_url"], state["saved_sms_url"]) == (sms_url, sms_url)
    await control.post("sms", {"port": 2, "text": "kept"})
    push = await receiver.next("recv-sms")
    assert push.path == "/sms"
    assert base64.b64decode(push.body["sms"][0][5]).decode() == "kept"


async def test_save_inside_multiple_keeps_sim_numbers(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """What a save in ``multiple`` kept comes back; later unsaved changes do not."""
    await get_json(simulator, session, "goip_get_status.html", f"url={receiver.url()}")
    original = (await control.state())["ports"]["2"]["sims"]["1"]["number"]
    # sim_number(n), n = (port - 1) * slots + (slot - 1): 4 is port 2, slot 1.
    assert await post(simulator, session, text_body="sim_number(4)=+4915111111111") == {
        "code": 0,
        "reason": "OK",
        "par_set": 1,
    }
    assert await post(
        simulator,
        session,
        json_body={
            "type": "command",
            "op": "multiple",
            "ops": [{"op": "save"}, {"op": "lock", "ports": "3"}],
        },
    ) == {"code": 0, "reason": "OK"}
    await post(simulator, session, text_body="sim_number(4)=+4915122222222")
    state = await control.state()
    assert state["ports"]["2"]["sims"]["1"]["number"] == "+4915122222222"
    assert state["ports"]["2"]["sims"]["1"]["saved_number"] == "+4915111111111"

    body = await reboot(simulator, session, receiver)
    assert body["status"][1]["sn"] == "+4915111111111"
    state = await control.state()
    assert state["ports"]["2"]["sims"]["1"]["number"] == "+4915111111111"
    assert original != "+4915111111111"


async def test_unsaved_sim_number_is_gone_after_a_reboot(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """A number set without save is reported until the reboot, then the old one."""
    await get_json(simulator, session, "goip_get_status.html", f"url={receiver.url()}")
    original = (await control.state())["ports"]["1"]["sims"]["1"]["number"]
    await post(simulator, session, text_body="sim_number(0)=+4915133333333")
    status = await get_json(simulator, session, "goip_get_status.html")
    assert status["status"][0]["sn"] == "+4915133333333"
    body = await reboot(simulator, session, receiver)
    assert body["status"][0]["sn"] == original


async def test_report_settings_survive_a_reboot_without_save(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """URL, period and all_sims of goip_get_status.html are remembered by the device."""
    await get_json(
        simulator,
        session,
        "goip_get_status.html",
        f"url={quote(receiver.url())}&period=60&all_sims=1",
    )
    assert await control.post("reboot") == {"rebooting": True, "seconds": 0.3}
    push = await receiver.next("dev-status")
    assert push.path == "/reports"
    assert len(push.body["status"]) == 16  # every slot of 4 ports: all_sims is kept
    state = await control.state()
    assert (state["report_url"], state["report_period"], state["all_sims"]) == (
        receiver.url(),
        60,
        True,
    )
