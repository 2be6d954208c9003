// The "SIM gateways" sidebar panel: <ejoin-panel>. Three tabs: Ports (every gateway's
// port grid, live from `ejoin/farm/subscribe`, with a filter and sort, and a drawer per
// port), Inbox (<ejoin-inbox>) and Send SMS (<ejoin-send-form>), the last two created
// (and subscribing) when first opened; the tab is in the address (/ejoin/inbox).
// Home Assistant sets hass, narrow, route and panel; a new hass comes with every state
// change, so the setter only hands it on: tiles redraw from the farm's messages, and
// only those of ports that changed.
//
// Modules are imported with this module's version query (minus the file's own hash),
// so that a new release never runs with a stale cached module beside a fresh one.

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { BASE_CSS, define, errorText, h, icon, setText, upgradeProperties } = await import(
  `./ejoin-common.js${V}`
);
const { DEFAULT_VIEW, FILTERS, GRID_CSS, SORTS, TEXT: GRID_TEXT, TileGrid } = await import(
  `./ejoin-grid.js${V}`
);
const { Farm, registeredCount } = await import(`./ejoin-farm.js${V}`);
// The drawer, the inbox and the send form define their elements.
await Promise.all(
  ["ejoin-drawer", "ejoin-inbox", "ejoin-sms"].map((name) => import(`./${name}.js${V}`)),
);

const TEXT = {
  title: "SIM gateways",
  menu: "Menu",
  tabs: { ports: "Ports", inbox: "Inbox", send: "Send SMS" },
  show: "Show",
  balanceBelow: "Balance below",
  sortBy: "Sort by",
  registered: (registered, ports) => `${registered}/${ports} registered`,
  firmware: (version) => `Firmware ${version}`,
  unavailable: "Unavailable",
  loading: "Loading the gateways…",
  noGateway: "No gateway set up",
  noGatewayHint: "Add an Ejoin gateway under Settings → Devices & services → Add integration.",
  failed: (message) => `Could not load the gateways: ${message}`,
  noPorts: "This gateway has reported no port yet.",
};
const TABS = [
  ["ports", "mdi:view-grid-outline"],
  ["inbox", "mdi:inbox-arrow-down-outline"],
  ["send", "mdi:message-arrow-right-outline"],
];

class EjoinPanel extends HTMLElement {
  constructor() {
    super();
    this._hass = null;
    this._narrow = false;
    this._view = { ...DEFAULT_VIEW };
    this._sections = new Map(); // entry_id -> {card, title, count, firmware, badge, grid, note}
    this._farm = new Farm((change) => this._changed(change));
    this._tab = "ports";
    this._lazy = {}; // the Inbox and Send SMS elements, once created
    const root = this.attachShadow({ mode: "open" });
    this._menu = h("ha-menu-button");
    this._menuFallback = h("button", { class: "menu-fallback", type: "button", "aria-label": TEXT.menu,
      hidden: true, onclick: () => this.dispatchEvent(new CustomEvent("hass-toggle-menu",
        { bubbles: true, composed: true })) }, icon("mdi:menu"));
    this._tabs = {};
    this._panels = {};
    for (const [name, iconName] of TABS) {
      this._tabs[name] = h("button", { role: "tab", type: "button", id: `tab-${name}`,
        "aria-controls": `panel-${name}`, onclick: () => this._select(name),
        onkeydown: (event) => this._tabKey(event) }, icon(iconName), TEXT.tabs[name]);
      this._panels[name] = h("section", { role: "tabpanel", id: `panel-${name}`,
        "aria-labelledby": `tab-${name}`, class: `tab-${name}` });
    }
    this._state = h("div", { class: "state" });
    this._gatewaysBox = h("div", { class: "gateways" });
    this._panels.ports.append(this._toolbar(), this._state, this._gatewaysBox);
    this._drawer = h("ejoin-port-drawer");
    root.append(
      h("style", {}, BASE_CSS + GRID_CSS + PANEL_CSS),
      h("div", { class: "top" },
        (this._header = h("header", { class: "toolbar" }, this._menuFallback,
          h("h1", { class: "main-title" }, TEXT.title))),
        h("div", { class: "tabs", role: "tablist", "aria-label": TEXT.title },
          ...TABS.map(([name]) => this._tabs[name]))),
      h("main", {}, ...TABS.map(([name]) => this._panels[name])),
      this._drawer,
    );
    this._route = null;
    this._select("ports", false);
    this._drawState();
    if (!customElements.get("ha-menu-button")) {
      // Outside Home Assistant's full app (or before it loaded): a plain menu button.
      this._menuFallback.hidden = !this._narrow;
      customElements.whenDefined("ha-menu-button").then(() => {
        this._menuFallback.hidden = true;
        this._menu.hass = this._hass;
        this._menu.narrow = this._narrow;
      });
    }
  }

  set hass(hass) {
    const old = this._hass;
    this._hass = hass;
    this._menu.hass = hass;
    // Home Assistant's menu button reads hass as soon as it is connected.
    if (!this._menu.isConnected) this._header.prepend(this._menu);
    this._drawer.hass = hass;
    for (const el of Object.values(this._lazy)) el.hass = hass;
    if (this.isConnected) this._farm.connect(hass);
    // The status labels come from localize: redraw the tiles when the language changes.
    if (old && old.localize !== hass.localize) this._drawAll();
  }

  get hass() {
    return this._hass;
  }

  set narrow(narrow) {
    this._narrow = Boolean(narrow);
    this._menu.narrow = this._narrow;
    this.toggleAttribute("narrow", this._narrow);
    if (!customElements.get("ha-menu-button")) this._menuFallback.hidden = !this._narrow;
  }

  get narrow() {
    return this._narrow;
  }

  /** The tab is in the address (/ejoin, /ejoin/inbox, /ejoin/send): a reload keeps it. */
  set route(route) {
    this._route = route;
    const segment = (route?.path || "").split("/")[1] || "";
    const name = TABS.some(([tab]) => tab === segment) ? segment : "ports";
    if (name !== this._tab) this._select(name, false);
  }

  get route() {
    return this._route;
  }

  set panel(_panel) {}

  connectedCallback() {
    upgradeProperties(this, ["hass", "narrow", "route", "panel"]);
    if (this._hass) this._farm.connect(this._hass);
  }

  disconnectedCallback() {
    this._farm.disconnect();
    this._drawer.close();
  }

  _toolbar() {
    const select = (id, label, testid, options, value, onchange) =>
      h("label", { class: "field" }, label,
        h("select", { id, "data-testid": testid, onchange },
          ...options.map(([key, text]) => h("option", { value: key, selected: key === value }, text))));
    this._threshold = h("input", { type: "number", step: "any", inputmode: "decimal",
      "data-testid": "balance-below", value: String(DEFAULT_VIEW.threshold),
      oninput: (event) => {
        const value = Number.parseFloat(event.target.value);
        this._setView({ threshold: Number.isFinite(value) ? value : DEFAULT_VIEW.threshold });
      } });
    return h("div", { class: "view-toolbar" },
      select("filter", TEXT.show, "filter", FILTERS.map((key) => [key, GRID_TEXT.filters[key]]),
        this._view.filter, (event) => this._setView({ filter: event.target.value })),
      h("label", { class: "field threshold" }, TEXT.balanceBelow, this._threshold),
      select("sort", TEXT.sortBy, "sort", SORTS.map((key) => [key, GRID_TEXT.sorts[key]]),
        this._view.sort, (event) => this._setView({ sort: event.target.value })));
  }

  _setView(change) {
    this._view = { ...this._view, ...change };
    for (const [entryId, section] of this._sections) {
      const gateway = this._farm.gateways.get(entryId);
      if (gateway) {
        section.grid.layout(gateway, this._view);
        this._drawNote(section, gateway);
      }
    }
  }

  _select(name, navigate = true) {
    this._tab = name;
    if (navigate) this._navigate(name);
    for (const [tab] of TABS) {
      const selected = tab === name;
      this._tabs[tab].setAttribute("aria-selected", String(selected));
      this._tabs[tab].tabIndex = selected ? 0 : -1;
      this._panels[tab].hidden = !selected;
    }
    if (name === "inbox" && !this._lazy.inbox) this._lazy.inbox = this._create("inbox", "ejoin-inbox");
    if (name === "send" && !this._lazy.send) {
      this._lazy.send = this._create("send", "ejoin-send-form");
      this._lazy.send.gateways = this._farm.loaded ? this._farm.list() : null;
    }
  }

  _create(tab, tag) {
    const el = h(tag);
    if (this._hass) el.hass = this._hass;
    this._panels[tab].append(el);
    return el;
  }

  _navigate(name) {
    const prefix = this._route?.prefix;
    if (!prefix) return;
    const path = name === "ports" ? prefix : `${prefix}/${name}`;
    if (location.pathname === path) return;
    // As Home Assistant's navigate(…, {replace: true}): it passes the new route back.
    history.replaceState(history.state, "", path);
    window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace: true } }));
  }

  _tabKey(event) {
    const names = TABS.map(([name]) => name);
    const index = names.indexOf(this._tab);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: names.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const name = names[(next + names.length) % names.length];
    this._select(name);
    this._tabs[name].focus();
  }

  _changed(change) {
    if (change.kind === "snapshot" || change.kind === "error") {
      this._drawState();
      this._drawSections();
      this._drawDrawer();
    } else {
      const gateway = this._farm.gateways.get(change.entryId);
      const section = this._sections.get(change.entryId);
      if (!gateway || !section) return;
      const ports = change.kind === "ports"
        ? change.ports.map((n) => gateway.ports.get(n)).filter(Boolean)
        : [...gateway.ports.values()];
      const added = ports.some((port) => !section.grid.tiles.has(port.port));
      this._drawSection(section, gateway, ports);
      // The send form offers the ports that have a device: a new port may.
      if (this._lazy.send && (added || change.kind === "ports")) {
        this._lazy.send.gateways = this._farm.list();
      }
      if (change.entryId === this._drawer.entryId &&
        (change.kind === "gateway" || change.ports.includes(this._drawer.port))) {
        this._drawDrawer();
      }
    }
  }

  _drawState() {
    const farm = this._farm;
    let content = null;
    if (farm.error && !farm.loaded) {
      content = h("div", { class: "message error", role: "alert" }, TEXT.failed(errorText(farm.error)));
    } else if (!farm.loaded) {
      content = h("div", { class: "note", role: "status" }, TEXT.loading);
    } else if (!farm.gateways.size) {
      content = h("div", { class: "empty" }, icon("mdi:sim-off-outline"),
        h("strong", {}, TEXT.noGateway), h("span", {}, TEXT.noGatewayHint));
    }
    this._state.replaceChildren(...(content ? [content] : []));
  }

  _drawSections() {
    const gateways = this._farm.list();
    for (const [entryId, section] of this._sections) {
      if (!this._farm.gateways.has(entryId)) {
        section.card.remove();
        this._sections.delete(entryId);
      }
    }
    gateways.forEach((gateway, index) => {
      let section = this._sections.get(gateway.entry_id);
      if (!section) {
        section = this._section(gateway);
        this._sections.set(gateway.entry_id, section);
      }
      if (this._gatewaysBox.children[index] !== section.card) {
        this._gatewaysBox.insertBefore(section.card, this._gatewaysBox.children[index] || null);
      }
      this._drawSection(section, gateway, [...gateway.ports.values()]);
    });
    if (this._lazy.send) this._lazy.send.gateways = this._farm.loaded ? gateways : null;
  }

  _section(gateway) {
    const section = {
      title: h("h2", {}),
      count: h("span", { class: "count" }),
      firmware: h("span", { class: "note" }),
      badge: h("span", { class: "badge", hidden: true }, icon("mdi:lan-disconnect"), TEXT.unavailable),
      grid: null,
      note: h("div", { class: "note nomatch", hidden: true }),
    };
    const tiles = h("div", { class: "grid" });
    section.grid = new TileGrid(tiles, (port) => this._open(gateway.entry_id, port));
    section.card = h("ha-card", { "data-gateway": gateway.entry_id },
      h("div", { class: "gateway-head" }, section.title, section.badge, section.count, section.firmware),
      tiles, section.note);
    return section;
  }

  _drawSection(section, gateway, ports) {
    setText(section.title, gateway.title || gateway.entry_id);
    setText(section.count, TEXT.registered(registeredCount(gateway), gateway.ports.size));
    setText(section.firmware, gateway.firmware ? TEXT.firmware(gateway.firmware) : "");
    section.badge.hidden = gateway.available !== false;
    section.grid.update(gateway, ports, this._ctx(gateway), this._view);
    this._drawNote(section, gateway);
  }

  _drawNote(section, gateway) {
    const text = !gateway.ports.size ? TEXT.noPorts : !section.grid.visible ? GRID_TEXT.noMatch : "";
    setText(section.note, text);
    section.note.hidden = !text;
  }

  _drawAll() {
    for (const [entryId, section] of this._sections) {
      const gateway = this._farm.gateways.get(entryId);
      if (gateway) this._drawSection(section, gateway, [...gateway.ports.values()]);
    }
  }

  _ctx(gateway) {
    return { hass: this._hass, currency: gateway.currency };
  }

  _open(entryId, number) {
    const gateway = this._farm.gateways.get(entryId);
    const port = gateway?.ports.get(number);
    if (!port) return;
    this._drawer.hass = this._hass;
    this._drawer.show(gateway, gateway.available === false ? { ...port, available: false } : port);
  }

  _drawDrawer() {
    const entryId = this._drawer.entryId;
    if (!entryId) return;
    const gateway = this._farm.gateways.get(entryId);
    const port = gateway?.ports.get(this._drawer.port);
    if (!port) this._drawer.close();
    else this._drawer.show(gateway, gateway.available === false ? { ...port, available: false } : port);
  }
}

const PANEL_CSS = `
  :host { display: block; min-height: 100%; background: var(--primary-background-color);
    -webkit-font-smoothing: antialiased; }
  .top { position: sticky; top: 0; z-index: 2; }
  .toolbar { display: flex; align-items: center; box-sizing: border-box; height: var(--header-height, 56px);
    padding: 0 12px; font-size: 20px; background: var(--app-header-background-color, var(--primary-color));
    color: var(--app-header-text-color, var(--text-primary-color, #fff));
    border-bottom: var(--app-header-border-bottom, none); }
  .main-title { margin: 0 0 0 24px; font-size: inherit; font-weight: 400; line-height: 20px; flex: 1;
    overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  :host([narrow]) .main-title { margin-inline-start: 8px; }
  .menu-fallback { background: none; border: none; color: inherit; padding: 12px; cursor: pointer;
    --mdc-icon-size: 24px; }
  .tabs { display: flex; overflow-x: auto; gap: 4px; padding: 0 8px; scrollbar-width: none;
    background: var(--app-header-background-color, var(--primary-color));
    color: var(--app-header-text-color, var(--text-primary-color, #fff));
    border-bottom: 1px solid var(--divider-color); }
  [role="tab"] { display: inline-flex; align-items: center; gap: 8px; flex: none; font: inherit;
    font-weight: 500; font-size: 0.875rem; padding: 12px 16px; color: inherit; opacity: 0.75;
    background: none; border: none; border-bottom: 2px solid transparent; cursor: pointer; }
  [role="tab"][aria-selected="true"] { opacity: 1; border-bottom-color: currentColor; }
  [role="tab"]:focus-visible { outline: 2px solid currentColor; outline-offset: -4px; }
  main { padding: 16px; box-sizing: border-box; max-width: 100%; }
  :host([narrow]) main { padding: 12px 8px; }
  .view-toolbar { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; margin-bottom: 16px; }
  .view-toolbar .field { flex: 0 1 200px; }
  .view-toolbar .threshold { flex-basis: 140px; }
  :host([narrow]) .view-toolbar .field { flex: 1 1 140px; }
  .gateways { display: flex; flex-direction: column; gap: 16px; }
  ha-card { display: block; padding: 16px; }
  :host([narrow]) ha-card { padding: 12px; }
  ha-card:not(:defined) { background: var(--card-background-color); color: var(--primary-text-color);
    border: 1px solid var(--divider-color); border-radius: var(--ha-card-border-radius, 12px); }
  .gateway-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin-bottom: 12px; }
  .gateway-head h2 { margin: 0; font-size: 1.25rem; font-weight: 500; overflow-wrap: anywhere; }
  .count { color: var(--secondary-text-color); }
  .badge { display: inline-flex; align-items: center; gap: 4px; font-size: 0.8rem; padding: 1px 8px;
    border-radius: 10px; background: color-mix(in srgb, var(--error-color) 18%, transparent); }
  .nomatch { padding: 8px 0 0; }
  .empty ha-icon { --mdc-icon-size: 48px; color: var(--disabled-text-color); display: block;
    margin: 0 auto 12px; width: 48px; }
`;

define("ejoin-panel", EjoinPanel);
