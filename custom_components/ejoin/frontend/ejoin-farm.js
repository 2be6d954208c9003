// The gateways and their ports as `ejoin/farm/subscribe` tells them: a snapshot first
// (and whenever a gateway is loaded, unloaded or renamed), then only the ports that
// changed and the gateways' own changes. Farm keeps them, and tells its listener what
// changed so the views redraw only that. The panel and the card each hold one.

const V = new URL(import.meta.url).search.replace(/-[0-9a-f]{6,}$/i, "");
const { LiveSubscription } = await import(`./ejoin-common.js${V}`);

export class Farm {
  /**
   * listener(change): change.kind is "snapshot", "ports" (with entryId and ports, the
   * changed port numbers), "gateway" (with entryId) or "error" (with error).
   */
  constructor(listener) {
    this.listener = listener;
    this.gateways = new Map(); // entry_id -> GatewayView, its ports a Map by port number
    this.loaded = false; // a snapshot arrived
    this.error = null;
    this._live = new LiveSubscription({
      event: (event) => this._event(event),
      failed: (error) => {
        this.error = error;
        this.listener({ kind: "error", error });
      },
    });
  }

  /**
   * Follow the gateways (or the one of entryId) on hass's connection. Called with every
   * hass: it subscribes only for a new connection or entry; after a reconnect (a
   * snapshot comes again) or a failure, LiveSubscription decides when to try again.
   */
  connect(hass, entryId) {
    if (!hass?.connection) return;
    const message = { type: "ejoin/farm/subscribe" };
    if (entryId) message.entry_id = entryId;
    this._live.open(hass.connection, message);
  }

  /** End the subscription; the gateways are kept until the next snapshot. */
  disconnect() {
    this._live.close();
  }

  get connected() {
    return this._live.subscribed;
  }

  /** The gateways in the order the snapshot gave them. */
  list() {
    return [...this.gateways.values()];
  }

  _event(event) {
    if (!event || typeof event !== "object") return;
    this.error = null;
    if (event.kind === "snapshot") {
      this.gateways = new Map(
        (event.gateways || []).map((gateway) => [
          gateway.entry_id,
          { ...gateway, ports: new Map((gateway.ports || []).map((port) => [port.port, port])) },
        ]),
      );
      this.loaded = true;
      this.listener({ kind: "snapshot" });
    } else if (event.kind === "ports") {
      const gateway = this.gateways.get(event.entry_id);
      if (!gateway) return;
      const ports = event.ports || [];
      for (const port of ports) gateway.ports.set(port.port, port);
      this.listener({ kind: "ports", entryId: event.entry_id, ports: ports.map((p) => p.port) });
    } else if (event.kind === "gateway") {
      const gateway = this.gateways.get(event.entry_id);
      if (!gateway) return;
      for (const key of ["available", "registered_ports", "firmware"]) {
        if (key in event) gateway[key] = event[key];
      }
      this.listener({ kind: "gateway", entryId: event.entry_id });
    }
  }
}

/** How many of a gateway's ports are registered (the gateway's count, else counted). */
export function registeredCount(gateway) {
  if (typeof gateway.registered_ports === "number") return gateway.registered_ports;
  return [...gateway.ports.values()].filter((port) => port.registered).length;
}
