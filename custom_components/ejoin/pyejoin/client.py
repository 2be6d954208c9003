"""Speak the gateway's HTTP API: one method per endpoint and command.

Requests are built in :mod:`.wire`, carried by :mod:`.transport` (which keeps the
password out of every error) and their replies read in :mod:`.replies`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .exceptions import EjoinCommandError, EjoinMalformedReplyError
from .models import (
    DataService,
    DeviceStatusReport,
    SmsTask,
    SmsTaskQueue,
    StoredSms,
    TaskStatus,
)
from .ports import PortAddress
from .replies import (
    data_service,
    device_status,
    parameter_value,
    parameters_set,
    port_values,
    reply_values,
    sms_task_queue,
    stored_sms,
    task_results,
    task_statuses,
)
from .transport import GatewayTransport
from .wire import (
    DATA_SERVICE,
    PAUSE_SMS_PATH,
    REMOVE_SMS_PATH,
    RESUME_SMS_PATH,
    Command,
    CommandOp,
    Ports,
    RedialMode,
    command_request,
    data_service_request,
    get_request,
    ports_text,
    read_sms_request,
    send_sms_request,
    set_request,
    sim_numbers_request,
    sms_tasks_request,
    status_request,
    task_ids_request,
)


class EjoinClient(GatewayTransport):
    """An Ejoin gateway's HTTP API, over a session the caller owns."""

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
        request = status_request(
            report_url=report_url, period=period, all_sims=all_sims
        )
        return device_status(await self._request(request))

    async def stop_reports(self) -> None:
        """Tell the gateway to push nothing more: no report URL, no period, no SMS URL."""
        await self.get_status(report_url="", period=0)
        await self.set_sms_url("")

    async def send_commands(self, commands: Sequence[Command]) -> None:
        """Run commands in one request (``multiple`` when there are several)."""
        await self._request(command_request(commands))

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

    async def set_led(self, ports: Ports, *, on: bool) -> None:
        """Blink the LEDs of ports (``on``), to find them in the rack, or stop them."""
        op = CommandOp.LED_ON if on else CommandOp.LED_OFF
        await self.send_commands(
            [Command(op=op, ports=ports_text(ports, whole_ports=True))]
        )

    async def save(self) -> None:
        """Make the gateway keep its current configuration across reboots."""
        await self.send_commands([Command(op=CommandOp.SAVE)])

    async def reboot(self) -> None:
        """Reboot the whole gateway."""
        await self.send_commands([Command(op=CommandOp.REBOOT)])

    async def get_parameters(self, *names: str) -> dict[str, Any]:
        """Read parameters with ``op=get``; the reply's keys as the gateway sent them."""
        request = get_request(names)
        return reply_values(await self._request(request, keep_as=",".join(names)))

    async def set_parameters(
        self, values: Mapping[str, str | int], *, save: bool = True
    ) -> None:
        """Change parameters with ``op=set``, then ``save`` them.

        A value set and not saved is lost at the gateway's next reboot. No source shows
        ``set`` inside a ``multiple`` command, so the save is a request of its own.
        """
        await self._request(set_request(values))
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

    async def get_data_service(self) -> DataService:
        """Read whether mobile data is on: port by port (proxy firmware), or for all.

        A firmware without the setting refuses it (:class:`EjoinCommandError`); an
        answer without a readable value raises :class:`EjoinMalformedReplyError`.
        """
        return data_service(await self.get_parameters(DATA_SERVICE))

    async def set_data_service(
        self, *, enabled: bool, ports: Iterable[PortAddress] | None = None
    ) -> None:
        """Turn mobile data on or off for good (set, then save).

        ``ports`` None: the whole gateway; else each of these ports (slots ignored),
        as proxy firmware takes it: ``data_service_enable(n)``, ``n`` = port - 1.
        """
        await self._request(data_service_request(ports, enabled=enabled))
        await self.save()  # else the setting is gone at the next reboot

    async def set_sim_numbers(
        self, numbers: Mapping[PortAddress, str], *, slots_per_port: int
    ) -> int:
        """Store the phone numbers of SIMs; returns how many the gateway set."""
        reply = await self._request(sim_numbers_request(numbers, slots_per_port))
        await self.save()  # else the numbers are gone at the next reboot
        return parameters_set(reply, len(numbers))

    async def send_sms(
        self,
        tasks: Sequence[SmsTask],
        *,
        status_report_url: str | None = None,
        sms_url: str | None = None,
    ) -> tuple[TaskStatus, ...]:
        """Hand SMS tasks to the gateway; returns its verdict on each."""
        request = send_sms_request(
            tasks, status_report_url=status_report_url, sms_url=sms_url
        )
        return task_statuses(await self._request(request))

    async def read_sms(
        self, *, start: int = 1, count: int = 0, delete: bool = False
    ) -> StoredSms:
        """Read stored SMS from position ``start`` (``count`` 0 = all that follow)."""
        request = read_sms_request(start=start, count=count, delete=delete)
        return stored_sms(await self._request(request), start)

    async def get_sms_tasks(
        self, port: int, *, start: int = 0, count: int = 10, with_text: bool = False
    ) -> SmsTaskQueue:
        """List a port's unfinished SMS tasks, ``count`` from position ``start``.

        Their texts only ``with_text``. Progress is not listed: the gateway reports it
        in ``status-report`` pushes.
        """
        request = sms_tasks_request(port, start=start, count=count, with_text=with_text)
        return sms_task_queue(await self._request(request), port)

    async def pause_sms_tasks(
        self, task_ids: Iterable[int] | None = None
    ) -> tuple[TaskStatus, ...]:
        """Pause SMS tasks (None: every task); what became of each, as the gateway says."""
        request = task_ids_request(PAUSE_SMS_PATH, task_ids)
        return task_results(await self._request(request))

    async def resume_sms_tasks(
        self, task_ids: Iterable[int] | None = None
    ) -> tuple[TaskStatus, ...]:
        """Let paused SMS tasks go on (None: every task); what became of each."""
        request = task_ids_request(RESUME_SMS_PATH, task_ids)
        return task_results(await self._request(request))

    async def remove_sms_tasks(
        self, task_ids: Iterable[int] | None = None
    ) -> tuple[TaskStatus, ...]:
        """Remove SMS tasks, whose unsent messages are never sent (None: every task)."""
        request = task_ids_request(REMOVE_SMS_PATH, task_ids)
        return task_results(await self._request(request))
