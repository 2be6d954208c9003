"""What becomes of the SMS the gateway sends: each SMS, and each task's progress.

A ``sent-sms`` tells of one SMS of a task; a ``status-report`` of a task's progress,
its rows holding only what is new since the last report. The events carry every
recipient so far, so an automation need not add them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant, callback

from ..bus import FailedRecipientData, TaskProgressData, sms_sent_data
from ..const import EVENT_SMS_SENT, EVENT_SMS_TASK_PROGRESS
from ..identifiers import DeviceIds
from ..pyejoin import Report, SmsSentReport, TaskProgress, TaskProgressReport

# SMS tasks whose progress is remembered (their rows are deltas).
TASKS_REMEMBERED = 256


@dataclass
class TaskTally:
    """What the status reports of one SMS task said so far."""

    sent_to: dict[int, str] = field(default_factory=dict)  # index -> number
    failed_to: dict[int, FailedRecipientData] = field(default_factory=dict)
    last: TaskProgressData | None = None  # what the last report made of it


class SentSmsEvents:
    """Fires ``ejoin_sms_sent`` and ``ejoin_sms_task_progress``."""

    def __init__(self, hass: HomeAssistant, devices: DeviceIds) -> None:
        """Announce the SMS of the gateway whose ``devices`` the events name."""
        self.hass = hass
        self.devices = devices
        self._tasks: dict[int, TaskTally] = {}

    @callback
    def report(self, report: Report) -> None:
        """Announce a ``sent-sms`` or a ``status-report``."""
        if isinstance(report, SmsSentReport):
            origin = self.devices.origin(report.address)
            self.hass.bus.async_fire(
                EVENT_SMS_SENT, dict(sms_sent_data(origin, report))
            )
        elif isinstance(report, TaskProgressReport):
            for task in report.tasks:
                self._progress(task)

    def _progress(self, task: TaskProgress) -> None:
        """Add a task's new rows to what is known of it, and say where it stands."""
        tally = self._tasks.pop(task.task_id, None) or TaskTally()
        self._tasks[task.task_id] = tally  # the newest last
        while len(self._tasks) > TASKS_REMEMBERED:
            del self._tasks[next(iter(self._tasks))]
        for sent in task.sent_to:
            tally.sent_to[sent.index] = sent.number
        for failed in task.failed_to:
            tally.failed_to[failed.index] = FailedRecipientData(
                number=failed.number,
                reason=failed.reason,
                carrier_reason=failed.carrier_reason,
            )
        data = TaskProgressData(
            gateway_device_id=self.devices.gateway(),
            task_id=task.task_id,
            sending=task.sending,
            # The counts are the task's totals; the rows only what is new, so a count
            # is never below the recipients listed so far.
            sent=max(task.sent, len(tally.sent_to)),
            failed=max(task.failed, len(tally.failed_to)),
            unsent=task.unsent,
            finished=task.sending == 0 and task.unsent == 0,
            sent_to=[tally.sent_to[index] for index in sorted(tally.sent_to)],
            failed_to=[tally.failed_to[index] for index in sorted(tally.failed_to)],
        )
        tally.last = data
        self.hass.bus.async_fire(EVENT_SMS_TASK_PROGRESS, dict(data))

    def progress(self, task_id: int) -> TaskProgressData | None:
        """Return where a task stands, as the gateway last reported it (if it did)."""
        tally = self._tasks.get(task_id)
        return None if tally is None else tally.last
