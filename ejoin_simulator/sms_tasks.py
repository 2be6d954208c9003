"""The gateway's SMS tasks: taken, queued, sent one recipient at a time, or held.

Endpoints: ``goip_post_sms.html`` (hand tasks over), ``goip_get_tasks.html`` (list a
port's unfinished tasks), and ``goip_pause_sms.html``, ``goip_resume_sms.html``,
``goip_remove_sms.html`` (body ``{"tids": [...]}``; without ``tids``, every task).

A task taken is sent from the port chosen when it was taken, recipient by recipient,
the task's ``intvl`` (milliseconds) apart: a ``sent-sms`` for each, then, once all are
sent, a ``status-report`` to its ``sr_url``. Until then it is listed. A paused task
sends nothing until resumed (and says so at once in a ``status-report``: nothing
sending, the rest unsent); a removed one never sends again, and is not reported.

The replies to the queue's endpoints are documented only in outline (a ``results``
key; ``total_num``, ``task_num`` and ``tasks``): the per-task ``"0 OK"`` and ``"3 Not
found"`` of ``results`` are this simulator's choice, in the form of the task statuses
of ``goip_post_sms.html``.

The simulator can also hold every task (``hold``): taken and listed, none sent until
let go, so that a test can list, pause, resume and remove them at leisure.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from .gateway_api import reply
from .model import Port, QueuedTask, SentMessage
from .pushes import PushWorker
from .reports import Gateway

FIRST_MESSAGE_DELAY = 0.2  # seconds from taking a task to its first message
WAIT_STEP = 0.05  # how often a task that may not send looks again
MAX_TASKS = 256  # in one goip_post_sms.html request
DEFAULT_PAGE = 10  # tasks listed when num is not given
OK = "0 OK"
NOT_FOUND = "3 Not found"


def _integer(value: str | None, default: int) -> int:
    """Read a whole number from a query; the default when absent or not one."""
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


class SmsTasks:
    """Takes SMS tasks, sends them in the background, and lets them be managed."""

    def __init__(self, gateway: Gateway, pushes: PushWorker) -> None:
        """Keep the gateway's tasks, pushing what it sends through ``pushes``."""
        self.gateway = gateway
        self.held = False  # the simulator holds every task: none is sent
        self._pushes = pushes

    def routes(self) -> list[web.RouteDef]:
        """Return the SMS task endpoints."""
        return [
            web.post("/goip_post_sms.html", self._post_sms),
            web.get("/goip_get_tasks.html", self._get_tasks),
            web.post("/goip_pause_sms.html", self._pause),
            web.post("/goip_resume_sms.html", self._resume),
            web.post("/goip_remove_sms.html", self._remove),
        ]

    def describe(self) -> dict[str, Any]:
        """Describe the queue for the control API: held or not, each unfinished task."""
        return {
            "held": self.held,
            "tasks": [
                {
                    "tid": queued.tid,
                    "port": queued.port.number,
                    "paused": queued.paused,
                    "sent": len(queued.sent),
                    "unsent": queued.unsent,
                }
                for queued in self.gateway.sms_queue
            ],
        }

    # --- taking tasks ------------------------------------------------------------------

    async def _post_sms(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return reply({"code": 15, "reason": "Invalid command"})
        tasks = body.get("tasks") if isinstance(body, dict) else None
        if not isinstance(tasks, list):
            return reply({"code": 15, "reason": "Invalid command"})
        if len(tasks) > MAX_TASKS:
            return reply({"code": 16, "reason": "Too many tasks"})
        statuses = []
        for task in tasks:
            verdict, port = self._check_task(task)
            tid = task.get("tid") if isinstance(task, dict) else None
            statuses.append({"tid": tid, "status": verdict})
            if verdict == OK and port is not None:
                self._take(task, port, body.get("sr_url") or None)
        return reply(
            {"code": 200, "reason": "OK", "type": "task-status", "status": statuses}
        )

    def _check_task(self, task: Any) -> tuple[str, Port | None]:
        """Validate one SMS task the way the gateway does; return its status and port."""
        if not isinstance(task, dict) or "tid" not in task:
            return "11 TID expected", None
        try:
            tid = int(task["tid"])
        except (TypeError, ValueError):
            return "11 TID expected", None
        if tid in self.gateway.task_ids:
            return "13 Duplicated task id", None
        if not task.get("to"):
            return "9 TO expected", None
        if "sms" not in task:
            return "8 SMS expected", None
        now = time.monotonic()
        if task.get("from"):
            try:
                candidates = [
                    self.gateway.ports[n]
                    for n, _ in self.gateway.parse_ports(str(task["from"]))
                ]
            except ValueError:
                return "2 Invalid port", None
        else:
            candidates = list(self.gateway.ports.values())
        working = [port for port in candidates if port.is_up(now)]
        if not working:
            return "5 SIM unregistered", None
        return OK, working[0]

    def _take(self, task: dict[str, Any], port: Port, sr_url: str | None) -> None:
        """Queue a task that was accepted, and start sending it."""
        tid = int(task["tid"])
        self.gateway.task_ids.add(tid)
        try:
            interval = max(float(task.get("intvl") or 0), 0.0) / 1000
        except (TypeError, ValueError):
            interval = 0.0
        queued = QueuedTask(
            tid=tid,
            port=port,
            task=task,
            recipients=[number for number in str(task["to"]).split(",") if number],
            status_report_url=sr_url,
            interval=interval,
        )
        self.gateway.sms_queue.append(queued)
        self._pushes.spawn(self._send(queued))

    # --- sending -----------------------------------------------------------------------

    def _may_send(self, queued: QueuedTask) -> bool:
        """Whether a task may send now: not paused, not held, the gateway running."""
        return not (queued.paused or self.held or self.gateway.offline)

    async def _send(self, queued: QueuedTask) -> None:
        """Send a task's messages one by one, then report it and drop it from the queue."""
        await asyncio.sleep(FIRST_MESSAGE_DELAY)
        while queued.unsent and not queued.removed:
            if not self._may_send(queued):
                await asyncio.sleep(WAIT_STEP)
                continue
            self._send_next(queued)
            if queued.unsent and queued.interval:
                await asyncio.sleep(queued.interval)
        if queued.removed:
            return
        self._report(queued)
        self.gateway.sms_queue.remove(queued)

    def _send_next(self, queued: QueuedTask) -> None:
        """Send the message of the task's next recipient: a ``sent-sms`` for it."""
        gateway = self.gateway
        port = queued.port
        index = len(queued.sent) + 1
        number = queued.recipients[index - 1]
        text = str(queued.task.get("sms", ""))
        if port.sim is not None:
            port.sim.sms_sent = [count + 1 for count in port.sim.sms_sent]
        now = int(time.time())
        self._pushes.push(
            gateway.sent_sms(
                port, tid=queued.tid, seq=index, recipient=number, text=text, at=now
            )
        )
        address = gateway.address(port.number, port.active_slot)
        gateway.outbox.append(
            SentMessage(task_id=queued.tid, port=address, recipient=number, text=text)
        )
        queued.sent.append([index, number, address, now])
        if queued.task.get("dr"):
            _, row = gateway.delivery_report(port.number, port.active_slot, number, 0)
            self._pushes.push_sms(row, port=port.number)

    def _report(self, queued: QueuedTask) -> None:
        """Push a task's progress: the rows new since its last report, and its totals."""
        rows = queued.sent[queued.reported :]
        queued.reported = len(queued.sent)
        self._pushes.push(
            self.gateway.status_report(
                queued.tid, rows, sent=len(queued.sent), unsent=queued.unsent
            ),
            url=queued.status_report_url,
        )

    # --- the queue ---------------------------------------------------------------------

    async def _get_tasks(self, request: web.Request) -> web.Response:
        query = {key.lower(): value for key, value in request.query.items()}
        number = _integer(query.get("port"), 0)
        if number not in self.gateway.ports:
            return reply({"code": 2, "reason": "Invalid port"})
        start = max(_integer(query.get("pos"), 0), 0)
        count = max(_integer(query.get("num"), DEFAULT_PAGE), 0)
        with_text = query.get("has_content") == "1"
        tasks = [
            queued for queued in self.gateway.sms_queue if queued.port.number == number
        ]
        page = tasks[start : start + count]
        return reply(
            {
                "code": 200,
                "reason": "OK",
                "total_num": len(tasks),
                "task_num": len(page),
                "tasks": [self._listed(queued, with_text=with_text) for queued in page],
            }
        )

    @staticmethod
    def _listed(queued: QueuedTask, *, with_text: bool) -> dict[str, Any]:
        """One task as ``goip_get_tasks.html`` lists it; its text only when asked."""
        listed: dict[str, Any] = {
            "tid": queued.tid,
            "state": 1 if queued.paused else 0,
            "from": str(queued.task.get("from") or ""),
            "to": ",".join(queued.recipients),
            "chs": str(queued.task.get("chs") or "utf8"),
            "coding": queued.task.get("coding", 0),
        }
        if with_text:
            listed["sms"] = str(queued.task.get("sms", ""))
        return listed

    async def _tids(self, request: web.Request) -> list[int] | web.Response | None:
        """Read the task ids a request names; None for every task, or the refusal."""
        raw = await request.read()
        if not raw.strip():
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return reply({"code": 15, "reason": "Invalid command"})
        if not isinstance(body, dict):
            return reply({"code": 15, "reason": "Invalid command"})
        tids = body.get("tids")
        if tids is None:
            return None
        if not isinstance(tids, list):
            return reply({"code": 15, "reason": "Invalid command"})
        try:
            return [int(tid) for tid in tids]
        except (TypeError, ValueError):
            return reply({"code": 11, "reason": "TID expected"})

    async def _act(self, request: web.Request, what: str) -> web.Response:
        """Pause, resume or remove the named tasks (every task without ``tids``)."""
        tids = await self._tids(request)
        if isinstance(tids, web.Response):
            return tids
        queue = self.gateway.sms_queue
        by_tid = {queued.tid: queued for queued in queue}
        results = []
        for tid in [queued.tid for queued in queue] if tids is None else tids:
            queued = by_tid.get(tid)
            if queued is None:
                results.append({"tid": tid, "status": NOT_FOUND})
                continue
            if what == "pause" and not queued.paused:
                queued.paused = True
                self._report(queued)  # nothing sending now; the rest unsent
            elif what == "resume":
                queued.paused = False
            elif what == "remove":
                queued.removed = True
                queue.remove(queued)
                del by_tid[tid]
            results.append({"tid": tid, "status": OK})
        return reply({"code": 200, "reason": "OK", "results": results})

    async def _pause(self, request: web.Request) -> web.Response:
        return await self._act(request, "pause")

    async def _resume(self, request: web.Request) -> web.Response:
        return await self._act(request, "resume")

    async def _remove(self, request: web.Request) -> web.Response:
        return await self._act(request, "remove")
