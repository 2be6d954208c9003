"""Read the reports a gateway pushes, in every variant real gateways send.

:func:`parse_report` is the one entry point: it hands a report to the one parser of its
type. It never fails because one port object or one SMS row is odd: such an item is
skipped (or the odd field left empty) and described in the report's ``problems``, and
the rest of the report is returned. Only a body that is not a JSON object with a
``type`` raises :class:`EjoinMalformedReportError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
import json
from typing import Any, Final

from .bodies import JsonLoader, load_json_object
from .exceptions import EjoinMalformedReportError
from .merge import field_value
from .models import (
    CallDirection,
    CallRecord,
    DeviceStatusReport,
    FailedRecipient,
    PortStatusReport,
    Report,
    ReportProblem,
    SentRecipient,
    SmsReceivedReport,
    SmsSentReport,
    TaskProgress,
    TaskProgressReport,
    UnknownReport,
)
from .port_objects import PortMemory, parse_port, parse_ports
from .port_readers import clear_readers
from .port_state import PortState, build_frozen
from .ports import MAX_PORT, MAX_SLOT, PortAddress
from .sms import decode_sms_text, parse_sms_rows
from .values import (
    BadValueError,
    Fields,
    address_text,
    as_address,
    as_integer,
    as_text,
    as_timestamp,
    counter_periods,
    counter_text,
    operator_text,
    problem_of,
)
from .wire import (
    CDR_KEYS,
    CDR_ONLY_KEYS,
    DEV_STATUS_KEYS,
    PORT_KEYS,
    RECV_SMS_KEYS,
    SENT_SMS_KEYS,
    STATUS_REPORT_KEYS,
    carried_fields,
)

_NOTHING: Final[frozenset[str]] = frozenset()


def _parse_dev_status(
    data: Mapping[str, Any], memory: PortMemory | None, owned: bool
) -> DeviceStatusReport:
    """Read a ``dev-status``: the gateway and every port object."""
    problems: list[ReportProblem] = []
    fields = Fields(data, "dev-status", problems)
    raw_ports = data.get("status")
    ports: list[PortState] = []
    if isinstance(raw_ports, list):
        ports = parse_ports(raw_ports, problems, memory, owned=owned)
    elif raw_ports is not None:
        problems.append(
            ReportProblem(item="status", reason="not a list of port objects")
        )
    return DeviceStatusReport(
        type="dev-status",
        sequence=fields.integer("seq"),
        expires=fields.integer("expires"),
        mac=fields.text("mac"),
        ip=fields.text("ip"),
        firmware=fields.text("ver"),
        max_ports=fields.count("max-ports", MAX_PORT),
        max_slots=fields.count(
            "max-slot" if "max-slot" in data else "max-slots", MAX_SLOT
        ),
        ports=tuple(ports),
        problems=tuple(problems),
        unknown_keys=frozenset(data) - DEV_STATUS_KEYS,
    )


def _parse_port_status(
    data: Mapping[str, Any], memory: PortMemory | None, owned: bool
) -> PortStatusReport:
    """Read a ``port-status``: one port object."""
    problems: list[ReportProblem] = []
    port = parse_port(data, "port-status", problems, memory, owned=owned)
    mac = Fields(data, "port-status", problems).text("mac") if "mac" in data else None
    unknown_keys = port.unknown_keys if port else _NOTHING
    # Built at once (see build_frozen): this runs for every port-status pushed.
    return build_frozen(
        PortStatusReport,
        {
            "type": "port-status",
            "problems": tuple(problems),
            "unknown_keys": unknown_keys - {"mac"} if unknown_keys else _NOTHING,
            "port": port,
            "mac": mac,
        },
    )


def _parse_recv_sms(
    data: Mapping[str, Any], memory: PortMemory | None, owned: bool
) -> SmsReceivedReport:
    """Read a ``recv-sms``: rows of received messages and delivery reports."""
    problems: list[ReportProblem] = []
    fields = Fields(data, "recv-sms", problems)
    messages, reports = parse_sms_rows(data.get("sms"), problems)
    return SmsReceivedReport(
        type="recv-sms",
        remote_sim=fields.integer("sim_src") == 1,
        messages=messages,
        delivery_reports=reports,
        problems=tuple(problems),
        unknown_keys=frozenset(data) - RECV_SMS_KEYS,
    )


def _parse_sent_sms(
    data: Mapping[str, Any], memory: PortMemory | None, owned: bool
) -> SmsSentReport:
    """Read a ``sent-sms``: the outcome of one SMS of a task."""
    problems: list[ReportProblem] = []
    fields = Fields(data, "sent-sms", problems)
    address = fields.read("port", as_address, None)
    code, status_text = fields.code_and_text("status")
    raw_text = data.get("data")
    text = raw_text if isinstance(raw_text, str) else fields.text("data")
    if text is not None and (fields.text("charset") or "").upper() == "BASE64":
        text, decoded = decode_sms_text(text)
        if not decoded:
            problems.append(
                ReportProblem(
                    item="sent-sms data", reason="not base64 of UTF-8; kept as sent"
                )
            )
    return SmsSentReport(
        type="sent-sms",
        mac=fields.text("mac"),
        address=address,
        task_id=fields.integer("sms_tid"),
        status_code=code,
        status_text=status_text,
        sent_at=fields.timestamp("time"),
        duration_ms=fields.integer("dur"),
        recipient=fields.text("recver" if "recver" in data else "receiver"),
        smsc=fields.text("smsc"),
        text=text,
        problems=tuple(problems),
        unknown_keys=frozenset(data) - SENT_SMS_KEYS,
    )


def _parse_cdr(
    data: Mapping[str, Any], memory: PortMemory | None, owned: bool
) -> CallRecord:
    """Read a ``cdr``: a call record, with the SIM fields of the calling port."""
    problems: list[ReportProblem] = []
    fields = Fields(data, "cdr", problems)
    sim_fields = {key: value for key, value in data.items() if key not in CDR_ONLY_KEYS}
    port = parse_port(sim_fields, "cdr port", problems) if "port" in data else None
    if port is not None:
        # A call record's SIM fields describe the calling SIM; an empty one says
        # nothing, nor does its balance of "0.00", which the vendor's own example
        # carries whatever the SIM's balance is.
        said = frozenset(
            name
            for name in port.carried
            if field_value(port, name) is not None
            and not (name == "balance" and port.balance == 0)
        )
        port = replace(
            port, balance=None if port.balance == 0 else port.balance, carried=said
        )
    hangup_code, hangup_reason = fields.code_and_text("reason")
    module_code, module_reason = fields.code_and_text("gw_reason")
    direction_text = (fields.text("cdir") or "").upper()
    return CallRecord(
        type="cdr",
        mac=fields.text("mac"),
        address=port.address if port else None,
        call_id=fields.text("cid"),
        direction=CallDirection(direction_text)
        if direction_text in CallDirection
        else None,
        caller=fields.text("caller"),
        callee=fields.text("callee"),
        started_at=fields.timestamp("begin"),
        alerted_at=fields.timestamp("alert"),
        answered_at=fields.timestamp("answer"),
        updated_at=fields.timestamp("update"),
        ended_at=fields.timestamp("end"),
        hangup_code=hangup_code,
        hangup_reason=hangup_reason,
        module_hangup_code=module_code,
        module_hangup_reason=module_reason,
        port=port,
        problems=tuple(problems),
        unknown_keys=frozenset(data) - CDR_KEYS - PORT_KEYS,
    )


def _recipient_row(row: Any) -> tuple[int, str, PortAddress | None, datetime | None]:
    """Read the first four values of an ``sdr``/``fdr`` row: index, number, port, time."""
    if not isinstance(row, list) or len(row) < 4:
        raise BadValueError("not a row of at least 4 values")
    index = as_integer(row[0])
    number = as_text(row[1])
    if index is None or number is None:
        raise BadValueError("no index or number")
    address = as_address(row[2]) if as_text(row[2]) else None
    return index, number, address, as_timestamp(row[3])


def _parse_task(
    data: Any, item: str, problems: list[ReportProblem]
) -> TaskProgress | None:
    """Read one task of a ``status-report``; None when it has no task id."""
    if not isinstance(data, Mapping):
        problems.append(ReportProblem(item=item, reason="not a JSON object"))
        return None
    fields = Fields(data, item, problems)
    task_id = fields.integer("tid")
    if task_id is None:
        problems.append(ReportProblem(item=item, reason="no task id"))
        return None
    sent_to: list[SentRecipient] = []
    failed_to: list[FailedRecipient] = []
    for key in ("sdr", "fdr"):
        rows = data.get(key) or []
        if not isinstance(rows, list):
            problems.append(
                ReportProblem(item=f"{item} {key}", reason="not a list of rows")
            )
            continue
        for index, row in enumerate(rows):
            row_item = f"{item} {key}[{index}]"
            try:
                number_index, number, address, at = _recipient_row(row)
                if key == "sdr":
                    sent_to.append(
                        SentRecipient(
                            index=number_index,
                            number=number,
                            address=address,
                            sent_at=at,
                        )
                    )
                else:
                    failed_to.append(
                        FailedRecipient(
                            index=number_index,
                            number=number,
                            address=address,
                            failed_at=at,
                            reason=as_text(row[4]) if len(row) > 4 else None,
                            carrier_reason=as_text(row[5]) if len(row) > 5 else None,
                        )
                    )
            except BadValueError as err:
                problems.append(problem_of(row_item, None, err))
    return TaskProgress(
        task_id=task_id,
        sending=fields.integer("sending") or 0,
        sent=fields.integer("sent") or 0,
        failed=fields.integer("failed") or 0,
        unsent=fields.integer("unsent") or 0,
        sent_to=tuple(sent_to),
        failed_to=tuple(failed_to),
    )


def _parse_status_report(
    data: Mapping[str, Any], memory: PortMemory | None, owned: bool
) -> TaskProgressReport:
    """Read a ``status-report``: the progress of SMS tasks."""
    problems: list[ReportProblem] = []
    raw_tasks = data.get("rpts")
    tasks: list[TaskProgress] = []
    if isinstance(raw_tasks, list):
        for index, raw_task in enumerate(raw_tasks):
            if task := _parse_task(raw_task, f"rpts[{index}]", problems):
                tasks.append(task)
    elif raw_tasks is not None:
        problems.append(ReportProblem(item="rpts", reason="not a list of task reports"))
    return TaskProgressReport(
        type="status-report",
        tasks=tuple(tasks),
        problems=tuple(problems),
        unknown_keys=frozenset(data) - STATUS_REPORT_KEYS,
    )


# Each parser takes the report, the gateway's memory, and whether the parser decoded the
# report itself (and so owns its objects, which a memory may then keep as they are).
type _Parser = Callable[[Mapping[str, Any], PortMemory | None, bool], Report]
_PARSERS: Final[dict[str, _Parser]] = {
    "dev-status": _parse_dev_status,
    "port-status": _parse_port_status,
    "recv-sms": _parse_recv_sms,
    "sent-sms": _parse_sent_sms,
    "cdr": _parse_cdr,
    "status-report": _parse_status_report,
}


def parse_report(
    body: bytes | bytearray | str | Mapping[str, Any],
    memory: PortMemory | None = None,
    *,
    loads: JsonLoader = json.loads,
) -> Report:
    """Read one pushed report; unknown types come back as :class:`UnknownReport`.

    Pass the gateway's :class:`PortMemory` to skip reading port objects that did not
    change since its last report, and a faster JSON loader than the standard library's
    as ``loads`` (see :func:`.load_json_object`). A decoded body is never changed.
    """
    # Objects the parser decoded itself are its own: a memory may keep them as they are.
    if isinstance(body, bytes | bytearray | str):
        data, owned = load_json_object(body, loads=loads), True
    else:
        data, owned = body, False
    if type(data) is not dict and not isinstance(data, Mapping):
        raise EjoinMalformedReportError("body is not a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or not kind.strip():
        raise EjoinMalformedReportError("body has no report type")
    parser = _PARSERS.get(kind) or _PARSERS.get(kind.strip().lower())
    if parser is None:
        return UnknownReport(type=kind.strip(), body=dict(data))
    return parser(data, memory, owned)


def clear_memos() -> None:
    """Forget memoised port objects and values (for benchmarks of a first parse)."""
    for memoised in (
        counter_periods,
        counter_text,
        operator_text,
        address_text,
        carried_fields,
    ):
        memoised.cache_clear()
    clear_readers()
