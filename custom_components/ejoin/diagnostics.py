"""Diagnostics: what a support request needs, without SIM identities or secrets."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import datetime
from enum import Enum
from ipaddress import ip_address
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_DEFAULT_RECIPIENTS, CONF_REPORT_URL, CONF_WEBHOOK_ID
from .log_limit import cut
from .pyejoin import (
    DeviceStatusReport,
    EjoinMalformedReportError,
    UnknownReport,
    load_json_object,
    parse_report,
)
from .runtime import EjoinConfigEntry

# Credentials, the webhook (whoever knows its id can post reports), SIM and modem
# identities, phone numbers and message texts, under every name the gateway uses.
TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    CONF_REPORT_URL,
    CONF_DEFAULT_RECIPIENTS,
    "url",
    "sms_url",
    "sr_url",
    "imei",
    "imsi",
    "iccid",
    "sn",
    "sim_number",
    "number",
    "numbers",
    "sms",
    "text",
    "sender",
    "recipient",
    "recver",
    "receiver",
    "caller",
    "callee",
    "to",
    "from",
    "sdr",
    "fdr",
    "sent_to",
    "failed_to",
    "smsc",
    "sip_usr",
    "dataflow_url",
    "last_url",
}


def plain(value: Any) -> Any:
    """Turn the protocol package's dataclasses, enums and sets into JSON values.

    A port state's ``carried`` (which fields the reports named) is left out: some
    forty names per port say little to a support request.
    """
    if is_dataclass(value) and not isinstance(value, type):
        fields = asdict(value)
        fields.pop("carried", None)
        return plain(fields)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, set | frozenset):
        # Unknown keys of port objects: a stranger's names, of any length and number.
        return sorted(cut(str(item)) for item in value)[:SHOWN_ITEMS]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


# Real reports nest four levels deep; a refused body may nest thousands, which would
# overflow the recursion of the redaction.
REPORT_DEPTH_SHOWN = 16


def depth(value: Any) -> int:
    """Return how deeply lists and objects nest in a JSON value (without recursion)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest


def raw_report(body: bytes | None, size: int) -> Any:
    """Return a kept report as it came, if it is a JSON object; else what it was."""
    if body is None:
        return {"bytes": size, "body": "not kept (too large)"}
    try:
        report = load_json_object(body)
    except EjoinMalformedReportError as err:
        return {"bytes": size, "body": str(err)}
    if not isinstance(report, dict):
        # Only objects are reports; anything else could hide a text from redaction.
        return {"bytes": size, "body": "not a JSON object"}
    if depth(report) > REPORT_DEPTH_SHOWN:
        return {"bytes": size, "body": "nested too deeply to show"}
    if "data" in report:
        # In a sent-sms, "data" is the message; elsewhere it names data usage.
        report["data"] = REDACTED
    try:
        parsed = parse_report(report)
    except EjoinMalformedReportError:
        parsed = None
    if parsed is None or isinstance(parsed, UnknownReport):
        # Nothing of a report this integration does not know can be told safe, not
        # even its type: only the names of its keys are shown.
        return {
            "bytes": size,
            "type": REDACTED,
            "keys": sorted(cut(str(key)) for key in report)[:SHOWN_ITEMS],
        }
    unknown = set(parsed.unknown_keys)
    if isinstance(parsed, DeviceStatusReport):
        for port in parsed.ports:
            unknown |= port.unknown_keys
    return _known_values_only(report, unknown)


def _known_values_only(value: Any, unknown: set[str]) -> Any:
    """Redact the values of keys this integration does not know, anywhere in a report.

    What a gateway sends under a name nobody knows may be anything at all.
    """
    if isinstance(value, dict):
        return {
            key: REDACTED if key in unknown else _known_values_only(item, unknown)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_known_values_only(item, unknown) for item in value]
    return value


# The longest text and key a dump shows, and the most items of a set: a real gateway's
# values are far shorter, a stranger's may be megabytes.
TEXT_SHOWN = 100
KEY_SHOWN = 40
SHOWN_ITEMS = 20


def bounded(value: Any) -> Any:
    """Cut every text and key of a JSON value to a length a real gateway never passes."""
    if isinstance(value, dict):
        return {cut(str(key), KEY_SHOWN): bounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [bounded(item) for item in value]
    if isinstance(value, str):
        return cut(value, TEXT_SHOWN)
    return value


def mask_address(text: str) -> str:
    """Replace an IP address by its version; unspecified ("0.0.0.0") says there is none."""
    try:
        address = ip_address(text.strip())
    except ValueError:
        return text
    return text if address.is_unspecified else f"{REDACTED} (IPv{address.version})"


def op_get_reply(value: Any) -> Any:
    """Show a gateway's op=get answer by its shape: names and types, no secrets.

    Keys are redacted without regard to case (firmware writes ``Sms_url`` too), and
    each IP address is masked, also inside a comma-separated list.
    """
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in TO_REDACT else op_get_reply(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [op_get_reply(item) for item in value]
    if isinstance(value, str):
        return ",".join(mask_address(part) for part in value.split(","))
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EjoinConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings, the gateway's live state and its last reports."""
    runtime = entry.runtime_data
    gateway = runtime.gateway
    inbox = runtime.inbox
    public_ips = runtime.public_ips
    data = {
        "entry": {
            "title": entry.title,
            "config": dict(entry.data),
            "options": dict(entry.options),
        },
        "gateway": {
            "mac": gateway.mac,
            "firmware": gateway.firmware,
            "max_ports": gateway.max_ports,
            "max_slots": gateway.max_slots,
            "expires": gateway.expires,
            "available": gateway.available,
            "last_report": gateway.last_report,
            "last_push": gateway.last_push,
            "registered_ports": gateway.registered_ports,
            "ports": {str(port): gateway.ports[port] for port in sorted(gateway.ports)},
            "slots": {
                str(port): {str(slot): state for slot, state in slots.items()}
                for port, slots in sorted(gateway.slots.items())
            },
        },
        "sms_store": {
            "ssrc": inbox.ssrc,
            "position": inbox.position,
            "seen_remembered": inbox.remembered,
        },
        "proxy": None
        if public_ips is None
        else {
            # The addresses themselves identify the user; how many there are is enough.
            "ports_with_public_ip": len(public_ips.data.public_ips)
            if public_ips.data
            else 0,
            "ports_with_traffic": len(public_ips.data.traffic)
            if public_ips.data
            else 0,
            "last_update_success": public_ips.last_update_success,
        },
        # The gateway's last answers to op=get (public IPs, traffic, SMS URL) as they
        # came: no public capture of their shape exists.
        "get_replies": [
            {"asked": names, "reply": op_get_reply(reply)}
            for names, reply in runtime.client.get_replies.items()
        ],
        "last_reports": [
            {"received_at": raw.received_at, "report": raw_report(raw.body, raw.size)}
            for raw in runtime.ingest.raw_reports
        ],
    }
    shown: dict[str, Any] = bounded(async_redact_data(plain(data), TO_REDACT))
    return shown
