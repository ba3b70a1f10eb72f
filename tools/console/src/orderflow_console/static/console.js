// The orderflow console: one page over the services' APIs (proxied by the console under
// /api/<service>/...). Hash routes: #/orders, #/order/<id>, #/exceptions, #/stock,
// #/dead-letters, #/ship-by, #/kpis. No framework, no build.
"use strict";

const view = document.getElementById("view");
const flash = document.getElementById("flash");
const CHANNELS = ["", "amazon", "shopify", "shopee", "aliexpress", "tiktok"];  // "": any

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? esc(iso) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
function pct(x) { return x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %"; }
function hours(h) { return h === null || h === undefined ? "–" : h < 1 ? (60 * h).toFixed(1) + " min" : h.toFixed(2) + " h"; }
function num(x, digits = 1) { return x === null || x === undefined ? "–" : Number(x).toFixed(digits); }
function badge(status) { return `<span class="badge ${esc(status)}">${esc(status)}</span>`; }

// The operator's API key lives in this tab's session only (sessionStorage), and goes with
// every call; the services check its role and audit its operator.
const KEY = "orderflow.apiKey";
async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  const key = sessionStorage.getItem(KEY);
  if (key) headers["X-API-Key"] = key;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  if (!response.ok) {
    const raw = body && body.detail !== undefined ? body.detail : body;
    const detail = typeof raw === "string" ? raw : JSON.stringify(raw);
    if (response.status === 401) { showSignIn(); throw new Error(`401 sign in with your API key: ${detail}`); }
    if (response.status === 403) {
      const needs = /needs (\w+)/.exec(detail);
      throw new Error(`403 not allowed${needs ? `: this needs ${needs[1]}` : ""} (${detail})`);
    }
    throw new Error(`${response.status}: ${detail}`);
  }
  return body;
}
function showSignIn() {
  document.getElementById("sign-in").hidden = false;
  document.getElementById("signed-in").hidden = true;
}
async function whoAmI() {
  const services = await api("/api/services");
  if (!services.api_keys) { document.getElementById("signed-in").hidden = true; return; }
  if (!sessionStorage.getItem(KEY)) { showSignIn(); return; }
  try {
    const me = await api("/api/whoami");
    document.getElementById("operator").textContent = `${me.name} (${me.role})`;
    document.getElementById("sign-in").hidden = true;
    document.getElementById("signed-in").hidden = false;
  } catch (error) { say(error.message, true); }
}
document.getElementById("sign-in").onsubmit = async (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, document.getElementById("api-key").value.trim());
  document.getElementById("api-key").value = "";
  flash.hidden = true;
  await whoAmI();
  await route();
};
document.getElementById("sign-out").onclick = () => {
  sessionStorage.removeItem(KEY);
  showSignIn();
  view.innerHTML = `<p class="muted">signed out</p>`;
};
function say(message, isError = false) {
  flash.hidden = false;
  flash.className = isError ? "error" : "";
  flash.textContent = message;
  flash.dataset.testid = isError ? "flash-error" : "flash-ok";
}

// ---------------------------------------------------------------- orders
async function showOrders(params) {
  const q = new URLSearchParams(params);
  if (!q.get("limit")) q.set("limit", "50");
  const page = await api(`/api/intake/orders?${q}`);
  const statuses = ["", "accepted", "held", "cancelled", "shipped", "delivered"];
  const option = (v, chosen) => `<option value="${v}" ${v === (chosen || "") ? "selected" : ""}>${v || "any"}</option>`;
  view.innerHTML = `
    <h2>Orders <span class="muted">(${page.total} found)</span></h2>
    <form class="filters" id="order-filters">
      <label>channel <select name="channel">${CHANNELS.map((c) => option(c, params.channel)).join("")}</select></label>
      <label>status <select name="status">${statuses.map((s) => option(s, params.status)).join("")}</select></label>
      <label>order id <input name="order_id" value="${esc(params.order_id)}"></label>
      <label>external id <input name="external_id" value="${esc(params.external_id)}"></label>
      <label>customer e-mail <input name="customer_email" value="${esc(params.customer_email)}"></label>
      <button>Filter</button>
    </form>
    <table data-testid="orders"><thead><tr><th>order</th><th>channel</th><th>external id</th><th>status</th><th>holds</th><th>customer</th><th>received</th></tr></thead>
    <tbody>${page.items.map((o) => `
      <tr class="clickable" data-order="${esc(o.order_id)}"><td>${esc(o.order_id)}</td><td>${esc(o.channel)}</td><td>${esc(o.external_id)}</td>
      <td>${badge(o.status)}</td><td>${esc(o.open_holds.join(", "))}</td><td>${esc(o.customer_email)}</td><td>${when(o.received_at)}</td></tr>`).join("")}
    </tbody></table>`;
  document.getElementById("order-filters").onsubmit = (event) => {
    event.preventDefault();
    const chosen = Object.fromEntries([...new FormData(event.target)].filter(([, v]) => v));
    location.hash = "#/orders?" + new URLSearchParams(chosen);
  };
  view.querySelectorAll("tr[data-order]").forEach((row) => { row.onclick = () => { location.hash = "#/order/" + encodeURIComponent(row.dataset.order); }; });
}

// ---------------------------------------------------------------- one order's timeline
async function showTimeline(wanted) {
  const form = `<form class="filters" id="find-order"><label>order id or correlation id <input name="wanted" size="48" value="${esc(wanted)}"></label><button>Show timeline</button></form>`;
  if (!wanted) { view.innerHTML = `<h2>Order timeline</h2>${form}`; bindFind(); return; }
  const found = await api(`/api/timeline/${encodeURIComponent(wanted)}`);
  const order = found.order || {};
  view.innerHTML = `
    <h2>Order <span data-testid="timeline-order">${esc(found.order_id)}</span> ${badge(order.status)}</h2>
    ${form}
    <p class="muted">${esc(order.channel)} ${esc(order.external_id)} · correlation ${esc(order.correlation_id)} · ${esc(order.customer_email)}</p>
    ${order.status === "held" ? `<div class="toolbar">${actionsFor(found.order_id, order.channel, order.open_holds || [])}</div>` : ""}
    ${found.unavailable.length ? `<p class="low">not reachable: ${esc(found.unavailable.join("; "))}</p>` : ""}
    <table data-testid="timeline"><thead><tr><th>when</th><th>service</th><th>step</th><th>what</th></tr></thead>
    <tbody>${found.entries.map((e) => `<tr data-step="${esc(e.step)}"><td>${when(e.at)}</td><td class="service ${esc(e.service)}">${esc(e.service)}</td><td>${esc(e.step)}</td><td>${esc(e.summary)}</td></tr>`).join("")}</tbody></table>`;
  bindFind();
  bindActions(() => showTimeline(found.order_id));
}
function bindFind() {
  document.getElementById("find-order").onsubmit = (event) => {
    event.preventDefault();
    location.hash = "#/order/" + encodeURIComponent(new FormData(event.target).get("wanted").trim());
  };
}

// ---------------------------------------------------------------- exception queue and its actions
function actionsFor(orderId, channel, codes) {
  const id = esc(orderId);
  return `
    <button data-action="release" data-order="${id}">Release</button>
    <details class="action"><summary>Fix address</summary><form data-action="address" data-order="${id}">
      <input name="name" placeholder="name" required><input name="line1" placeholder="street" required><input name="line2" placeholder="line 2">
      <input name="city" placeholder="city"><input name="region" placeholder="region"><input name="postal_code" placeholder="postal code">
      <input name="country" placeholder="country (US)" size="4" required><input name="phone" placeholder="phone"><button>Save and screen again</button></form></details>
    <details class="action"><summary>Map SKU</summary><form data-action="map-sku" data-order="${id}" data-channel="${esc(channel)}">
      <input name="channel_sku" placeholder="channel SKU" required><input name="sku" placeholder="master SKU" required>
      <input name="quantity" type="number" value="1" min="1" size="3"><button>Map, then release</button></form></details>
    <details class="action"><summary>Cancel</summary><form data-action="cancel" data-order="${id}">
      <input name="reason" placeholder="reason" required><button class="danger">Cancel order</button></form></details>`;
}
function bindActions(refresh) {
  const run = async (what, work) => {
    try { const result = await work(); say(`${what}: ${result.status ?? "done"}`); await refresh(); } catch (error) { say(`${what} refused: ${error.message}`, true); }
  };
  view.querySelectorAll("button[data-action=release]").forEach((button) => {
    button.onclick = () => run(`released ${button.dataset.order}`, () => api(`/api/intake/orders/${encodeURIComponent(button.dataset.order)}/release`, { method: "POST", body: { note: "released in the console" } }));
  });
  // The address form starts as the order's address: the operator corrects what is wrong.
  view.querySelectorAll("form[data-action=address]").forEach((form) => {
    const details = form.closest("details");
    details.addEventListener("toggle", async () => {
      if (!details.open || form.dataset.prefilled) return;
      try {
        const found = await api(`/api/intake/orders/${encodeURIComponent(form.dataset.order)}`);
        for (const [name, value] of Object.entries(found.order.ship_to || {})) {
          if (form.elements[name] && !form.elements[name].value) form.elements[name].value = value;
        }
      } catch (error) { say(`the order's address could not be read: ${error.message}`, true); }
      form.dataset.prefilled = "true";
    });
  });
  view.querySelectorAll("form[data-action]").forEach((form) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form));
      const order = encodeURIComponent(form.dataset.order);
      if (form.dataset.action === "address") run(`address of ${form.dataset.order}`, () => api(`/api/intake/orders/${order}/address`, { method: "POST", body: { ship_to: data } }));
      if (form.dataset.action === "cancel") run(`cancelled ${form.dataset.order}`, () => api(`/api/intake/orders/${order}/cancel`, { method: "POST", body: { reason: data.reason } }));
      if (form.dataset.action === "map-sku") run(`mapped ${data.channel_sku} and released ${form.dataset.order}`, async () => {
        await api(`/api/intake/listings/${encodeURIComponent(form.dataset.channel)}/${encodeURIComponent(data.channel_sku)}`, { method: "PUT", body: { components: [{ sku: data.sku, quantity: Number(data.quantity || 1) }] } });
        return api(`/api/intake/orders/${order}/release`, { method: "POST", body: { note: `mapped ${data.channel_sku} to ${data.sku}` } });
      });
    };
  });
}
async function showExceptions(params) {
  const q = new URLSearchParams({ limit: "100", ...params });
  const page = await api(`/api/intake/exceptions?${q}`);
  view.innerHTML = `
    <h2>Exception queue <span class="muted">(${page.total} held, oldest first)</span></h2>
    <table data-testid="exceptions"><thead><tr><th>order</th><th>channel</th><th>held for</th><th>waiting</th><th>actions</th></tr></thead>
    <tbody>${page.items.map((item) => `
      <tr data-order="${esc(item.order_id)}"><td><a href="#/order/${encodeURIComponent(item.order_id)}">${esc(item.order_id)}</a><br><span class="muted">${esc(item.external_id)}</span></td>
      <td>${esc(item.channel)}</td><td>${item.reasons.map((r) => `<b>${esc(r.code)}</b> <span class="muted">${esc(r.detail)}</span>`).join("<br>")}</td>
      <td>${(item.age_seconds / 60).toFixed(1)} min</td><td>${actionsFor(item.order_id, item.channel, item.reasons.map((r) => r.code))}</td></tr>`).join("")}
    </tbody></table>`;
  bindActions(() => showExceptions(params));
}

// ---------------------------------------------------------------- stock and alerts
async function showStock() {
  const [products, alerts] = await Promise.all([api("/api/intake/products"), api("/api/inventory/alerts?limit=50")]);
  const stock = await Promise.all(products.map((p) => api(`/api/inventory/stock/${encodeURIComponent(p.sku)}`).catch(() => null)));
  const channels = [...new Set(stock.flatMap((s) => (s ? s.channels.map((c) => c.channel) : [])))].sort();
  view.innerHTML = `
    <h2>Stock and available to sell</h2>
    <table data-testid="stock"><thead><tr><th>SKU</th><th>available</th><th>by location (on hand / reserved / available)</th>${channels.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead>
    <tbody>${stock.filter(Boolean).map((s) => {
      const byChannel = Object.fromEntries(s.channels.map((c) => [c.channel, c.available]));
      return `<tr><td>${esc(s.sku)}</td><td class="${s.available <= 0 ? "low" : ""}">${s.available}</td>
        <td>${s.locations.map((l) => `${esc(l.location_id)} ${l.on_hand ?? "?"} / ${l.reserved ?? "?"} / ${l.available ?? "?"}`).join("<br>")}</td>
        ${channels.map((c) => `<td class="${(byChannel[c] ?? 0) <= 0 ? "low" : ""}">${byChannel[c] ?? "–"}</td>`).join("")}</tr>`;
    }).join("")}</tbody></table>
    <h3>Alerts</h3>
    <table data-testid="alerts"><thead><tr><th>raised</th><th>SKU</th><th>kind</th><th>detail</th></tr></thead>
    <tbody>${alerts.map((a) => `<tr><td>${when(a.raised_at)}</td><td>${esc(a.sku)}</td><td>${esc(a.kind)}</td><td>${esc(JSON.stringify(a.detail))}</td></tr>`).join("") || `<tr><td colspan="4" class="muted">no alerts</td></tr>`}</tbody></table>`;
}

// ---------------------------------------------------------------- dead letters
async function showDeadLetters() {
  const letters = await api("/api/dead-letters");
  view.innerHTML = `
    <h2>Dead letters <span class="muted">(${letters.length})</span></h2>
    <p class="muted">A replay publishes the record again to its source topic, with its key and headers; one that still fails is dead-lettered again with a new id.</p>
    <table data-testid="dead-letters"><thead><tr><th>id</th><th>from</th><th>error</th><th>value</th><th></th></tr></thead>
    <tbody>${letters.map((l) => `
      <tr data-letter="${esc(l.id)}"><td>${esc(l.id)}<br><span class="muted">${when(l.failed_at)}</span></td>
      <td>${esc(l.source_topic)} p${esc(l.source_partition)} @${esc(l.source_offset)}<br><span class="muted">${esc(l.consumer_group)}</span>${l.replayed_from ? `<br><span class="muted">replay of ${esc(l.replayed_from)}</span>` : ""}</td>
      <td><pre>${esc(l.error)}</pre></td><td><pre>${esc(l.value)}</pre></td>
      <td><button data-replay="${esc(l.id)}">Replay</button></td></tr>`).join("") || `<tr><td colspan="5" class="muted">no dead letters</td></tr>`}
    </tbody></table>`;
  view.querySelectorAll("button[data-replay]").forEach((button) => {
    button.onclick = async () => {
      try {
        const sent = await api(`/api/dead-letters/${encodeURIComponent(button.dataset.replay)}/replay`, { method: "POST" });
        say(`replayed ${sent.replayed} to ${sent.topic} partition ${sent.partition} offset ${sent.offset}`);
        button.disabled = true;
        button.textContent = "replayed";
      } catch (error) { say(`replay refused: ${error.message}`, true); }
    };
  });
}

// ---------------------------------------------------------------- ship-by: at risk and late
// Fulfillment's alert list (50, 80 and 100 % of the time from placement to ship-by), as the
// console gathers it (/api/ship-by); a ship-by the channel did not send is the seller's
// handling time from the placement, marked "derived".
async function showShipBy(params) {
  const found = await api(`/api/ship-by?${new URLSearchParams(params.channel ? { channel: params.channel } : {})}`);
  const option = (v) => `<option value="${v}" ${v === (params.channel || "") ? "selected" : ""}>${v || "any"}</option>`;
  const counts = found.counts, ship = found.kpis || {};
  view.innerHTML = `
    <h2>Ship-by: at risk and late <span class="muted">(${found.shipments.length}${found.channel ? ` on ${esc(found.channel)}` : ""})</span></h2>
    ${found.unavailable.length ? `<p class="low">not reachable: ${esc(found.unavailable.join("; "))}</p>` : ""}
    <form class="filters" id="ship-by-filters">
      <label>marketplace <select name="channel">${CHANNELS.map(option).join("")}</select></label>
      <button>Filter</button>
    </form>
    <div class="tiles" data-testid="ship-by-counts">
      ${tile("late", counts.late, counts.late ? "bad" : "good")}${tile("at 80 %", counts["80 %"], counts["80 %"] ? "warn" : "")}${tile("at 50 %", counts["50 %"])}
      ${tile("on-time ship rate (7 days)", pct(ship.on_time_ship_rate))}${tile("order to ship p50", hours(ship.order_to_ship_p50_hours))}${tile("order to ship p90", hours(ship.order_to_ship_p90_hours))}
    </div>
    <table data-testid="ship-by"><thead><tr><th>alert</th><th>order</th><th>marketplace</th><th>shipment</th><th>status</th><th>placed</th><th>ship-by</th><th>time used</th></tr></thead>
    <tbody>${found.shipments.map((s) => `
      <tr data-shipment="${esc(s.shipment_id)}" data-band="${esc(s.band)}"><td>${s.band === "late" ? `<span class="badge late">late</span>` : `<span class="badge at-risk">${esc(s.band)}</span>`}</td>
      <td><a href="${esc(s.timeline)}">${esc(s.order_id)}</a></td><td>${esc(s.channel)}</td>
      <td>${esc(s.shipment_id)}<br><span class="muted">${esc(s.location_id)}</span></td><td>${badge(s.status)}</td><td>${when(s.placed_at)}</td>
      <td>${when(s.ship_by)}${s.ship_by_derived ? ` <span class="derived" title="the channel sent no ship-by: the seller's handling time from the placement">derived</span>` : ""}</td>
      <td class="${s.band === "late" ? "low" : ""}">${esc(s.percent_used)} %</td></tr>`).join("") || `<tr><td colspan="8" class="muted">no shipment at risk: every one not shipped yet has more than half of its time to ship-by left</td></tr>`}
    </tbody></table>`;
  document.getElementById("ship-by-filters").onsubmit = (event) => {
    event.preventDefault();
    const channel = new FormData(event.target).get("channel");
    location.hash = "#/ship-by" + (channel ? "?" + new URLSearchParams({ channel }) : "");
  };
}

// ---------------------------------------------------------------- KPIs: the console draws the charts (SVG)
function tile(name, value, tone = "") { return `<div class="tile ${tone}" data-kpi="${esc(name)}"><div class="value">${value}</div><div class="name">${esc(name)}</div></div>`; }
async function showKpis() {
  const found = await api("/api/kpis");
  const intake = found.figures.intake || {}, stock = found.figures.inventory || {}, ship = found.figures.fulfillment || {};
  const plans = found.figures.routing || {};
  view.innerHTML = `
    <h2>KPIs</h2>
    ${found.unavailable.length ? `<p class="low">not reachable: ${esc(found.unavailable.join("; "))}</p>` : ""}
    <div class="tiles" data-testid="kpi-tiles">
      ${tile("oversold units", stock.oversold_units ?? "–", stock.oversold_units === 0 ? "good" : "bad")}
      ${tile("stock-out rate", pct(stock.stock_out_rate))}
      ${tile("exception rate", pct(intake.exception_rate))}
      ${tile("on-time ship rate", pct(ship.on_time_ship_rate))}
      ${tile("order to ship p50", num(ship.order_to_ship_p50_hours, 2) + " h")}
      ${tile("inventory turnover", num(stock.inventory_turnover, 3))}
      ${tile("slow-moving SKUs", pct(stock.slow_moving_ratio))}
      ${tile("orders (24 h)", intake.orders ?? "–")}
      ${tile("shipped (7 days)", ship.shipped ?? "–")}
      ${tile("plan cost per order", num(plans.mean_cost_per_order, 2))}
      ${tile("split orders", pct(plans.split_rate))}
      ${tile("unroutable", pct(plans.unroutable_share), plans.unroutable_share > 0 ? "bad" : "")}
    </div>
    <div class="charts">${found.charts.map((c) => `
      <div class="chart" data-chart="${esc(c.name)}"><h3>${esc(c.title)}</h3>${c.svg}<p class="muted">${esc(c.note)}</p></div>`).join("")}
    </div>`;
}

// ---------------------------------------------------------------- routing
async function route() {
  const [path, query] = (location.hash.slice(1) || "/orders").split("?");
  const params = Object.fromEntries(new URLSearchParams(query || ""));
  const parts = path.split("/").filter(Boolean);
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === parts[0]));
  const views = {
    orders: () => showOrders(params),
    order: () => showTimeline(decodeURIComponent(parts.slice(1).join("/"))),
    exceptions: () => showExceptions(params),
    stock: showStock,
    "dead-letters": showDeadLetters,
    "ship-by": () => showShipBy(params),
    kpis: showKpis,
  };
  view.dataset.ready = "false";
  try {
    await (views[parts[0]] || views.orders)();
  } catch (error) {
    view.innerHTML = `<p class="low" data-testid="view-error">${esc(error.message)}</p>`;
  }
  view.dataset.ready = "true";
}
window.addEventListener("hashchange", route);
whoAmI().finally(route);
