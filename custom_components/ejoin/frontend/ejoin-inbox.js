// The panel's Inbox tab: the SMS the gateways kept (`ejoin/inbox`), newest first, and
// each new one as it arrives (`ejoin/inbox/subscribe`), with a search over sender, text,
// gateway and port. Element: <ejoin-inbox>; it subscribes while it is connected, and
// loads the kept list again each time it (re)subscribed (after Home Assistant restarted
// or the socket was down, SMS may have come unseen).

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { BASE_CSS, LiveSubscription, define, errorText, formatTime, h, icon } = await import(
  `./ejoin-common.js${V}`
);

// The most SMS shown: as many as one gateway may keep (the inbox_size option's maximum).
const MAX_SHOWN = 1000;

const TEXT = {
  search: "Search",
  searchPlaceholder: "Sender, text, gateway or port",
  loading: "Loading the inbox…",
  empty: "No SMS kept",
  emptyHint:
    "Each gateway keeps its newest received SMS here: as many as its option " +
    "“SMS kept for the panel's inbox” says (Settings → Devices & services → Ejoin → " +
    "Configure). With 0 it keeps none.",
  noMatch: "No SMS matches the search.",
  failed: (message) => `Could not load the inbox: ${message}`,
  port: (n) => `Port ${n}`,
  sim: (n) => `SIM ${n}`,
  unknownSender: "Unknown sender",
  to: (recipient) => `to ${recipient}`,
  recovered: "Recovered",
  recoveredHint: "Read back from the gateway's store: it was not pushed when it arrived.",
  count: (shown, total) => (shown === total ? `${total} SMS` : `${shown} of ${total} SMS`),
};

class EjoinInbox extends HTMLElement {
  constructor() {
    super();
    this._hass = null;
    this._messages = []; // newest first, at most MAX_SHOWN
    this._ids = new Set(); // the ids of _messages
    this._rows = new Map(); // message id -> row element, for those in _messages
    this._loaded = false;
    this._error = null;
    this._loading = null; // the `ejoin/inbox` call under way: {arrived: [messages]}
    this._live = new LiveSubscription({
      event: (event) => this._arrived(event?.messages || []),
      subscribed: () => this._load(),
      failed: (error) => {
        this._error = error;
        this._render();
      },
    });
    const root = this.attachShadow({ mode: "open" });
    this._search = h("input", {
      type: "search", id: "search", "data-testid": "inbox-search",
      placeholder: TEXT.searchPlaceholder, oninput: () => this._render(),
    });
    this._count = h("span", { class: "note", "aria-live": "polite" });
    this._list = h("div", { class: "list", role: "list" });
    this._state = h("div", { class: "state" });
    root.append(
      h("style", {}, BASE_CSS + INBOX_CSS),
      h("div", { class: "toolbar" },
        h("label", { class: "field search" }, TEXT.search, this._search), this._count),
      this._state,
      this._list,
    );
  }

  set hass(hass) {
    this._hass = hass;
    if (this.isConnected) this._follow();
  }

  connectedCallback() {
    if (this._hass) this._follow();
  }

  disconnectedCallback() {
    this._live.close();
    this._loading = null;
  }

  /** Subscribe (only for a new connection: a new hass comes with every state change). */
  _follow() {
    const connection = this._hass.connection;
    if (connection) this._live.open(connection, { type: "ejoin/inbox/subscribe" });
  }

  /** Load the kept SMS; subscribed first, so that none arriving meanwhile is missed. */
  async _load() {
    const loading = { arrived: [] };
    this._loading = loading;
    let result;
    try {
      result = await this._hass.callWS({ type: "ejoin/inbox", limit: MAX_SHOWN });
    } catch (err) {
      if (this._loading !== loading) return;
      this._loading = null;
      this._error = err;
      this._render();
      return;
    }
    if (this._loading !== loading) return; // a newer load, or closed
    this._loading = null;
    // The server's list replaces ours (SMS deleted there go); those that arrived while
    // it was on its way stay on top.
    this._show([...loading.arrived, ...(result?.messages || [])]);
    this._loaded = true;
    this._error = null;
    this._render();
  }

  /** New SMS (newest first), from the subscription. */
  _arrived(messages) {
    const valid = messages.filter((message) => message?.id);
    this._loading?.arrived.unshift(...valid);
    const fresh = valid.filter((message) => !this._ids.has(message.id));
    if (!fresh.length) return;
    this._show([...fresh, ...this._messages]);
    this._loaded = true;
    this._render();
  }

  /** Keep these messages (newest first): each id once, the newest MAX_SHOWN. */
  _show(messages) {
    const ids = new Set();
    const kept = [];
    for (const message of messages) {
      if (!message?.id || ids.has(message.id)) continue;
      ids.add(message.id);
      kept.push(message);
      if (kept.length === MAX_SHOWN) break;
    }
    this._messages = kept;
    this._ids = ids;
    for (const id of this._rows.keys()) {
      if (!ids.has(id)) this._rows.delete(id);
    }
  }

  _render() {
    const query = this._search.value.trim().toLowerCase();
    const shown = query
      ? this._messages.filter((message) => searchText(message).includes(query))
      : this._messages;
    let state = "";
    if (this._error) state = TEXT.failed(errorText(this._error));
    else if (!this._loaded) state = TEXT.loading;
    if (state) {
      this._state.replaceChildren(h("div", { class: this._error ? "message error" : "note",
        role: this._error ? "alert" : "status" }, state));
    } else if (!this._messages.length) {
      this._state.replaceChildren(h("div", { class: "empty" },
        h("strong", {}, TEXT.empty), h("span", {}, TEXT.emptyHint)));
    } else if (!shown.length) {
      this._state.replaceChildren(h("div", { class: "empty" }, TEXT.noMatch));
    } else {
      this._state.replaceChildren();
    }
    this._count.textContent = this._messages.length ? TEXT.count(shown.length, this._messages.length) : "";
    const rows = shown.map((message) => this._row(message));
    const children = this._list.children;
    rows.forEach((row, index) => {
      if (children[index] !== row) this._list.insertBefore(row, children[index] || null);
    });
    while (children.length > rows.length) children[children.length - 1].remove();
  }

  _row(message) {
    let row = this._rows.get(message.id);
    if (row) return row;
    const where = [message.gateway, message.port ? TEXT.port(message.port) : null,
      message.slot ? TEXT.sim(message.slot) : null].filter(Boolean).join(" · ");
    row = h("article", { class: "sms", "data-testid": "sms", role: "listitem" },
      h("div", { class: "head" },
        h("span", { class: "sender" }, icon("mdi:message-text-outline"),
          message.sender || TEXT.unknownSender),
        message.recovered &&
          h("span", { class: "badge", title: TEXT.recoveredHint }, icon("mdi:backup-restore"),
            TEXT.recovered),
        h("time", { datetime: message.received_at || undefined },
          formatTime(this._hass, message.received_at))),
      h("div", { class: "where note" }, where,
        message.recipient ? ` · ${TEXT.to(message.recipient)}` : ""),
      h("div", { class: "text" }, message.text || ""));
    this._rows.set(message.id, row);
    return row;
  }
}

function searchText(message) {
  return [message.sender, message.text, message.gateway,
    message.port ? TEXT.port(message.port) : "", message.recipient]
    .filter(Boolean).join("\n").toLowerCase();
}

const INBOX_CSS = `
  :host { display: block; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; margin-bottom: 12px; }
  .search { flex: 1 1 240px; max-width: 480px; }
  .list { display: flex; flex-direction: column; gap: 8px; }
  .sms { background: var(--card-background-color); border: 1px solid var(--divider-color);
    border-radius: var(--ha-card-border-radius, 12px); padding: 12px 16px; min-width: 0; }
  .head { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; }
  .sender { display: inline-flex; align-items: center; gap: 6px; font-weight: 600;
    overflow-wrap: anywhere; }
  .sender ha-icon { color: var(--secondary-text-color); }
  time { margin-inline-start: auto; color: var(--secondary-text-color); font-size: 0.875rem; }
  .badge { display: inline-flex; align-items: center; gap: 4px; font-size: 0.75rem; font-weight: 500;
    padding: 1px 8px 1px 6px; border-radius: 10px; --mdc-icon-size: 14px;
    color: var(--primary-text-color);
    background: color-mix(in srgb, var(--info-color, #039be5) 20%, transparent);
    border: 1px solid var(--info-color, #039be5); }
  .where { margin-top: 2px; }
  .text { margin-top: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
`;

define("ejoin-inbox", EjoinInbox);
