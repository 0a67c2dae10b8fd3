/* Risk review queue: flagged orders, their reasons, and a decision per order. */
(function () {
  "use strict";
  const KEY = "kefu.staffKey";
  let key = sessionStorage.getItem(KEY) || "";
  const $ = (id) => document.getElementById(id);
  function el(tag, text) { const n = document.createElement(tag); if (text !== undefined) n.textContent = String(text); return n; }
  async function api(method, path, body) {
    const resp = await fetch(path, { method, headers: { "X-API-Key": key, "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    if (!resp.ok) { const e = new Error("HTTP " + resp.status); e.status = resp.status; throw e; }
    return resp.json();
  }
  async function load() {
    const rows = await api("GET", "/v1/risk/orders?flagged=true&reviewed=false&limit=100");
    const body = $("queue").querySelector("tbody");
    body.replaceChildren();
    if (!rows.length) { const tr = el("tr"); const td = el("td", "No flagged orders waiting."); td.colSpan = 5; tr.appendChild(td); body.appendChild(tr); }
    for (const r of rows) {
      const tr = el("tr");
      tr.dataset.orderId = r.order_id;
      tr.appendChild(el("td", r.order_id));
      tr.appendChild(el("td", r.customer_id || ""));
      tr.appendChild(el("td", Math.round(r.score)));
      const reasons = el("td");
      const ul = el("ul");
      for (const reason of r.reasons) ul.appendChild(el("li", reason.message + " (+" + Math.round(reason.points) + ")"));
      reasons.appendChild(ul);
      tr.appendChild(reasons);
      const actions = el("td");
      for (const [outcome, label] of [["legitimate", "Legitimate"], ["fraud", "Fraud"], ["needs_follow_up", "Follow up"]]) {
        const b = el("button", label);
        b.type = "button";
        b.className = outcome === "fraud" ? "" : "secondary";
        b.addEventListener("click", async () => {
          await api("POST", "/v1/risk/orders/" + encodeURIComponent(r.order_id) + "/review", { outcome });
          $("status").textContent = r.order_id + " marked " + outcome + ".";
          load();
        });
        actions.appendChild(b);
      }
      tr.appendChild(actions);
      body.appendChild(tr);
    }
  }
  function start(k) { key = k; sessionStorage.setItem(KEY, k); return load().then(() => { $("login").hidden = true; $("app").hidden = false; }); }
  $("login").addEventListener("submit", (e) => { e.preventDefault(); start($("key").value.trim()).catch(() => { $("login-error").textContent = "That key was not accepted."; }); });
  if (key) start(key).catch(() => { $("login").hidden = false; }); else $("login").hidden = false;
})();
