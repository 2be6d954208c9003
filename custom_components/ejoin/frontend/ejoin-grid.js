// The port grid the panel and the card share: one tile (a button) per port, coloured by
// its tone, with signal bars, operator, balance, slot and data; the filters and sorts of
// the panel's toolbar; and TileGrid, which keeps one tile per port and touches only the
// tiles whose port changed (64 ports × several gateways update live).

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { h, icon, setAttr, setText, statusLabel, formatNumber } = await import(
  `./ejoin-common.js${V}`
);

export const TEXT = {
  port: (n) => `Port ${n}`,
  sim: (n) => `SIM ${n}`,
  megabytes: (value) => `${value} MB`,
  signal: (bars, signal) =>
    signal === null || signal === undefined ? "no signal reading" : `signal ${bars} of 4 (${signal}/31)`,
  locked: "Locked",
  redialing: "Redialing",
  unavailable: "Unavailable",
  noOperator: "—",
  noMatch: "No port matches the filter.",
  filters: {
    all: "All ports",
    not_registered: "Not registered",
    low_balance: "Low balance",
    no_sim: "No SIM",
    locked: "Locked",
    redialing: "Redialing",
    unavailable: "Unavailable",
  },
  sorts: { port: "Port", signal: "Signal", balance: "Balance", status: "Status" },
};

export const FILTERS = Object.keys(TEXT.filters);
export const SORTS = Object.keys(TEXT.sorts);
export const DEFAULT_VIEW = { filter: "all", threshold: 5, sort: "port" };

// A status the port works in, whatever its `registered` flag says.
const WORKING = new Set([
  "registered",
  "call_connected",
  "accessing_network",
  "inter_calling",
  "inter_calling_holding",
]);
const OFF = new Set(["no_sim", "idle_sim"]);
const WARN = new Set(["registering", "card_detected", "other"]);
// Anything else (no_balance, register_failed, locked_by_*, sim_error, module_timeout): error.

/** The tone a tile is drawn in: ok, warn, error, off, locked or unavailable. */
export function toneOf(port) {
  if (!port.available) return "unavailable";
  if (port.locked || port.status === "user_locked") return "locked";
  if (port.registered || WORKING.has(port.status)) return "ok";
  if (!port.status || OFF.has(port.status)) return "off";
  if (WARN.has(port.status)) return "warn";
  return "error";
}

// Worst first, for the "status" sort.
const TONE_ORDER = { error: 0, warn: 1, locked: 2, unavailable: 3, off: 4, ok: 5 };

/** Bars (0..4) for a signal on the modem's 0..31 scale (null: unknown). */
export function signalBars(signal) {
  if (signal === null || signal === undefined || signal < 2) return 0;
  if (signal < 10) return 1;
  if (signal < 15) return 2;
  if (signal < 20) return 3;
  return 4;
}

/** Whether a port passes the toolbar's filter (threshold: the low balance's bound). */
export function matches(port, filter, threshold) {
  switch (filter) {
    case "not_registered":
      return !port.registered;
    case "low_balance":
      return port.balance !== null && port.balance !== undefined && port.balance < threshold;
    case "no_sim":
      return port.status === "no_sim";
    case "locked":
      return Boolean(port.locked);
    case "redialing":
      return Boolean(port.redialing);
    case "unavailable":
      return !port.available;
    default:
      return true;
  }
}

const last = (value, descending) =>
  value === null || value === undefined ? Infinity : descending ? -value : value;

/** Sort ports by port number, signal (strongest first), balance (lowest first) or status (worst first). */
export function sortPorts(ports, sort) {
  const by = {
    signal: (p) => last(p.signal, true),
    balance: (p) => last(p.balance, false),
    status: (p) => TONE_ORDER[toneOf(p)],
  }[sort];
  const sorted = [...ports];
  sorted.sort((a, b) => (by ? by(a) - by(b) : 0) || a.port - b.port);
  return sorted;
}

/** A port as drawn: unavailable when its gateway is. */
export function shownPort(gateway, port) {
  return gateway.available === false && port.available ? { ...port, available: false } : port;
}

function createTile(onClick) {
  const parts = {
    name: h("span", { class: "name" }),
    bars: h("span", { class: "bars", "aria-hidden": "true" }, [1, 2, 3, 4].map(() => h("i"))),
    status: h("span", { class: "status" }),
    operator: h("span", { class: "operator" }),
    balance: h("span", { class: "balance" }),
    slot: h("span", { class: "slot" }),
    data: h("span", { class: "data" }),
    marks: h("span", { class: "marks" }),
  };
  const el = h(
    "button",
    { class: "tile", type: "button" },
    h("span", { class: "head" }, parts.name, parts.bars),
    parts.status,
    parts.operator,
    h("span", { class: "meta" }, parts.balance, parts.slot, parts.data),
    parts.marks,
  );
  el.addEventListener("click", () => onClick(Number(el.dataset.port)));
  return { el, parts, key: "" };
}

function mark(name, text) {
  return h("span", { class: `mark ${name}` }, icon(MARK_ICONS[name]), text);
}
const MARK_ICONS = { locked: "mdi:lock", redialing: "mdi:phone-sync", unavailable: "mdi:lan-disconnect" };

function drawTile(tile, port, ctx) {
  const { hass, currency } = ctx;
  const key = JSON.stringify([port, currency]);
  if (tile.key === key && tile.localize === hass?.localize) return;
  tile.key = key;
  tile.localize = hass?.localize;
  const { el, parts } = tile;
  const tone = toneOf(port);
  const label = statusLabel(hass, port.status);
  const bars = signalBars(port.signal);
  setAttr(el, "data-port", port.port);
  setAttr(el, "data-status", port.status || "unknown");
  setAttr(el, "data-tone", tone);
  setText(parts.name, TEXT.port(port.port));
  setText(parts.status, label);
  setAttr(parts.bars, "data-bars", bars);
  setAttr(parts.bars, "title", TEXT.signal(bars, port.signal));
  setText(parts.operator, port.operator || TEXT.noOperator);
  const balance =
    port.balance === null || port.balance === undefined
      ? ""
      : `${formatNumber(hass, port.balance)}${currency ? ` ${currency}` : ""}`;
  setText(parts.balance, balance);
  setText(parts.slot, port.slot ? TEXT.sim(port.slot) : "");
  setText(
    parts.data,
    port.data_today === null || port.data_today === undefined
      ? ""
      : TEXT.megabytes(formatNumber(hass, port.data_today, 1)),
  );
  const marks = [
    port.locked && mark("locked", TEXT.locked),
    port.redialing && mark("redialing", TEXT.redialing),
    !port.available && mark("unavailable", TEXT.unavailable),
  ].filter(Boolean);
  parts.marks.replaceChildren(...marks);
  const words = [
    TEXT.port(port.port),
    label,
    TEXT.signal(bars, port.signal),
    port.operator,
    balance,
    port.slot && TEXT.sim(port.slot),
    port.locked && TEXT.locked,
    port.redialing && TEXT.redialing,
    !port.available && TEXT.unavailable,
  ];
  setAttr(el, "aria-label", words.filter(Boolean).join(", "));
}

/**
 * One gateway's tiles in a container: draws each port's tile once, and again only
 * when that port changed; shows the ports the view lets through, in its order.
 */
export class TileGrid {
  constructor(container, onClick) {
    this.container = container;
    this.onClick = onClick;
    this.tiles = new Map(); // port number -> {el, parts, key}
    this.visible = 0;
  }

  /** Draw the given ports (all of the gateway's, or only changed ones), then lay out. */
  update(gateway, ports, ctx, view = DEFAULT_VIEW) {
    for (const port of ports) {
      let tile = this.tiles.get(port.port);
      if (!tile) {
        tile = createTile(this.onClick);
        this.tiles.set(port.port, tile);
      }
      drawTile(tile, shownPort(gateway, port), ctx);
    }
    this.layout(gateway, view);
  }

  /** Show the tiles the view lets through, in its order, moving only misplaced ones. */
  layout(gateway, view = DEFAULT_VIEW) {
    for (const number of this.tiles.keys()) {
      if (!gateway.ports.has(number)) this.tiles.delete(number);
    }
    const shown = sortPorts(
      [...gateway.ports.values()]
        .map((port) => shownPort(gateway, port))
        .filter((port) => matches(port, view.filter, view.threshold)),
      view.sort,
    );
    const wanted = shown.map((port) => this.tiles.get(port.port)?.el).filter(Boolean);
    const children = this.container.children;
    wanted.forEach((el, index) => {
      if (children[index] !== el) this.container.insertBefore(el, children[index] || null);
    });
    while (children.length > wanted.length) children[children.length - 1].remove();
    this.visible = wanted.length;
  }
}

// The tiles, coloured through Home Assistant's theme variables.
export const GRID_CSS = `
  .grid { display: grid; gap: 8px;
    grid-template-columns: repeat(auto-fill, minmax(min(var(--ejoin-tile-min, 150px), 100%), 1fr)); }
  .tile {
    --tone: var(--divider-color);
    display: flex; flex-direction: column; align-items: stretch; gap: 2px; min-width: 0;
    font: inherit; text-align: start; cursor: pointer; padding: 8px 10px;
    color: var(--primary-text-color);
    background: color-mix(in srgb, var(--tone) 12%, var(--card-background-color, #fff));
    border: 1px solid var(--tone); border-inline-start-width: 4px;
    border-radius: var(--ha-card-border-radius, 12px);
  }
  .tile:hover { background: color-mix(in srgb, var(--tone) 22%, var(--card-background-color, #fff)); }
  .tile:focus-visible { outline: 2px solid var(--primary-color); outline-offset: 2px; }
  .tile[data-tone="ok"] { --tone: var(--success-color, #43a047); }
  .tile[data-tone="warn"] { --tone: var(--warning-color, #ffa600); }
  .tile[data-tone="error"] { --tone: var(--error-color, #db4437); }
  .tile[data-tone="off"] { --tone: var(--disabled-text-color, #9e9e9e); }
  .tile[data-tone="locked"] { --tone: var(--info-color, #039be5); }
  .tile[data-tone="unavailable"] { --tone: var(--disabled-text-color, #9e9e9e);
    border-style: dashed; background: var(--card-background-color, #fff); }
  .tile[data-tone="unavailable"] > :not(.marks) { opacity: 0.6; }
  .tile .head { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
  .tile .name { font-weight: 600; }
  .tile .status { font-size: 0.875rem;
    color: color-mix(in srgb, var(--tone) 55%, var(--primary-text-color)); }
  .tile .operator, .tile .status { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .tile .meta { display: flex; flex-wrap: wrap; column-gap: 8px; font-size: 0.8rem;
    color: var(--secondary-text-color); }
  .tile .meta span:empty { display: none; }
  .tile .marks { display: flex; flex-wrap: wrap; gap: 4px; }
  .tile .marks:empty { display: none; }
  .tile .mark { display: inline-flex; align-items: center; gap: 2px; font-size: 0.75rem;
    font-weight: 500; padding: 0 6px 0 4px; border-radius: 10px;
    background: color-mix(in srgb, var(--tone) 25%, transparent); --mdc-icon-size: 14px; }
  .bars { display: inline-flex; align-items: flex-end; gap: 2px; height: 14px; flex: none; }
  .bars i { width: 4px; border-radius: 1px; background: var(--disabled-text-color, #9e9e9e); opacity: 0.35; }
  .bars i:nth-child(1) { height: 25%; } .bars i:nth-child(2) { height: 50%; }
  .bars i:nth-child(3) { height: 75%; } .bars i:nth-child(4) { height: 100%; }
  .bars[data-bars="1"] i:nth-child(-n+1), .bars[data-bars="2"] i:nth-child(-n+2),
  .bars[data-bars="3"] i:nth-child(-n+3), .bars[data-bars="4"] i:nth-child(-n+4) {
    background: var(--primary-text-color); opacity: 0.85; }
`;
