// The dashboard card "SIM gateway ports": <ejoin-port-grid-card>, one gateway's port grid
// (the panel's tiles, from ejoin-grid.js), live from `ejoin/farm/subscribe`; a tile opens
// Home Assistant's more-info of the port's Status sensor. Config:
// {type: "custom:ejoin-port-grid-card", entry_id?: str} (no entry_id: the first gateway).
// Also its editor, <ejoin-port-grid-card-editor> (a gateway select), and its entry in the
// card picker (window.customCards). Home Assistant loads this module on every page.

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { BASE_CSS, define, errorText, fire, h, setText, upgradeProperties } = await import(
  `./ejoin-common.js${V}`
);
const { GRID_CSS, TileGrid } = await import(`./ejoin-grid.js${V}`);
const { Farm, registeredCount } = await import(`./ejoin-farm.js${V}`);

const TEXT = {
  name: "SIM gateway ports",
  description: "The ports of an Ejoin SIM gateway: status, signal, operator and balance, live.",
  registered: (registered, ports) => `${registered}/${ports} registered`,
  unavailable: "Unavailable",
  loading: "Loading…",
  noGateway: "No gateway set up",
  notFound: "This gateway is not set up (or not loaded).",
  failed: (message) => `Could not load the gateway: ${message}`,
  gateway: "Gateway",
  firstGateway: "The first gateway",
};

class EjoinPortGridCard extends HTMLElement {
  constructor() {
    super();
    this._config = {};
    this._hass = null;
    this._farm = new Farm((change) => this._changed(change));
    this._entryId = null; // the gateway shown
    const root = this.attachShadow({ mode: "open" });
    this._title = h("h2", {});
    this._count = h("span", { class: "count" });
    this._badge = h("span", { class: "badge", hidden: true }, TEXT.unavailable);
    this._state = h("div", { class: "state note" }, TEXT.loading);
    this._tiles = h("div", { class: "grid" });
    this._grid = new TileGrid(this._tiles, (port) => this._moreInfo(port));
    root.append(
      h("style", {}, BASE_CSS + GRID_CSS + CARD_CSS),
      h("ha-card", {},
        h("div", { class: "card-head" }, this._title, this._badge, this._count),
        this._state, this._tiles),
    );
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    if (config.entry_id !== undefined && typeof config.entry_id !== "string") {
      throw new Error("entry_id must be a config entry id (a string)");
    }
    const changed = config.entry_id !== this._config.entry_id;
    this._config = { ...config };
    if (changed && this.isConnected && this._hass) {
      this._farm.disconnect();
      this._entryId = null;
      this._grid.tiles.clear();
      this._tiles.replaceChildren();
      this._farm.connect(this._hass, this._config.entry_id);
    }
  }

  set hass(hass) {
    const old = this._hass;
    this._hass = hass;
    // A no-op but for a new connection: a failed subscribe is not sent again per state change.
    if (this.isConnected) this._farm.connect(hass, this._config.entry_id);
    if (old && old.localize !== hass.localize) this._draw();
  }

  get hass() {
    return this._hass;
  }

  connectedCallback() {
    upgradeProperties(this, ["hass"]);
    if (this._hass) this._farm.connect(this._hass, this._config.entry_id);
  }

  disconnectedCallback() {
    this._farm.disconnect();
  }

  /** Height in 50 px units: the header, and two units per row of two tiles (a column's width). */
  getCardSize() {
    const ports = this._gateway()?.ports.size || 8;
    return 1 + 2 * Math.ceil(ports / 2);
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6 };
  }

  static getConfigElement() {
    return document.createElement("ejoin-port-grid-card-editor");
  }

  static async getStubConfig(hass) {
    try {
      const { gateways } = await hass.callWS({ type: "ejoin/farm" });
      return gateways?.length ? { entry_id: gateways[0].entry_id } : {};
    } catch (_err) {
      return {};
    }
  }

  _gateway() {
    if (this._entryId) return this._farm.gateways.get(this._entryId);
    return undefined;
  }

  _changed(change) {
    if (change.kind === "snapshot" || change.kind === "error") {
      const first = this._farm.list()[0];
      const gateway = this._config.entry_id
        ? this._farm.gateways.get(this._config.entry_id)
        : first;
      if (gateway?.entry_id !== this._entryId) {
        this._grid.tiles.clear();
        this._tiles.replaceChildren();
      }
      this._entryId = gateway?.entry_id ?? null;
      this._draw();
      return;
    }
    if (change.entryId !== this._entryId) return;
    const gateway = this._gateway();
    const ports = change.kind === "ports"
      ? change.ports.map((n) => gateway.ports.get(n)).filter(Boolean)
      : [...gateway.ports.values()];
    this._drawGateway(gateway, ports);
  }

  _draw() {
    const gateway = this._gateway();
    const farm = this._farm;
    let state = "";
    if (!gateway) {
      if (farm.error) {
        state = farm.error.code === "not_found" ? TEXT.notFound : TEXT.failed(errorText(farm.error));
      } else if (!farm.loaded) state = TEXT.loading;
      else state = this._config.entry_id ? TEXT.notFound : TEXT.noGateway;
    }
    setText(this._state, state);
    this._state.hidden = !state;
    if (!gateway) {
      setText(this._title, TEXT.name);
      setText(this._count, "");
      this._badge.hidden = true;
      return;
    }
    this._drawGateway(gateway, [...gateway.ports.values()]);
  }

  _drawGateway(gateway, ports) {
    setText(this._title, gateway.title || TEXT.name);
    setText(this._count, TEXT.registered(registeredCount(gateway), gateway.ports.size));
    this._badge.hidden = gateway.available !== false;
    this._grid.update(gateway, ports, { hass: this._hass, currency: gateway.currency });
  }

  _moreInfo(number) {
    const entityId = this._gateway()?.ports.get(number)?.entities?.status;
    if (entityId) fire(this, "hass-more-info", { entityId });
  }
}

/** The card's editor: which gateway it shows. */
class EjoinPortGridCardEditor extends HTMLElement {
  constructor() {
    super();
    this._config = {};
    this._hass = null;
    this._gateways = null;
    const root = this.attachShadow({ mode: "open" });
    this._select = h("select", { id: "gateway", onchange: () => this._choose() });
    this._error = h("div", { class: "message error", role: "alert", hidden: true });
    root.append(h("style", {}, BASE_CSS + EDITOR_CSS),
      h("label", { class: "field", for: "gateway" }, TEXT.gateway), this._select, this._error);
  }

  connectedCallback() {
    upgradeProperties(this, ["hass"]);
  }

  setConfig(config) {
    this._config = { ...config };
    this._draw();
  }

  set hass(hass) {
    const first = !this._hass;
    this._hass = hass;
    if (first) this._load();
  }

  async _load() {
    try {
      const { gateways } = await this._hass.callWS({ type: "ejoin/farm" });
      this._gateways = gateways || [];
      this._error.hidden = true;
    } catch (err) {
      this._gateways = [];
      this._error.textContent = TEXT.failed(errorText(err));
      this._error.hidden = false;
    }
    this._draw();
  }

  _draw() {
    const options = [["", TEXT.firstGateway],
      ...(this._gateways || []).map((g) => [g.entry_id, g.title || g.entry_id])];
    const chosen = this._config.entry_id || "";
    if (chosen && !options.some(([value]) => value === chosen)) options.push([chosen, chosen]);
    this._select.replaceChildren(...options.map(([value, text]) => h("option", { value }, text)));
    this._select.value = chosen;
  }

  _choose() {
    const config = { ...this._config };
    if (this._select.value) config.entry_id = this._select.value;
    else delete config.entry_id;
    this._config = config;
    fire(this, "config-changed", { config });
  }
}

const CARD_CSS = `
  ha-card { display: block; padding: 16px; --ejoin-tile-min: 120px; }
  ha-card:not(:defined) { background: var(--card-background-color); border-radius: var(--ha-card-border-radius, 12px);
    border: 1px solid var(--divider-color); }
  .card-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin-bottom: 12px; }
  h2 { margin: 0; font-size: 1.25rem; font-weight: 500; color: var(--ha-card-header-color, var(--primary-text-color));
    overflow-wrap: anywhere; }
  .count { color: var(--secondary-text-color); }
  .badge { font-size: 0.8rem; padding: 1px 8px; border-radius: 10px;
    background: color-mix(in srgb, var(--error-color) 18%, transparent); }
  .state { padding: 8px 0; }
`;
const EDITOR_CSS = `
  :host { display: flex; flex-direction: column; gap: 4px; }
  select { width: 100%; }
`;

define("ejoin-port-grid-card", EjoinPortGridCard);
define("ejoin-port-grid-card-editor", EjoinPortGridCardEditor);

window.customCards = window.customCards || [];
if (!window.customCards.some((card) => card.type === "ejoin-port-grid-card")) {
  window.customCards.push({
    type: "ejoin-port-grid-card",
    name: TEXT.name,
    description: TEXT.description,
    preview: true,
    documentationURL: "https://github.com/ha-ejoin/ejoin",
  });
}
