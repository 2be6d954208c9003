// What became of the SMS the send form sent: one block per task ("Task <id>") with its
// sent/failed/unsent counts and, per recipient, whether it was sent and delivered. The
// gateway's reports arrive as `ejoin/sms/subscribe` events (progress, sent, delivery);
// SendProgress matches them to the tasks by gateway (entry_id) and task id, delivery
// reports (which name no task) by recipient. Events that come before `ejoin/send_sms`
// answered with the task id are kept a while and applied when the task is known.

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { h, icon, setText } = await import(`./ejoin-common.js${V}`);
const { sameNumber } = await import(`./ejoin-sms-count.js${V}`);

const TEXT = {
  heading: "Sent from this page",
  task: (id) => `Task ${id}`,
  counts: (sent, failed, unsent) => `${sent} sent · ${failed} failed · ${unsent} unsent`,
  accepted: "Accepted by the gateway",
  alreadyAccepted: "The gateway had this task already",
  notConfirmed:
    "Not confirmed: the gateway did not answer; Home Assistant hands the task over again",
  finished: "Finished",
  sending: "Sending…",
  waiting: "Waiting",
  sent: "Sent",
  failed: (reason) => (reason ? `Failed: ${reason}` : "Failed"),
  notConfirmedShort: "Not confirmed",
  delivered: "Delivered",
  notDelivered: "Not delivered",
  awaitingReport: "Awaiting delivery report",
};

const KEEP_EVENTS = 200; // events kept for tasks not known yet

export class SendProgress {
  constructor(container) {
    this.container = container;
    this.tasks = []; // newest first
    this.recent = []; // the last events, for tasks whose answer comes after them
    this.list = h("div", { class: "tasks" });
    this.heading = h("h3", { hidden: true }, TEXT.heading);
    container.replaceChildren(this.heading, this.list);
  }

  /** A task `ejoin/send_sms` answered; numbers: the recipients it was sent to. */
  add({ entryId, gateway, answer, numbers, deliveryReport }) {
    const task = {
      entryId,
      id: answer.task_id,
      status: answer.status,
      accepted: answer.accepted,
      deliveryReport,
      progress: null,
      recipients: numbers.map((number) => ({ number, result: null, reason: null, delivered: null })),
    };
    task.el = this._block(task);
    this.tasks.unshift(task);
    this.list.prepend(task.el.root);
    this.heading.hidden = false;
    // Only a task's own reports (by its id) can have come before its answer.
    for (const event of this.recent) {
      if (event.kind !== "delivery") this._apply(event, [task]);
    }
    this._draw(task);
  }

  /** An `ejoin/sms/subscribe` event. */
  event(event) {
    if (!event?.data) return;
    this.recent.push(event);
    if (this.recent.length > KEEP_EVENTS) this.recent.shift();
    this._apply(event, this.tasks).forEach((task) => this._draw(task));
  }

  _apply(event, tasks) {
    const { kind, data } = event;
    const ofGateway = (task) => !event.entry_id || task.entryId === event.entry_id;
    const changed = new Set();
    if (kind === "progress" || kind === "sent") {
      const task = tasks.find((t) => ofGateway(t) && String(t.id) === String(data.task_id));
      if (!task) return changed;
      if (kind === "progress") {
        task.progress = data;
        for (const number of data.sent_to || []) this._recipient(task, number).result = "sent";
        for (const failed of data.failed_to || []) {
          const recipient = this._recipient(task, failed.number);
          recipient.result = "failed";
          recipient.reason = failed.reason || failed.carrier_reason || null;
        }
      } else {
        const recipient = this._recipient(task, data.recipient);
        // A later "sent" or "failed" settles a "not confirmed"; nothing unsettles them.
        if (recipient.result !== "sent" && recipient.result !== "failed") {
          recipient.result = data.result || (data.ok ? "sent" : "failed");
        } else if (data.result === "sent" || data.result === "failed") {
          recipient.result = data.result;
        }
        if (data.reason && recipient.result !== "sent") recipient.reason = data.reason;
      }
      changed.add(task);
    } else if (kind === "delivery") {
      // Delivery reports name no task: the newest task of this gateway to that number.
      for (const task of tasks) {
        if (!ofGateway(task)) continue;
        const recipient = task.recipients.find((r) => sameNumber(r.number, data.recipient));
        if (recipient && recipient.delivered === null) {
          recipient.delivered = data.delivered;
          changed.add(task);
          break;
        }
      }
    }
    return changed;
  }

  _recipient(task, number) {
    let recipient = task.recipients.find((r) => sameNumber(r.number, number) || r.number === number);
    if (!recipient) {
      recipient = { number: number || "?", result: null, reason: null, delivered: null };
      task.recipients.push(recipient);
    }
    return recipient;
  }

  _block(task) {
    const el = {
      title: h("span", { class: "title" }, icon("mdi:message-arrow-right-outline"), TEXT.task(task.id)),
      counts: h("span", { class: "counts" }),
      status: h("div", { class: "note" }),
      recipients: h("ul", { class: "recipients" }),
    };
    el.root = h("section", { class: "task", "data-task": task.id, "aria-live": "polite" },
      h("div", { class: "head" }, el.title, el.counts), el.status, el.recipients);
    return el;
  }

  _draw(task) {
    const { el } = task;
    const by = (result) => task.recipients.filter((r) => r.result === result).length;
    const p = task.progress;
    const sent = Math.max(p?.sent ?? 0, by("sent"));
    const failed = Math.max(p?.failed ?? 0, by("failed"));
    const unsent = p ? p.unsent ?? 0 : Math.max(0, task.recipients.length - sent - failed);
    setText(el.counts, TEXT.counts(sent, failed, unsent));
    const done = p?.finished || (task.recipients.length > 0 && sent + failed >= task.recipients.length);
    let status = `${TEXT.accepted} · ${TEXT.sending}`;
    if (done) status = TEXT.finished;
    else if (task.accepted === null || task.status === "not_confirmed") status = TEXT.notConfirmed;
    else if (task.status === "already_accepted") status = TEXT.alreadyAccepted;
    setText(el.status, status);
    el.recipients.replaceChildren(
      ...task.recipients.map((r) => {
        const result = { sent: TEXT.sent, failed: TEXT.failed(r.reason),
          not_confirmed: TEXT.notConfirmedShort }[r.result] || TEXT.waiting;
        let delivery = "";
        if (r.delivered === true) delivery = TEXT.delivered;
        else if (r.delivered === false) delivery = TEXT.notDelivered;
        else if (task.deliveryReport && r.result === "sent") delivery = TEXT.awaitingReport;
        return h("li", { "data-result": r.result || "waiting",
          "data-delivered": r.delivered === null ? undefined : String(r.delivered) },
          h("span", { class: "number" }, r.number),
          h("span", { class: "result" }, [result, delivery].filter(Boolean).join(" · ")));
      }),
    );
  }
}

export const PROGRESS_CSS = `
  .tasks { display: flex; flex-direction: column; gap: 8px; }
  h3 { margin: 24px 0 8px; font-size: 1rem; font-weight: 500; }
  .task { background: var(--card-background-color); border: 1px solid var(--divider-color);
    border-radius: var(--ha-card-border-radius, 12px); padding: 12px 16px; }
  .task .head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px; }
  .task .title { display: inline-flex; align-items: center; gap: 6px; font-weight: 600; }
  .task .counts { color: var(--secondary-text-color); }
  .recipients { list-style: none; margin: 8px 0 0; padding: 0; }
  .recipients li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px;
    padding: 4px 0; border-top: 1px solid var(--divider-color); overflow-wrap: anywhere; }
  .recipients li[data-result="sent"] .result { color: var(--success-color); }
  .recipients li[data-result="failed"] .result, .recipients li[data-delivered="false"] .result {
    color: var(--error-color); }
`;
