"""Wrong logins, in each of the forms a real gateway might answer them (``bad_login``).

No capture of a refused login exists, so the simulator offers them all; none is the
tidy JSON-with-401 a client would guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ejoin_simulator import Gateway, Simulator

from .conftest import JSON_TYPE, WRONG_PASSWORD, Control, gateway_get

if TYPE_CHECKING:
    import aiohttp

    from .conftest import Answer, StartSimulator

ENDPOINTS = [
    ("goip_get_status.html", "url=http%3A%2F%2F127.0.0.1%3A9%2Fx&period=60"),
    ("goip_send_cmd.html", "op=lock&port=1"),
    ("goip_send_cmd.html", "op=set&sms_url=http%3A%2F%2F127.0.0.1%3A9%2Fs"),
    ("goip_get_sms.html", "sms_id=1"),
    ("goip_get_sms_stat.html", ""),
    ("goip_get_call_stat.html", ""),
]
WRONG_LOGINS = {
    "wrong-password": f"username=root&password={WRONG_PASSWORD}",
    "wrong-user": "username=admin&password=root",
    "none": "",
}


async def refused(simulator: Simulator, session: aiohttp.ClientSession) -> list[Answer]:
    """Call every gateway endpoint with each wrong login; return the answers."""
    return [
        await gateway_get(
            simulator,
            session,
            path,
            "&".join(part for part in (login, query) if part),
            login=False,
        )
        for path, query in ENDPOINTS
        for login in WRONG_LOGINS.values()
    ]


async def assert_nothing_changed(control: Control) -> None:
    """No refused request changed the gateway."""
    state = await control.state()
    assert (state["report_url"], state["report_period"], state["sms_url"]) == (
        None,
        0,
        None,
    )
    assert state["ports"]["1"]["locked"] is False


def assert_login_page(answer: Answer) -> None:
    """Check for the login page: a form to /login.html with a password field."""
    assert answer.headers["Content-Type"] == "text/html"
    page = answer.text
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert '<form method="post" action="/login.html">' in page
    assert '<input type="text" name="username">' in page
    assert '<input type="password" name="password">' in page


async def test_html_answers_the_login_page_with_200(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """The default: HTTP 200 and the login page, for every endpoint and wrong login."""
    assert simulator.bad_login == "html"
    answers = await refused(simulator, session)
    assert len(answers) == len(ENDPOINTS) * len(WRONG_LOGINS)
    for answer in answers:
        assert answer.status == 200
        assert_login_page(answer)
    page = await gateway_get(simulator, session, "login.html", login=False)
    assert page.status == 200
    assert page.text == answers[0].text  # where a browser would be sent
    await assert_nothing_changed(control)


@pytest.mark.parametrize(
    ("form", "status", "content_type", "check"),
    [
        ("401", 401, "text/html", "401 Unauthorized"),
        ("json", 200, JSON_TYPE, '{"code": 1, "reason": "Invalid User"}'),
    ],
)
async def test_401_and_json_forms(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    form: str,
    status: int,
    content_type: str,
    check: str,
) -> None:
    """401 with an HTML page saying so; or HTTP 200 with a JSON error code 1."""
    simulator = await start_simulator(bad_login=form)
    for answer in await refused(simulator, session):
        assert (answer.status, answer.headers["Content-Type"]) == (status, content_type)
        if form == "json":
            assert answer.json() == {"code": 1, "reason": "Invalid User"}
        else:
            assert "<title>401 Unauthorized</title>" in answer.text
        assert check in answer.text
    await assert_nothing_changed(Control(session, simulator))


async def test_redirect_form_sends_to_the_login_page(
    start_simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    """HTTP 302 to /login.html with no body; following it gives the login page."""
    simulator = await start_simulator(bad_login="redirect")
    for answer in await refused(simulator, session):
        assert answer.status == 302
        assert answer.headers["Location"] == "/login.html"
        assert answer.text == ""
    async with session.get(
        f"{simulator.url}/goip_get_status.html?username=root&password=x"
    ) as followed:
        assert followed.status == 200
        assert str(followed.url) == f"{simulator.url}/login.html"
        assert '<input type="password" name="password">' in await followed.text()
    await assert_nothing_changed(Control(session, simulator))


async def test_credential_names_are_not_case_sensitive_but_values_are(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """Username=/Password= log in, as in vendor examples; Root/Root does not."""
    good = await gateway_get(
        simulator,
        session,
        "goip_get_status.html",
        "Username=root&Password=root",
        login=False,
    )
    assert good.status == 200
    assert good.json()["type"] == "dev-status"
    bad = await gateway_get(
        simulator,
        session,
        "goip_get_status.html",
        "username=Root&password=Root",
        login=False,
    )
    assert bad.status == 200
    assert_login_page(bad)


def test_an_unknown_form_is_refused() -> None:
    """bad_login must name one of the four forms."""
    gateway = Gateway.create(ports=1, slots=1, mac="00-30-f1-00-00-01", firmware="1")
    with pytest.raises(ValueError, match="bad_login must be one of"):
        Simulator(gateway, bad_login="teapot")
