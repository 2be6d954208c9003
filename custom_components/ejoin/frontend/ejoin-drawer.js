// The port drawer of the panel: a side sheet (full width on a phone) with a port's
// entities and its controls (Redial, Reset, Lock/Unlock, Switch SIM, Identify), each an
// action of the integration on the port's device. It follows the port live: the panel
// hands it every change of the port, and Home Assistant every change of its states.
// Element: <ejoin-port-drawer>; its <dialog data-testid="drawer"> is the sheet.

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { BASE_CSS, define, errorText, fire, h, icon, setAttr, setText, statusLabel } =
  await import(`./ejoin-common.js${V}`);

const TEXT = {
  port: (n) => `Port ${n}`,
  close: "Close",
  redial: "Redial",
  reset: "Reset",
  lock: "Lock",
  unlock: "Unlock",
  switchSim: "Switch SIM",
  slot: "SIM slot",
  identify: "Identify",
  entities: "Entities",
  noEntities: "This port has no entities.",
  noDevice: "This port has no device yet; its controls wait for it.",
  publicIp: "Public IP",
  locked: "Locked",
  redialing: "Redialing",
  unavailable: "Unavailable",
  done: {
    redial: "Redial requested.",
    reset: "Reset requested.",
    lock: "Lock requested.",
    unlock: "Unlock requested.",
    switchSim: (slot) => `Switch to SIM ${slot} requested.`,
    identify: "Identify requested: the port's light blinks.",
  },
  failed: (what, message) => `${what} failed: ${message}`,
};

// The entities in a useful order; others follow by key.
const ORDER = [
  "status", "registered", "signal_strength", "signal_level", "operator", "balance",
  "sim_number", "active_slot", "active_slot_select", "public_ip", "mobile_data", "locked",
  "data_today", "sms", "call",
];

class EjoinPortDrawer extends HTMLElement {
  constructor() {
    super();
    this._hass = null;
    this._gateway = null;
    this._port = null;
    this._rows = new Map(); // entity_id -> {row, name, state, stateObj}
    this._busy = new Set();
    this._noDeviceSaid = false; // the message says TEXT.noDevice
    const root = this.attachShadow({ mode: "open" });
    root.append(h("style", {}, BASE_CSS + DRAWER_CSS));
    this._title = h("h2", { id: "title" });
    this._subtitle = h("div", { class: "note" });
    this._status = h("div", { class: "status" });
    this._message = h("div", { class: "message", role: "status", hidden: true });
    this._slot = h("select", { id: "slot" });
    this._buttons = {
      redial: this._button("redial", TEXT.redial, "mdi:phone-refresh"),
      reset: this._button("reset", TEXT.reset, "mdi:restart"),
      lock: this._button("lock", TEXT.lock, "mdi:lock"),
      switchSim: this._button("switchSim", TEXT.switchSim, "mdi:sim-outline"),
      identify: this._button("identify", TEXT.identify, "mdi:lightbulb-on-outline"),
    };
    this._list = h("div", { class: "rows" });
    this._publicIp = h("div", { class: "note ip" });
    this._dialog = h(
      "dialog",
      { "data-testid": "drawer", "aria-labelledby": "title" },
      h(
        "div",
        { class: "sheet" },
        h(
          "header",
          {},
          h("div", { class: "titles" }, this._title, this._subtitle),
          h(
            "button",
            { class: "action close", type: "button", onclick: () => this.close() },
            icon("mdi:close"),
            TEXT.close,
          ),
        ),
        h("div", { class: "body" },
          this._status,
          this._publicIp,
          h("div", { class: "controls" },
            this._buttons.redial, this._buttons.reset, this._buttons.lock, this._buttons.identify),
          h("div", { class: "controls" },
            h("label", { class: "field", for: "slot" }, TEXT.slot, this._slot),
            this._buttons.switchSim),
          this._message,
          h("h3", {}, TEXT.entities),
          this._list,
        ),
      ),
    );
    this._dialog.addEventListener("close", () => fire(this, "drawer-closed", {}));
    // A click on the backdrop (outside the sheet) closes it.
    this._dialog.addEventListener("click", (event) => {
      if (event.target === this._dialog) this.close();
    });
    root.append(this._dialog);
  }

  set hass(hass) {
    this._hass = hass;
    if (this.opened) this._drawRows();
  }

  get opened() {
    return this._dialog.open;
  }

  /** The port number open, or null. */
  get port() {
    return this.opened ? this._port?.port ?? null : null;
  }

  get entryId() {
    return this.opened ? this._gateway?.entry_id ?? null : null;
  }

  /** Open on a port (or redraw it: the panel calls this with every change of it). */
  show(gateway, port) {
    const other = this._port?.port !== port.port || this._gateway?.entry_id !== gateway.entry_id;
    this._gateway = gateway;
    this._port = port;
    if (other) {
      this._message.hidden = true;
      this._busy.clear();
    }
    this._draw();
    if (!this.opened) this._dialog.showModal();
  }

  close() {
    if (this.opened) this._dialog.close();
  }

  _button(name, text, iconName) {
    return h("button", { class: "action", type: "button", "data-action": name,
      onclick: () => this._act(name) }, icon(iconName), text);
  }

  _draw() {
    const port = this._port;
    const gateway = this._gateway;
    setText(this._title, TEXT.port(port.port));
    setText(this._subtitle, gateway.title);
    setText(this._status, [statusLabel(this._hass, port.status),
      port.locked && port.status !== "user_locked" && TEXT.locked, port.redialing && TEXT.redialing,
      !port.available && TEXT.unavailable].filter(Boolean).join(" · "));
    setText(this._publicIp, port.public_ip ? `${TEXT.publicIp}: ${port.public_ip}` : "");
    // Lock or Unlock, as the port is.
    const lock = this._buttons.lock;
    if (lock.dataset.action !== (port.locked ? "unlock" : "lock")) {
      lock.dataset.action = port.locked ? "unlock" : "lock";
      lock.replaceChildren(icon(port.locked ? "mdi:lock-open-variant" : "mdi:lock"),
        port.locked ? TEXT.unlock : TEXT.lock);
    }
    this._drawSlots();
    const noDevice = !port.device_id;
    for (const [name, button] of Object.entries(this._buttons)) {
      const needs = name === "identify" ? !port.entities?.identify : noDevice;
      button.disabled = needs || this._busy.has(name) || this._busy.has(button.dataset.action);
    }
    this._buttons.identify.hidden = !port.entities?.identify;
    // The note stays while the port has no device, and goes when its device comes.
    if (noDevice) this._say(TEXT.noDevice, "");
    else if (this._noDeviceSaid) this._say("", "");
    this._noDeviceSaid = noDevice;
    this._drawRows();
  }

  _drawSlots() {
    const select = this._port.entities?.active_slot_select;
    const options = this._hass?.states?.[select]?.attributes?.options;
    const slots = Array.isArray(options) && options.length
      ? options.map(String)
      : Array.from({ length: Math.max(this._port.slot || 1, 4) }, (_, i) => String(i + 1));
    if (this._slot.dataset.slots !== slots.join()) {
      const chosen = this._slot.value;
      this._slot.replaceChildren(...slots.map((slot) => h("option", { value: slot }, slot)));
      this._slot.dataset.slots = slots.join();
      if (slots.includes(chosen)) this._slot.value = chosen;
    }
    if (!this._slot.dataset.touched) {
      // Offer the next slot after the active one: the likely switch.
      const active = slots.indexOf(String(this._port.slot));
      if (active >= 0) this._slot.value = slots[(active + 1) % slots.length];
    }
    this._slot.onchange = () => { this._slot.dataset.touched = "1"; };
  }

  _drawRows() {
    const hass = this._hass;
    const entities = this._port?.entities || {};
    const keys = Object.keys(entities).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const wanted = [];
    for (const key of keys) {
      const entityId = entities[key];
      // The controls above stand for the buttons and the slot select: a row "Redial:
      // Unknown" or a second "Active SIM slot" would only confuse.
      if (entityId.startsWith("button.") || key === "active_slot_select") continue;
      let row = this._rows.get(entityId);
      if (!row) {
        row = { name: h("span", { class: "name" }), state: h("span", { class: "state" }) };
        row.row = h("button", { class: "row", type: "button",
          onclick: () => this._moreInfo(entityId) }, row.name, row.state);
        this._rows.set(entityId, row);
      }
      const stateObj = hass?.states?.[entityId];
      if (row.stateObj !== stateObj || !row.drawn) {
        row.stateObj = stateObj;
        row.drawn = true;
        setText(row.name, entityName(hass, stateObj, entityId, this._port));
        setText(row.state, entityState(hass, stateObj));
        setAttr(row.row, "title", entityId);
        setAttr(row.row, "aria-label", `${row.name.textContent}: ${row.state.textContent}`);
      }
      wanted.push(row.row);
    }
    if (!wanted.length) wanted.push(h("div", { class: "note" }, TEXT.noEntities));
    const same = wanted.length === this._list.children.length &&
      wanted.every((el, i) => this._list.children[i] === el);
    if (!same) this._list.replaceChildren(...wanted);
  }

  _moreInfo(entityId) {
    // Home Assistant's more-info dialog would open under this modal sheet: close it first.
    this.close();
    fire(this, "hass-more-info", { entityId });
  }

  async _act(name) {
    const hass = this._hass;
    const port = this._port;
    const action = name === "lock" ? this._buttons.lock.dataset.action : name;
    const label = { redial: TEXT.redial, reset: TEXT.reset, lock: TEXT.lock, unlock: TEXT.unlock,
      switchSim: TEXT.switchSim, identify: TEXT.identify }[action];
    if (!hass || !port) return;
    const target = { device_id: port.device_id };
    const slot = Number(this._slot.value);
    const calls = {
      redial: () => hass.callService("ejoin", "redial", {}, target, false),
      reset: () => hass.callService("ejoin", "reset_port", {}, target, false),
      lock: () => hass.callService("ejoin", "lock_port", {}, target, false),
      unlock: () => hass.callService("ejoin", "unlock_port", {}, target, false),
      switchSim: () => hass.callService("ejoin", "switch_sim", { slot }, target, false),
      identify: () =>
        hass.callService("button", "press", {}, { entity_id: port.entities.identify }, false),
    };
    this._busy.add(action);
    this._draw();
    const entryId = this._gateway?.entry_id;
    const same = () => this._port?.port === port.port && this._gateway?.entry_id === entryId;
    try {
      await calls[action]();
      const done = TEXT.done[action];
      if (same()) this._say(typeof done === "function" ? done(slot) : done, "ok");
    } catch (err) {
      if (same()) this._say(TEXT.failed(label, errorText(err)), "error");
    } finally {
      this._busy.delete(action);
      if (this._port) this._draw();
    }
  }

  _say(text, kind) {
    this._message.hidden = !text;
    this._message.className = `message ${kind}`;
    setAttr(this._message, "role", kind === "error" ? "alert" : "status");
    setText(this._message, text);
  }
}

function rank(key) {
  const index = ORDER.indexOf(key);
  return index < 0 ? ORDER.length : index;
}

/** An entity's name without its device's name ("Balance", not "Gateway Port 3 Balance"). */
function entityName(hass, stateObj, entityId, port) {
  const name = stateObj?.attributes?.friendly_name || entityId;
  const device = hass?.devices?.[port.device_id];
  const deviceName = device?.name_by_user || device?.name;
  if (deviceName && name.startsWith(`${deviceName} `)) return name.slice(deviceName.length + 1);
  const match = name.match(new RegExp(`(?:^|\\s)Port ${port.port}\\s+(.+)$`));
  return match ? match[1] : name;
}

/** An entity's state as Home Assistant shows it (translated, with its unit). */
function entityState(hass, stateObj) {
  if (!stateObj) return "—";
  try {
    const shown = hass?.formatEntityState?.(stateObj);
    if (shown) return shown;
  } catch (_err) {
    // an old frontend: fall through to the raw state
  }
  const unit = stateObj.attributes?.unit_of_measurement;
  return unit ? `${stateObj.state} ${unit}` : stateObj.state;
}

const DRAWER_CSS = `
  dialog {
    position: fixed; inset: 0 0 0 auto; margin: 0; padding: 0; border: none;
    width: min(440px, 100vw); max-width: 100vw; height: 100%; max-height: 100%;
    background: var(--card-background-color, var(--primary-background-color));
    color: var(--primary-text-color);
    box-shadow: var(--ha-card-box-shadow, 0 0 24px rgba(0, 0, 0, 0.3));
    border-inline-start: 1px solid var(--divider-color);
  }
  dialog::backdrop { background: rgba(0, 0, 0, 0.32); }
  .sheet { display: flex; flex-direction: column; height: 100%; }
  header { display: flex; align-items: flex-start; gap: 8px; padding: 16px;
    border-bottom: 1px solid var(--divider-color); }
  .titles { flex: 1; min-width: 0; }
  h2 { margin: 0; font-size: 1.25rem; font-weight: 500; }
  h3 { margin: 16px 0 4px; font-size: 1rem; font-weight: 500; }
  .body { padding: 16px; overflow-y: auto; flex: 1; }
  .status { font-size: 1.05rem; margin-bottom: 4px; }
  .controls { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 8px; margin: 12px 0; }
  .controls .field { width: 7rem; }
  .rows { display: flex; flex-direction: column; }
  .row { display: flex; justify-content: space-between; gap: 16px; padding: 10px 4px; font: inherit;
    color: var(--primary-text-color); background: none; border: none; cursor: pointer; text-align: start;
    border-bottom: 1px solid var(--divider-color); }
  .row:hover { background: var(--secondary-background-color); }
  .row .name { min-width: 0; overflow-wrap: anywhere; }
  .row .state { color: var(--secondary-text-color); text-align: end; overflow-wrap: anywhere; }
  @media (max-width: 600px) { dialog { width: 100vw; border: none; } }
`;

define("ejoin-port-drawer", EjoinPortDrawer);
