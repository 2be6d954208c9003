"""Speak the gateway's HTTP API.

The gateway takes ``username`` and ``password`` as query parameters on every request, so
the full URL is a secret: :meth:`EjoinClient._request` is the only place that builds it,
and every error it raises carries a message with the password removed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
import json
import re
from typing import Any, Final
from urllib.parse import quote, quote_plus

import aiohttp
from yarl import URL

from .exceptions import (
    EjoinAuthenticationError,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinError,
    EjoinMalformedReplyError,
    EjoinMalformedReportError,
    EjoinTimeoutError,
)
from .models import (
    DeviceStatusReport,
    ReportProblem,
    SmsTask,
    Statistics,
    StoredSms,
    TaskStatus,
)
from .ports import PortAddress, ports_expression
from .reports import load_json_object, parse_report, parse_sms_rows, read_integer

SUCCESS_CODES: Final = frozenset({0, 200})
JSON_CONTENT_TYPE: Final = "application/json;charset=utf-8"
TEXT_CONTENT_TYPE: Final = "text/plain;charset=utf-8"
_AUTH_REASON = re.compile(
    r"invalid user|unauthori[sz]ed|authenticat\w* fail|login (fail|required)|denied"
    r"|(wrong|bad|invalid|incorrect) (user|username|password|passwd|credentials)"
    r"|(password|passwd) (error|wrong|incorrect|invalid)",
    re.IGNORECASE,
)
AUTH_TASK_CODES: Final = frozenset({1, 14})  # "Invalid User", "Unauthorized"
# Reply codes that refuse the login whatever the reason says: 14 and the HTTP ones.
AUTH_REPLY_CODES: Final = frozenset({14, 401, 403})
STATUS_PATH: Final = "goip_get_status.html"
_INDEXED_NAME = re.compile(r"^(?P<name>[A-Za-z_]+)\((?P<index>\d+)\)$")
# The web interface's login page, which some firmware serves (with 200) to a request
# whose credentials it rejects; the API itself only ever answers JSON. A page is one
# with a password field, or a form that says "log in" or "sign in".
_PASSWORD_FIELD = re.compile(rb"<input[^>]*type\s*=\s*[\"']?password", re.IGNORECASE)
_LOGIN_WORDS = re.compile(rb"\b(?:log|sign)\s?-?\s?(?:in|on)\b", re.IGNORECASE)
# op=get replies kept for diagnostics, by the names asked for: their shape varies.
GET_REPLIES_KEPT: Final = 8

type Ports = str | Iterable[PortAddress]
"""Ports of a command: ``"all"``, a ready ``ports`` string, or addresses."""


class CommandOp(StrEnum):
    """Operations of ``goip_send_cmd.html``."""

    LOCK = "lock"
    UNLOCK = "unlock"
    SWITCH = "switch"
    RESET = "reset"
    REDIAL = "redial"
    SAVE = "save"
    REBOOT = "reboot"
    LED_ON = "ledon"
    LED_OFF = "ledoff"


class RedialMode(IntEnum):
    """How a port redials."""

    FLIGHT = 0  # the SIM re-registers; the public IP usually changes
    FAST = 1  # the data session is redialled without re-registering


class StatisticsPeriod(IntEnum):
    """Time span of SMS and call statistics."""

    LAST_HOUR = 0
    LAST_TWO_HOURS = 1
    TODAY = 2
    CUMULATIVE = 3


@dataclass(frozen=True, kw_only=True)
class Command:
    """One operation on some ports, as one entry of a command request."""

    op: CommandOp
    ports: str | None = None
    mode: RedialMode | None = None
    delay: int | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the command as the gateway's JSON names it."""
        body: dict[str, Any] = {"op": str(self.op)}
        if self.ports is not None:
            body["ports"] = self.ports
        if self.mode is not None:
            body["mode"] = int(self.mode)
        if self.delay is not None:
            body["delay"] = self.delay
        return body


def ports_text(ports: Ports, *, whole_ports: bool = False) -> str:
    """Turn a ports argument into the gateway's ``ports`` string.

    ``whole_ports`` drops slots (``reset`` acts on the module, not on a SIM).
    """
    if isinstance(ports, str):
        if not ports.strip():
            raise ValueError("a command needs at least one port")
        return ports.strip()
    addresses = [address.port_only if whole_ports else address for address in ports]
    if not addresses:
        raise ValueError("a command needs at least one port")
    return ports_expression(addresses)


def sim_number_index(address: PortAddress, slots_per_port: int) -> int:
    """Index of a SIM in ``sim_number(n)``: ``(port - 1) * slots + (slot - 1)``."""
    if address.slot is None or not 1 <= address.slot <= slots_per_port:
        raise ValueError(f"{address} is not a SIM slot of a {slots_per_port}-slot port")
    return (address.port - 1) * slots_per_port + address.slot - 1


def _base_name(name: str) -> str:
    """Fold the spellings the vendor uses for one parameter (Ports_rx_tx, Port_rx_tx …)."""
    folded = name.lower()
    return (
        "port_" + folded.removeprefix("ports_")
        if folded.startswith("ports_")
        else folded
    )


def reply_values(reply: Mapping[str, Any]) -> dict[str, Any]:
    """Return the parameters of an ``op=get`` reply, at its top level or under ``data``.

    Proxy firmware nests them (``{"data": {"port_public_ip": [...]}}``); others answer
    ``{"code": 0, "reason": "OK", "sms_url": "..."}``.
    """
    values = {
        key: value for key, value in reply.items() if key not in ("code", "reason")
    }
    nested = values.get("data")
    if isinstance(nested, Mapping):
        del values["data"]
        values.update(nested)
    return values


def parameter_value(reply: Mapping[str, Any], name: str) -> Any:
    """Return one parameter of an ``op=get`` reply, its name matched without case."""
    wanted = name.lower()
    for key, value in reply_values(reply).items():
        if key.lower() == wanted:
            return value
    return None


def port_values(reply: Mapping[str, Any], name: str) -> dict[int, str]:
    """Read a per-port parameter from an ``op=get`` reply, whatever shape it came in.

    Every shape seen or plausible is accepted, at the top level or under ``data``: a
    list or a comma-separated string in port order, an object keyed by index, or
    ``name(n)`` keys with ``n`` counting from 0. Keys match without regard to case.
    Returns values by port.
    """
    wanted = _base_name(name)
    values: dict[int, str] = {}
    for key, value in reply_values(reply).items():
        indexed = _INDEXED_NAME.match(key)
        if indexed and _base_name(indexed["name"]) == wanted:
            if value is not None and str(value).strip():
                values[int(indexed["index"]) + 1] = str(value).strip()
            continue
        if _base_name(key) != wanted:
            continue
        if isinstance(value, str):
            items: Iterable[tuple[Any, Any]] = enumerate(value.split(","))
        elif isinstance(value, list):
            items = enumerate(value)
        elif isinstance(value, Mapping):
            items = value.items()
        else:
            continue
        for index, item in items:
            if str(index).isdigit() and item is not None and str(item).strip():
                values[int(index) + 1] = str(item).strip()
    return values


class EjoinClient:
    """An Ejoin gateway's HTTP API, over a session the caller owns."""

    def __init__(
        self,
        host: str,
        *,
        username: str,
        password: str,
        session: aiohttp.ClientSession,
        port: int = 80,
        timeout: float = 10.0,
    ) -> None:
        """Remember where the gateway is and how to log in; nothing is sent yet."""
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._session = session
        self._timeout = timeout
        self._base = URL.build(scheme="http", host=host, port=port)
        # The last reply to each op=get, as it came (for diagnostics).
        self.get_replies: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        """Name the gateway without its credentials."""
        return f"EjoinClient(host={self._host!r}, port={self._port})"

    @property
    def host(self) -> str:
        """Host name or address of the gateway."""
        return self._host

    @property
    def port(self) -> int:
        """TCP port of the gateway's web server."""
        return self._port

    def scrub(self, text: str) -> str:
        """Remove the password, in every form a URL may carry it, from a text."""
        if self._password:
            forms = {
                self._password,
                quote(self._password, safe=""),
                quote(self._password),
                quote_plus(self._password),
                URL.build(query={"p": self._password}).raw_query_string[2:],
            }
            for form in sorted(forms, key=len, reverse=True):
                text = text.replace(form, "***")
        return re.sub(r"(?i)(password=)[^&\s'\"]*", r"\1***", text)

    def _url(self, path: str, query: Sequence[tuple[str, str | None]]) -> URL:
        """Build a request URL; a parameter with value None is sent as a bare name."""
        items = [("username", self._username), ("password", self._password), *query]
        query_string = "&".join(
            quote(key, safe="()_")
            if value is None
            else f"{quote(key, safe='()_')}={quote(value, safe='')}"
            for key, value in items
        )
        return URL(f"{self._base}/{path}?{query_string}", encoded=True)

    async def _request(
        self,
        path: str,
        *,
        query: Sequence[tuple[str, str | None]] = (),
        json_body: Any = None,
        text_body: str | None = None,
        keep_as: str | None = None,
    ) -> dict[str, Any]:
        """Send one request and return the gateway's JSON reply, or raise a package error.

        With ``keep_as``, the reply (a JSON object, refusal or not) is kept under that
        name in :attr:`get_replies`.
        """
        url = self._url(path, query)
        if json_body is not None:
            # UTF-8 on the wire, as "chs": "utf8" promises, not \u escapes.
            data: bytes | None = json.dumps(json_body, ensure_ascii=False).encode()
            headers: dict[str, str] | None = {"Content-Type": JSON_CONTENT_TYPE}
        elif text_body is not None:
            data, headers = text_body.encode(), {"Content-Type": TEXT_CONTENT_TYPE}
        else:
            data, headers = None, None
        where = f"{self._host}:{self._port}"
        failure: EjoinError | None = None
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    "GET" if data is None else "POST",
                    url,
                    data=data,
                    headers=headers,
                    allow_redirects=False,  # never hand the credentials to another URL
                ) as response,
            ):
                status = response.status
                content_type = response.headers.get("Content-Type", "")
                location = response.headers.get("Location", "")
                body = await response.read()
        except TimeoutError:
            failure = EjoinTimeoutError(
                f"gateway {where} did not answer /{path} within {self._timeout:g} s"
            )
        except aiohttp.ClientError as err:
            detail = self.scrub(f"{type(err).__name__}: {err}")
            failure = EjoinConnectionError(f"cannot talk to gateway {where}: {detail}")
        if failure is not None:
            # Raised outside the except block, so that aiohttp's error, whose text
            # holds the URL and so the password, is not kept as its context.
            raise failure

        if status in (401, 403):
            raise EjoinAuthenticationError(
                f"gateway {where} rejected the username or password (HTTP {status})"
            )
        if (300 <= status < 400 and "login" in location.lower()) or (
            status < 300 and _is_login_page(content_type, body)
        ):
            # The web interface's login page, or a redirect to it. An endpoint this
            # firmware lacks might answer so too: the status page, which every
            # firmware has, tells whether the login itself is refused.
            if path == STATUS_PATH or await self._login_refused():
                raise EjoinAuthenticationError(
                    f"gateway {where} rejected the username or password "
                    "(it answered with its login page)"
                )
            raise EjoinCommandError(
                status, f"/{path} answered with a web page, not the API"
            )
        if status >= 300:
            raise EjoinCommandError(status, f"HTTP {status} for /{path}")
        try:
            reply = load_json_object(body)
        except EjoinMalformedReportError:
            raise EjoinMalformedReplyError(
                f"gateway {where} answered /{path} with something that is not JSON"
            ) from None
        if not isinstance(reply, dict):
            raise EjoinMalformedReplyError(
                f"gateway {where} answered /{path} with JSON that is not an object"
            )
        if keep_as is not None:
            self.get_replies.pop(keep_as, None)
            self.get_replies[keep_as] = reply
            while len(self.get_replies) > GET_REPLIES_KEPT:
                del self.get_replies[next(iter(self.get_replies))]
        self._raise_for_code(reply)
        return reply

    async def _login_refused(self) -> bool:
        """Whether the gateway refuses the login itself (asked of its status page)."""
        try:
            await self._request(STATUS_PATH)
        except EjoinAuthenticationError:
            return True
        except EjoinError:
            return False  # another failure says nothing of the login
        return False

    def _raise_for_code(self, reply: Mapping[str, Any]) -> None:
        """Raise when a reply carries a code other than the two success codes."""
        if "code" not in reply:
            return
        code = read_integer(reply["code"])
        if code in SUCCESS_CODES:
            return
        given = reply.get("reason") or reply.get("desc")
        reason = self.scrub(str(given or "no reason given"))
        # 14 "Unauthorized" and 1 "Invalid User", as the SMS task codes name them;
        # 1 only without another reason, as it is the first code of any list.
        if (
            _AUTH_REASON.search(reason)
            or code in AUTH_REPLY_CODES
            or (code in AUTH_TASK_CODES and not given)
        ):
            raise EjoinAuthenticationError(
                f"gateway rejected the username or password: {reason}"
            )
        raise EjoinCommandError(code, reason)

    async def get_status(
        self,
        *,
        report_url: str | None = None,
        period: int | None = None,
        all_sims: bool | None = None,
    ) -> DeviceStatusReport:
        """Read the gateway's status; optionally tell it where and how often to report.

        ``period`` 0 stops periodic reports. The gateway answers with a ``dev-status``.
        """
        query: list[tuple[str, str | None]] = []
        if report_url is not None:
            query.append(("url", report_url))
        if period is not None:
            query.append(("period", str(period)))
        if all_sims is not None:
            query.append(("all_sims", "1" if all_sims else "0"))
        reply = await self._request(STATUS_PATH, query=query)
        for key in ("code", "reason"):
            reply.pop(key, None)
        if not reply.get("type"):
            reply["type"] = "dev-status"
        try:
            report = parse_report(reply)
        except EjoinMalformedReportError:
            report = None
        if not isinstance(report, DeviceStatusReport):
            raise EjoinMalformedReplyError(
                "gateway answered the status request with something other than a dev-status"
            )
        return report

    async def stop_reports(self) -> None:
        """Tell the gateway to push nothing more: no report URL, no period, no SMS URL."""
        await self.get_status(report_url="", period=0)
        await self.set_sms_url("")

    async def send_commands(self, commands: Sequence[Command]) -> None:
        """Run commands in one request (``multiple`` when there are several)."""
        if not commands:
            raise ValueError("no command to send")
        if len(commands) == 1:
            body = {"type": "command", **commands[0].as_json()}
        else:
            body = {
                "type": "command",
                "op": "multiple",
                "ops": [command.as_json() for command in commands],
            }
        await self._request("goip_send_cmd.html", json_body=body)

    async def lock(self, ports: Ports) -> None:
        """Lock ports (a port without a slot locks all its SIMs)."""
        await self.send_commands([Command(op=CommandOp.LOCK, ports=ports_text(ports))])

    async def unlock(self, ports: Ports) -> None:
        """Unlock ports."""
        await self.send_commands(
            [Command(op=CommandOp.UNLOCK, ports=ports_text(ports))]
        )

    async def switch(self, slots: Iterable[PortAddress]) -> None:
        """Make each given SIM slot the active one of its port."""
        addresses = list(slots)
        if any(address.slot is None for address in addresses):
            raise ValueError("switching needs the slot to switch to")
        await self.send_commands(
            [Command(op=CommandOp.SWITCH, ports=ports_text(addresses))]
        )

    async def reset(self, ports: Ports) -> None:
        """Restart the modules of ports."""
        await self.send_commands(
            [Command(op=CommandOp.RESET, ports=ports_text(ports, whole_ports=True))]
        )

    async def redial(
        self,
        ports: Ports,
        *,
        mode: RedialMode = RedialMode.FLIGHT,
        delay: int | None = None,
    ) -> None:
        """Redial ports; in flight mode the SIM re-registers and usually gets a new IP."""
        await self.send_commands(
            [
                Command(
                    op=CommandOp.REDIAL,
                    ports=ports_text(ports, whole_ports=True),
                    mode=mode,
                    delay=delay,
                )
            ]
        )

    async def save(self) -> None:
        """Make the gateway keep its current configuration across reboots."""
        await self.send_commands([Command(op=CommandOp.SAVE)])

    async def reboot(self) -> None:
        """Reboot the whole gateway."""
        await self.send_commands([Command(op=CommandOp.REBOOT)])

    async def get_parameters(self, *names: str) -> dict[str, Any]:
        """Read parameters with ``op=get``; the reply's keys as the gateway sent them."""
        if not names:
            raise ValueError("name at least one parameter")
        query: list[tuple[str, str | None]] = [("op", "get")]
        query += [(name, None) for name in names]
        reply = await self._request(
            "goip_send_cmd.html", query=query, keep_as=",".join(names)
        )
        return reply_values(reply)

    async def set_parameters(
        self, values: Mapping[str, str | int], *, save: bool = True
    ) -> None:
        """Change parameters with ``op=set``, then ``save`` them.

        A value set and not saved is lost at the gateway's next reboot. No source shows
        ``set`` inside a ``multiple`` command, so the save is a request of its own.
        """
        if not values:
            raise ValueError("name at least one parameter")
        query: list[tuple[str, str | None]] = [("op", "set")]
        query += [(name, str(value)) for name, value in values.items()]
        await self._request("goip_send_cmd.html", query=query)
        if save:
            await self.save()

    async def get_sms_url(self) -> str | None:
        """Read the URL the gateway forwards received SMS to."""
        value = parameter_value(await self.get_parameters("sms_url"), "sms_url")
        return value.strip() or None if isinstance(value, str) else None

    async def set_sms_url(self, url: str) -> None:
        """Tell the gateway where to forward received SMS, for good (set, then save)."""
        await self.set_parameters({"sms_url": url})

    async def keep_sms_url(self, url: str) -> bool:
        """Make the gateway forward SMS to ``url`` for good; True when it was told so.

        Set and saved only when the gateway forwards elsewhere: each save writes its
        flash, and would also keep whatever else was changed on it and not saved.
        """
        try:
            current = await self.get_sms_url()
        except (EjoinCommandError, EjoinMalformedReplyError):
            current = None  # a firmware that does not say where: tell it
        if current == (url.strip() or None):
            return False
        await self.set_sms_url(url)
        return True

    async def get_public_ips(self) -> dict[int, str]:
        """Read each port's public IP address (proxy firmware), by port number."""
        reply = await self.get_parameters("port_public_ip")
        return port_values(reply, "port_public_ip")

    async def get_traffic(self) -> dict[int, str]:
        """Read each port's received/sent traffic (proxy firmware), as the gateway writes it."""
        reply = await self.get_parameters("Ports_rx_tx")
        return port_values(reply, "Ports_rx_tx")

    async def set_data_service(self, *, enabled: bool) -> None:
        """Turn mobile data on or off for the whole gateway."""
        await self.set_parameters({"data_service_enable": 1 if enabled else 0})

    async def set_sim_numbers(
        self, numbers: Mapping[PortAddress, str], *, slots_per_port: int
    ) -> int:
        """Store the phone numbers of SIMs; returns how many the gateway set."""
        if not numbers:
            raise ValueError("no SIM number to set")
        # A text/plain body, not a form: "+" stays "+" (quote only what would split it).
        body = "&".join(
            f"sim_number({sim_number_index(address, slots_per_port)})="
            + quote(number, safe="+")
            for address, number in numbers.items()
        )
        reply = await self._request(
            "goip_send_cmd.html", query=[("op", "set")], text_body=body
        )
        await self.save()  # else the numbers are gone at the next reboot
        try:
            return int(reply.get("par_set", len(numbers)))
        except (TypeError, ValueError):
            return len(numbers)

    async def send_sms(
        self,
        tasks: Sequence[SmsTask],
        *,
        status_report_url: str | None = None,
        sms_url: str | None = None,
    ) -> tuple[TaskStatus, ...]:
        """Hand SMS tasks to the gateway; returns its verdict on each."""
        if not tasks:
            raise ValueError("no SMS task to send")
        if any(not task.recipients for task in tasks):
            raise ValueError("an SMS task needs at least one recipient")
        body: dict[str, Any] = {
            "type": "send-sms",
            "task_num": len(tasks),
            "tasks": [_task_json(task) for task in tasks],
        }
        if status_report_url is not None:
            body["sr_url"] = status_report_url
        if sms_url is not None:
            body["sms_url"] = sms_url
        reply = await self._request("goip_post_sms.html", json_body=body)
        rows = reply.get("status")
        if not isinstance(rows, list):
            raise EjoinMalformedReplyError("gateway's SMS reply has no task statuses")
        statuses = []
        for row in rows:
            if not isinstance(row, Mapping):
                raise EjoinMalformedReplyError(
                    "gateway's SMS reply has an odd task status"
                )
            code, _, reason = str(row.get("status", "")).strip().partition(" ")
            try:
                statuses.append(
                    TaskStatus(
                        task_id=int(row["tid"]), code=int(code), reason=reason.strip()
                    )
                )
            except (KeyError, TypeError, ValueError):
                raise EjoinMalformedReplyError(
                    "gateway's SMS reply has an odd task status"
                ) from None
        if statuses and all(status.code in AUTH_TASK_CODES for status in statuses):
            raise EjoinAuthenticationError(
                f"gateway rejected the username or password: {statuses[0].reason}"
            )
        return tuple(statuses)

    async def read_sms(
        self, *, start: int = 1, count: int = 0, delete: bool = False
    ) -> StoredSms:
        """Read stored SMS from position ``start`` (``count`` 0 = all that follow)."""
        reply = await self._request(
            "goip_get_sms.html",
            query=[
                ("sms_id", str(start)),
                ("sms_num", str(count)),
                ("sms_del", "1" if delete else "0"),
            ],
        )
        problems: list[ReportProblem] = []
        messages, reports = parse_sms_rows(reply.get("data"), problems)
        next_index = read_integer(reply.get("next_sms", start))
        if next_index is None:
            raise EjoinMalformedReplyError("gateway's SMS store reply has no next_sms")
        return StoredSms(
            ssrc=str(reply.get("ssrc", "")),
            next_index=next_index,
            messages=messages,
            delivery_reports=reports,
            problems=tuple(problems),
        )

    async def sms_statistics(
        self,
        *,
        ports: str = "all",
        slots: str = "all",
        period: StatisticsPeriod = StatisticsPeriod.TODAY,
    ) -> Statistics:
        """Read SMS statistics; also a cheap check that the credentials work."""
        return await self._statistics("goip_get_sms_stat.html", ports, slots, period)

    async def call_statistics(
        self,
        *,
        ports: str = "all",
        slots: str = "all",
        period: StatisticsPeriod = StatisticsPeriod.TODAY,
    ) -> Statistics:
        """Read call statistics."""
        return await self._statistics("goip_get_call_stat.html", ports, slots, period)

    async def _statistics(
        self, path: str, ports: str, slots: str, period: StatisticsPeriod
    ) -> Statistics:
        reply = await self._request(
            path,
            query=[("ports", ports), ("slots", slots), ("type", str(int(period)))],
        )
        rows = reply.get("stats")
        rows = (
            [row for row in rows if isinstance(row, dict)]
            if isinstance(rows, list)
            else []
        )
        try:
            count = int(reply.get("count", len(rows)))
        except (TypeError, ValueError):
            count = len(rows)
        return Statistics(count=count, rows=tuple(rows))


def _is_login_page(content_type: str, body: bytes) -> bool:
    """Whether a reply is the web interface's login page (never a JSON answer)."""
    head = body[:65536]
    if "html" not in content_type.lower() and not head.lstrip().startswith(b"<"):
        return False
    return _PASSWORD_FIELD.search(head) is not None or (
        b"<form" in head.lower() and _LOGIN_WORDS.search(head) is not None
    )


def _task_json(task: SmsTask) -> dict[str, Any]:
    """One SMS task as the gateway's JSON names it."""
    body: dict[str, Any] = {
        "tid": task.task_id,
        "to": ",".join(task.recipients),
        "sms": task.text,
        "chs": "utf8",
        "smstype": 0,
        "intvl": str(task.interval_ms),
        "tmo": task.timeout_s,
        "sdr": 1,
        "fdr": 1,
        "dr": 1 if task.delivery_report else 0,
    }
    if task.ports:
        body["from"] = task.ports
    return body
