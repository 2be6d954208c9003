// Small helpers every Ejoin frontend module shares: building elements, defining them
// once, error texts, times, a WebSocket subscription that outlives Home Assistant's
// restarts (LiveSubscription), and the CSS of form controls, buttons and notes in Home
// Assistant's colours (its CSS variables, so light and dark themes both work).
// No DOM is touched at import time except through the functions below.

/** Create an element: h("button", {class: "x", onclick: fn, "aria-label": "…"}, child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name in PROPERTIES) {
      el[PROPERTIES[name]] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Attributes set as properties (a select's value only works as a property).
const PROPERTIES = { value: "value", checked: "checked", text: "textContent" };

/** An <ha-icon>; Home Assistant defines it, and the text beside it says the same. */
export function icon(name) {
  return h("ha-icon", { icon: name, "aria-hidden": "true" });
}

/** Set a text only when it changed (no layout work for an unchanged value). */
export function setText(el, text) {
  const value = text === undefined || text === null ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
}

/** Set (or remove, for null/undefined/false) an attribute only when it changed. */
export function setAttr(el, name, value) {
  if (value === undefined || value === null || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
    return;
  }
  const text = value === true ? "" : String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

/**
 * Hand properties set before the element was defined to its setters. Home Assistant
 * may create a panel's element (and set hass, narrow…) before its module finished
 * loading: those values sit as plain own properties, shadowing the class's setters.
 */
export function upgradeProperties(el, names) {
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(el, name)) {
      const value = el[name];
      delete el[name];
      el[name] = value;
    }
  }
}

/** Define a custom element unless a copy of this module defined it already. */
export function define(name, cls) {
  if (!customElements.get(name)) customElements.define(name, cls);
}

/** The message of a WebSocket or service error, for the user. */
export function errorText(err) {
  if (!err) return "Unknown error";
  if (typeof err === "string") return err;
  return err.message || err.error?.message || err.code || String(err);
}

// Subscribing again while Home Assistant does not know the command yet: it answers
// WebSocket clients before custom integrations are loaded. 1 s, 2 s, 4 s … 30 s.
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;
const RETRY_CODES = new Set(["unknown_command"]);

/**
 * One WebSocket subscription that lives through Home Assistant's restarts.
 *
 * home-assistant-js-websocket would send a subscription again itself after a reconnect,
 * but it drops the error when that fails, and it fails after a restart: the socket is
 * up before the integration registered its commands ("unknown_command"). So it is told
 * not to ({resubscribe: false}); this subscribes again on the connection's "ready"
 * event, and after "unknown_command" 1 s, 2 s, 4 s … up to 30 s later. Any other
 * failure (a removed gateway: "not_found") is remembered: tried again only on a
 * reconnect, a new connection or another message, never because a new hass came.
 *
 * handlers: event(event) for each event; subscribed() each time it (re)started, the
 * moment to fetch what may have been missed; failed(error) when it could not.
 */
export class LiveSubscription {
  constructor(handlers) {
    this._handlers = handlers;
    this._connection = null;
    this._message = null;
    this._key = null; // the message as JSON, to tell a new one
    this._attempt = null; // the latest subscribeMessage: {connection, socket, unsub, dropped}
    this._timer = null;
    this._delay = 0;
    this.subscribed = false;
    this._onReady = () => {
      this._delay = 0;
      this._subscribe();
    };
    this._onDisconnected = () => this._drop(false);
  }

  /** Follow `message` on `connection`: nothing to do when it follows them already. */
  open(connection, message) {
    const key = JSON.stringify(message);
    if (connection === this._connection && key === this._key) return;
    this.close();
    if (!connection) return;
    this._connection = connection;
    this._message = message;
    this._key = key;
    connection.addEventListener("ready", this._onReady);
    connection.addEventListener("disconnected", this._onDisconnected);
    this._subscribe();
  }

  /** End the subscription and stop following the connection. */
  close() {
    this._drop(true);
    this._connection?.removeEventListener("ready", this._onReady);
    this._connection?.removeEventListener("disconnected", this._onDisconnected);
    this._connection = null;
    this._message = null;
    this._key = null;
    this._delay = 0;
  }

  _subscribe() {
    this._drop(true);
    const connection = this._connection;
    if (!connection || connection.connected === false) return; // "ready" will come
    const attempt = { connection, socket: connection.socket, unsub: null, dropped: false };
    this._attempt = attempt;
    connection
      .subscribeMessage((event) => {
        if (!attempt.dropped) this._handlers.event(event);
      }, this._message, { resubscribe: false })
      .then((unsub) => {
        attempt.unsub = unsub;
        if (attempt.dropped) {
          endAttempt(attempt); // closed while it was on its way
          return;
        }
        this._delay = 0;
        this.subscribed = true;
        this._handlers.subscribed?.();
      }, (error) => {
        if (attempt.dropped) return;
        this._attempt = null;
        if (connection.connected === false) return; // lost with the socket: "ready" will come
        if (RETRY_CODES.has(error?.code)) {
          this._delay = Math.min(this._delay ? this._delay * 2 : RETRY_FIRST_MS, RETRY_MAX_MS);
          this._timer = setTimeout(() => this._subscribe(), this._delay);
        }
        this._handlers.failed?.(error);
      });
  }

  /** Forget the current attempt; `end`: unsubscribe it too, if its socket is still open. */
  _drop(end) {
    clearTimeout(this._timer);
    this._timer = null;
    this.subscribed = false;
    const attempt = this._attempt;
    this._attempt = null;
    if (!attempt) return;
    attempt.dropped = true;
    if (end) endAttempt(attempt);
  }
}

// The library numbers commands per socket, from 1 again after a reconnect: an old
// subscription's unsubscribe would end whatever has its number on the new socket. And
// the server forgot the old ones with the old socket anyway.
function endAttempt(attempt) {
  const unsub = attempt.unsub;
  attempt.unsub = null;
  if (typeof unsub !== "function" || attempt.connection.socket !== attempt.socket) return;
  Promise.resolve()
    .then(unsub)
    .catch(() => {}); // the connection is gone: nothing to end
}

/** A status's label, as the Status sensor shows it (the key when not translated). */
export function statusLabel(hass, status) {
  if (!status) return "Unknown";
  const label = hass?.localize?.(`component.ejoin.entity.sensor.status.state.${status}`);
  return label || status;
}

/** A moment in the user's language (ISO 8601 in, "" for none). */
export function formatTime(hass, iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return date.toLocaleString(hass?.locale?.language || hass?.language || undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    });
  } catch (_err) {
    return date.toLocaleString();
  }
}

/** A number in the user's language with up to `digits` decimals. */
export function formatNumber(hass, value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "";
  try {
    return Number(value).toLocaleString(hass?.locale?.language || undefined, {
      maximumFractionDigits: digits,
    });
  } catch (_err) {
    return String(value);
  }
}

/** Fire an event out of the shadow roots, as Home Assistant's own elements do. */
export function fire(node, type, detail) {
  node.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

// Form controls, buttons and notes, native elements in Home Assistant's colours.
export const BASE_CSS = `
  :host { color: var(--primary-text-color); }
  [hidden] { display: none !important; }
  ha-icon { --mdc-icon-size: 18px; flex: none; }
  label.field { display: flex; flex-direction: column; gap: 4px; min-width: 0;
    font-size: 0.875rem; color: var(--secondary-text-color); }
  label.check { display: inline-flex; align-items: center; gap: 8px; color: var(--primary-text-color); }
  input, select, textarea {
    font: inherit; font-size: 1rem; color: var(--primary-text-color);
    background: var(--input-fill-color, var(--secondary-background-color, transparent));
    border: 1px solid var(--divider-color); border-radius: 8px;
    padding: 8px 10px; min-height: 40px; box-sizing: border-box; max-width: 100%; min-width: 0;
  }
  input[type="checkbox"] { min-height: auto; width: 18px; height: 18px; accent-color: var(--primary-color); }
  select option { background: var(--card-background-color); color: var(--primary-text-color); }
  textarea { resize: vertical; }
  input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible {
    outline: 2px solid var(--primary-color); outline-offset: 1px;
  }
  button.action {
    font: inherit; font-weight: 500; display: inline-flex; align-items: center; gap: 6px;
    min-height: 40px; padding: 0 16px; border-radius: 20px; cursor: pointer;
    border: 1px solid var(--divider-color); background: transparent; color: var(--primary-color);
  }
  button.action.primary { background: var(--primary-color); border-color: var(--primary-color);
    color: var(--text-primary-color, #fff); }
  button.action:disabled { cursor: default; opacity: 0.5; }
  .note { color: var(--secondary-text-color); font-size: 0.875rem; }
  .error { color: var(--error-color); }
  .message { border-radius: 8px; padding: 8px 12px; font-size: 0.875rem;
    border: 1px solid var(--divider-color); overflow-wrap: anywhere; }
  .message.error { border-color: var(--error-color);
    background: color-mix(in srgb, var(--error-color) 10%, transparent); }
  .message.ok { border-color: var(--success-color);
    background: color-mix(in srgb, var(--success-color) 10%, transparent); }
  .empty { padding: 32px 16px; text-align: center; color: var(--secondary-text-color); }
  .empty strong { display: block; font-size: 1.1rem; color: var(--primary-text-color); margin-bottom: 8px; }
`;
