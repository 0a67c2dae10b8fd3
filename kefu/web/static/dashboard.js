/* Support dashboard: KPIs and ECharts charts from /v1/analytics/support (+ RFM segments). */
(function () {
  "use strict";
  const KEY = "kefu.staffKey";
  let key = sessionStorage.getItem(KEY) || "";
  const charts = {};
  const $ = (id) => document.getElementById(id);
  const pct = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%");

  async function api(path) {
    const resp = await fetch(path, { headers: { "X-API-Key": key } });
    if (!resp.ok) { const e = new Error("HTTP " + resp.status); e.status = resp.status; throw e; }
    return resp.json();
  }
  function chart(id, option) {
    if (!window.echarts) { $(id).textContent = "Charts unavailable (ECharts not built: run scripts/build-web.sh)."; return; }
    charts[id] = charts[id] || window.echarts.init($(id), null, { renderer: "canvas" });
    charts[id].setOption(option, true);
    $(id).dataset.rendered = "true";
  }
  function bar(id, labels, values, horizontal) {
    const cat = { type: "category", data: labels,
      axisLabel: horizontal ? { interval: 0, width: 110, overflow: "truncate" } : { rotate: labels.length > 6 ? 40 : 0, hideOverlap: true } };
    const val = { type: "value", minInterval: 1 };
    chart(id, { grid: { left: horizontal ? 130 : 40, right: 20, top: 20, bottom: horizontal ? 30 : 70 }, tooltip: {},
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val,
      series: [{ type: "bar", data: values, itemStyle: { color: "#0f6cbd" } }] });
  }
  async function refresh() {
    const days = $("days").value;
    const r = await api("/v1/analytics/support?days=" + days);
    $("kpi-conversations").textContent = r.conversations;
    $("kpi-auto").textContent = pct(r.auto_resolution_rate);
    $("kpi-handoff").textContent = pct(r.handoff_rate);
    $("kpi-csat").textContent = r.csat_mean === null ? "–" : r.csat_mean.toFixed(2) + " (" + r.csat_responses + ")";
    $("kpi-frt").textContent = r.agent_first_response_s_p50 === null ? "–" : Math.round(r.agent_first_response_s_p50) + " s";
    bar("chart-daily", r.conversations_per_day.map((d) => d.day), r.conversations_per_day.map((d) => d.count), false);
    const reasons = Object.entries(r.handoffs_by_reason);
    chart("chart-reasons", { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "70%"],
      data: reasons.map(([name, value]) => ({ name, value })) }] });
    bar("chart-intents", r.top_intents.map((x) => x.intent).reverse(), r.top_intents.map((x) => x.count).reverse(), true);
    chart("chart-sentiment", { grid: { left: 40, right: 20, top: 20, bottom: 40 }, tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: r.sentiment_trend.map((d) => d.day) }, yAxis: { type: "value", min: -1, max: 1 },
      series: [{ type: "line", symbolSize: 8, data: r.sentiment_trend.map((d) => d.mean_sentiment) }] });
    const body = $("gaps").querySelector("tbody");
    body.replaceChildren();
    for (const g of r.knowledge_gaps) {
      const tr = document.createElement("tr");
      const q = document.createElement("td"); q.textContent = g.question;
      const n = document.createElement("td"); n.textContent = g.count;
      tr.append(q, n); body.appendChild(tr);
    }
    try {
      const rfm = await api("/v1/analytics/rfm");
      const segs = rfm.segments || [];
      bar("chart-segments", segs.map((s) => s.segment || s.name), segs.map((s) => s.customers !== undefined ? s.customers : s.count), false);
    } catch (e) { $("chart-segments").textContent = "Run `kefu analytics recompute` to see segments."; }
  }
  function rows(tableId, data, cells) {
    const body = $(tableId).querySelector("tbody");
    body.replaceChildren();
    for (const item of data) {
      const tr = document.createElement("tr");
      for (const value of cells(item)) { const td = document.createElement("td"); td.textContent = value; tr.appendChild(td); }
      body.appendChild(tr);
    }
  }
  async function refreshCustomers() {
    try {
      const clv = await api("/v1/analytics/clv");
      bar("chart-clv", clv.histogram.map((b) => Math.round(b.lower) + "–" + Math.round(b.upper)), clv.histogram.map((b) => b.customers), false);
      const churn = await api("/v1/analytics/churn");
      rows("churn", churn.customers.slice(0, 10), (c) => [c.name, c.segment, c.p_alive === null ? "–" : c.p_alive.toFixed(2), c.clv === null ? "–" : c.clv]);
      if (!churn.customers.length) rows("churn", [null], () => ["No customer below P(alive) " + churn.threshold, "", "", ""]);
    } catch (e) { $("chart-clv").textContent = "Run `kefu analytics recompute` to see lifetime values."; }
    try {
      const a = await api("/v1/reviews/alerts");
      const names = {};
      for (const x of a.alerts) {
        try { const p = await api("/v1/products/" + encodeURIComponent(x.product_id)); names[x.product_id] = p.name; } catch (e) { names[x.product_id] = x.product_id; }
      }
      rows("alerts", a.alerts, (x) => [names[x.product_id] + " (" + x.product_id + ")", Math.round(x.baseline_negative_share * 100) + "% → " + Math.round(x.recent_negative_share * 100) + "% (z=" + x.z.toFixed(2) + ")", x.top_negative_aspects.join(", ")]);
    } catch (e) { /* reviews are optional */ }
  }
  function start(k) {
    key = k; sessionStorage.setItem(KEY, k);
    return refresh().then(() => { $("login").hidden = true; $("app").hidden = false; refreshCustomers(); });
  }
  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    start($("key").value.trim()).catch(() => { $("login-error").textContent = "That key was not accepted."; });
  });
  $("days").addEventListener("change", () => refresh().catch(() => {}));
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  if (key) start(key).catch(() => { $("login").hidden = false; }); else $("login").hidden = false;
})();
