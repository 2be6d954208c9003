// The panel's "Send SMS" tab: a form (gateway, port or Automatic, recipients, text with
// a live GSM-7/UCS-2 counter, delivery report) that calls `ejoin/send_sms`, and below it
// what became of each task sent, from `ejoin/sms/subscribe`. Element: <ejoin-send-form>;
// the panel sets .hass and .gateways (Farm's list); it subscribes while connected (and
// again after Home Assistant restarted: LiveSubscription).

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { BASE_CSS, LiveSubscription, define, errorText, h, icon } = await import(
  `./ejoin-common.js${V}`
);
const { parseRecipients, smsCounterText } = await import(`./ejoin-sms-count.js${V}`);
const { PROGRESS_CSS, SendProgress } = await import(`./ejoin-sms-progress.js${V}`);

const TEXT = {
  gateway: "Gateway",
  port: "Port",
  automatic: "Automatic",
  portOption: (n) => `Port ${n}`,
  recipients: "Recipients",
  recipientsHint: "Phone numbers, separated by commas, spaces or new lines.",
  message: "Message",
  deliveryReport: "Delivery report",
  send: "Send",
  sending: "Sending…",
  noGateway: "No gateway set up",
  noGatewayHint: "Add an Ejoin gateway under Settings → Devices & services; then send from here.",
  failed: (message) => `Not sent: ${message}`,
  eventsFailed: (message) => `The gateway's reports on sent SMS cannot be followed: ${message}`,
};

class EjoinSendForm extends HTMLElement {
  constructor() {
    super();
    this._hass = null;
    this._gateways = [];
    this._sending = false;
    const root = this.attachShadow({ mode: "open" });
    const field = (id, label, control, hint) =>
      h("div", { class: "field-wrap" },
        h("label", { class: "field", for: id }, label), control,
        hint && h("div", { class: "note hint", id: `${id}-hint` }, hint));
    this._gateway = h("select", { id: "gateway", onchange: () => this._drawPorts() });
    this._port = h("select", { id: "port" });
    this._recipients = h("textarea", { id: "recipients", rows: 2, autocomplete: "off",
      "aria-describedby": "recipients-hint", oninput: () => this._drawState() });
    this._message = h("textarea", { id: "message", rows: 5,
      "aria-describedby": "sms-counter", oninput: () => this._drawState() });
    this._counter = h("div", { class: "counter note", id: "sms-counter",
      "data-testid": "sms-counter", "aria-live": "polite" });
    this._delivery = h("input", { type: "checkbox", id: "delivery" });
    this._send = h("button", { class: "action primary", type: "submit" }, icon("mdi:send"), TEXT.send);
    this._error = h("div", { class: "message error", role: "alert", hidden: true });
    this._empty = h("div", { class: "empty", hidden: true },
      h("strong", {}, TEXT.noGateway), h("span", {}, TEXT.noGatewayHint));
    this._form = h("form", { "data-testid": "send-form", novalidate: true,
      onsubmit: (event) => { event.preventDefault(); this._submit(); } },
      h("div", { class: "row" },
        field("gateway", TEXT.gateway, this._gateway),
        field("port", TEXT.port, this._port)),
      field("recipients", TEXT.recipients, this._recipients, TEXT.recipientsHint),
      field("message", TEXT.message, this._message),
      this._counter,
      h("div", { class: "actions" },
        h("label", { class: "check" }, this._delivery, TEXT.deliveryReport),
        this._send),
      this._error);
    this._empty.hidden = true; // until the gateways are known
    this._form.hidden = true;
    this._progressBox = h("div", { "data-testid": "send-progress" });
    this._progress = new SendProgress(this._progressBox);
    this._eventsError = h("div", { class: "message error", role: "alert", hidden: true });
    this._live = new LiveSubscription({
      event: (event) => this._progress.event(event),
      subscribed: () => { this._eventsError.hidden = true; },
      failed: (err) => {
        this._eventsError.textContent = TEXT.eventsFailed(errorText(err));
        this._eventsError.hidden = false;
      },
    });
    root.append(h("style", {}, BASE_CSS + FORM_CSS + PROGRESS_CSS),
      this._empty, this._form, this._eventsError, this._progressBox);
    this._drawState();
  }

  set hass(hass) {
    this._hass = hass;
    if (this.isConnected) this._follow();
  }

  /** The gateways to send from (Farm's list: ports in a Map by number; null: not known yet). */
  set gateways(gateways) {
    const known = Array.isArray(gateways);
    this._gateways = known ? gateways : [];
    const options = this._gateways.map((g) => [g.entry_id, g.title || g.entry_id]);
    if (this._gatewayOptions !== JSON.stringify(options)) {
      const chosen = this._gateway.value;
      this._gateway.replaceChildren(...options.map(([value, title]) => h("option", { value }, title)));
      this._gatewayOptions = JSON.stringify(options);
      if (options.some(([value]) => value === chosen)) this._gateway.value = chosen;
    }
    this._empty.hidden = !known || this._gateways.length > 0;
    this._form.hidden = this._gateways.length === 0;
    this._drawPorts();
  }

  connectedCallback() {
    if (this._hass) this._follow();
  }

  disconnectedCallback() {
    this._live.close();
  }

  /** Subscribe (only for a new connection: a new hass comes with every state change). */
  _follow() {
    const connection = this._hass.connection;
    if (connection) this._live.open(connection, { type: "ejoin/sms/subscribe" });
  }

  _chosenGateway() {
    return this._gateways.find((g) => g.entry_id === this._gateway.value) || this._gateways[0];
  }

  _drawPorts() {
    const gateway = this._chosenGateway();
    const ports = gateway ? [...gateway.ports.values()].filter((p) => p.device_id) : [];
    ports.sort((a, b) => a.port - b.port);
    const options = [["", TEXT.automatic], ...ports.map((p) => [p.device_id, TEXT.portOption(p.port)])];
    const key = JSON.stringify([gateway?.entry_id, options]);
    if (this._portOptions !== key) {
      const chosen = this._port.value;
      this._port.replaceChildren(...options.map(([value, text]) => h("option", { value }, text)));
      this._portOptions = key;
      if (options.some(([value]) => value === chosen)) this._port.value = chosen;
    }
    this._drawState();
  }

  _drawState() {
    this._counter.textContent = smsCounterText(this._message.value);
    const gateway = this._chosenGateway();
    const ready = Boolean(gateway?.device_id || this._port.value) &&
      parseRecipients(this._recipients.value).length > 0 && this._message.value.length > 0;
    this._send.disabled = this._sending || !ready;
    this._send.lastChild.textContent = this._sending ? TEXT.sending : TEXT.send;
    this._send.setAttribute("aria-busy", String(this._sending));
  }

  async _submit() {
    const gateway = this._chosenGateway();
    const numbers = parseRecipients(this._recipients.value);
    const message = this._message.value;
    const deviceId = this._port.value || gateway?.device_id;
    if (this._sending || !this._hass || !deviceId || !numbers.length || !message) return;
    const deliveryReport = this._delivery.checked;
    this._sending = true;
    this._error.hidden = true;
    this._drawState();
    try {
      const result = await this._hass.callWS({
        type: "ejoin/send_sms",
        device_id: deviceId,
        numbers,
        message,
        delivery_report: deliveryReport,
      });
      for (const answer of result?.tasks || []) {
        this._progress.add({ entryId: gateway.entry_id, gateway: gateway.title, answer, numbers,
          deliveryReport });
      }
      this._message.value = ""; // sent: a second click must not send it again
    } catch (err) {
      this._error.textContent = TEXT.failed(errorText(err));
      this._error.hidden = false;
    } finally {
      this._sending = false;
      this._drawState();
    }
  }
}

const FORM_CSS = `
  :host { display: block; max-width: 720px; }
  form { display: flex; flex-direction: column; gap: 12px; padding: 16px;
    background: var(--card-background-color); border: 1px solid var(--divider-color);
    border-radius: var(--ha-card-border-radius, 12px); }
  .row { display: flex; flex-wrap: wrap; gap: 12px; }
  .row > .field-wrap { flex: 1 1 200px; }
  .field-wrap { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
  .field-wrap > select, .field-wrap > textarea { width: 100%; }
  .hint { font-size: 0.8rem; }
  .counter { margin-top: -6px; }
  .actions { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 12px; }
  .message.error { margin-top: 12px; }
`;

define("ejoin-send-form", EjoinSendForm);
