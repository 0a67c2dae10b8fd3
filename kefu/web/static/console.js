/* kefu agent console. All customer- and agent-written text goes in via textContent. */
(function () {
  "use strict";
  const KEY = "kefu.staffKey";
  let key = sessionStorage.getItem(KEY) || "";
  let current = null; // conversation id
  let currentCustomer = null;
  let tools = [];
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  async function api(method, path, body, extra) {
    const headers = Object.assign({ "X-API-Key": key, "Content-Type": "application/json" }, extra || {});
    const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (resp.status === 401) { logout(); }
    if (!resp.ok) { const err = new Error((data && (data.detail || data.error)) || ("HTTP " + resp.status)); err.status = resp.status; err.data = data; throw err; }
    return data;
  }
  function fmtWait(s) { s = Math.round(s); return s < 60 ? s + "s" : s < 3600 ? Math.round(s / 60) + "m" : Math.round(s / 3600) + "h"; }
  function sentimentBadge(v) {
    if (v === null || v === undefined) return el("span", "badge", "sentiment n/a");
    const cls = v < -0.3 ? "bad" : v < 0.1 ? "warn" : "ok";
    return el("span", "badge " + cls, "sentiment " + Number(v).toFixed(2));
  }
  async function loadQueue() {
    const items = await api("GET", "/v1/handoffs");
    const box = $("queue");
    box.replaceChildren();
    $("queue-count").textContent = items.length;
    for (const it of items) {
      const b = el("button", "queue-item");
      b.type = "button";
      b.setAttribute("role", "listitem");
      b.dataset.conversationId = it.conversation_id;
      if (it.conversation_id === current) b.setAttribute("aria-current", "true");
      const top = el("div");
      top.appendChild(el("strong", null, it.customer_id || "anonymous"));
      top.appendChild(document.createTextNode(" "));
      top.appendChild(el("span", "badge", it.reason));
      top.appendChild(document.createTextNode(" "));
      top.appendChild(el("span", "badge " + (it.claimed_by ? "ok" : "warn"), it.claimed_by ? "claimed by " + it.claimed_by : "waiting"));
      b.appendChild(top);
      const meta = el("div", "muted");
      meta.appendChild(el("span", null, "waiting " + fmtWait(it.waiting_s) + " · " + it.language + " "));
      meta.appendChild(sentimentBadge(it.sentiment));
      b.appendChild(meta);
      if (it.last_customer_message) b.appendChild(el("div", null, it.last_customer_message.slice(0, 140)));
      b.addEventListener("click", () => openConversation(it.conversation_id));
      box.appendChild(b);
    }
  }
  async function openConversation(id) {
    current = id;
    $("conv-empty").hidden = true;
    $("conv").hidden = false;
    $("conv-status").textContent = "";
    await refreshConversation();
    loadSuggestions();
    loadBrief();
    loadQueue().catch(() => {});
  }
  async function loadBrief() {
    // only a model's brief adds anything: the rules summary is already shown above
    const box = $("brief-box");
    box.hidden = true;
    const asked = current;
    if (!asked) return;
    try {
      const b = await api("GET", "/v1/handoffs/" + encodeURIComponent(asked) + "/brief");
      if (asked !== current || b.source !== "model") return;
      $("brief").textContent = b.text;
      box.hidden = false;
    } catch (e) { /* a reading aid: the console works without it */ }
  }
  async function refreshConversation() {
    if (!current) return;
    const t = await api("GET", "/v1/conversations/" + encodeURIComponent(current));
    $("conv-meta").textContent = "Conversation " + t.conversation_id + " · state " + t.handoff_state + " · " + t.language;
    const last = (t.handoffs || []).slice(-1)[0];
    $("summary").textContent = last ? "[" + last.reason + "] " + last.summary : "(no handoff)";
    const box = $("transcript");
    box.replaceChildren();
    for (const m of t.messages) {
      const row = el("div", "msg " + m.role);
      row.dataset.role = m.role;
      if (m.data && m.data.store_state) row.dataset.storeState = m.data.store_state;
      row.appendChild(el("span", "who", (m.role === "store" ? "store update" : m.role) + (m.author ? " · " + m.author : "") + " · " + new Date(m.created_at).toLocaleTimeString()));
      row.appendChild(el("span", "body", m.text));
      if (m.data && m.data.intent) row.appendChild(el("span", "who", "intent " + m.data.intent));
      box.appendChild(row);
    }
    if (t.customer_id !== currentCustomer) { currentCustomer = t.customer_id; loadCustomer(); }
    $("claim").disabled = !(last && !last.claimed_by && t.handoff_state === "waiting_for_agent");
  }
  async function loadCustomer() {
    const box = $("customer");
    box.replaceChildren();
    if (!currentCustomer) { box.appendChild(el("p", "muted", "No customer identified yet.")); return; }
    try {
      const c = await api("GET", "/v1/customers/" + encodeURIComponent(currentCustomer));
      box.appendChild(el("h3", null, c.name));
      box.appendChild(el("div", "muted", c.email + (c.phone ? " · " + c.phone : "")));
      box.appendChild(el("div", "muted", c.address));
      const a = c.analytics;
      const facts = el("div", "actions");
      if (a) {
        facts.appendChild(el("span", "badge", "segment " + (a.segment || "n/a")));
        if (a.clv !== undefined && a.clv !== null) facts.appendChild(el("span", "badge", "CLV " + a.clv));
        if (a.churn_risk) facts.appendChild(el("span", "badge " + (a.churn_risk === "high" ? "bad" : a.churn_risk === "medium" ? "warn" : "ok"), "churn risk " + a.churn_risk));
      }
      const s = c.sentiment || {};
      facts.appendChild(sentimentBadge(s.review_mean !== null && s.review_mean !== undefined ? s.review_mean : s.chat_mean));
      box.appendChild(facts);
      const table = el("table", "data");
      const head = el("tr");
      for (const h of ["Order", "Status", "Total", "Items"]) head.appendChild(el("th", null, h));
      table.appendChild(head);
      for (const o of c.orders) {
        const tr = el("tr");
        tr.appendChild(el("td", null, o.order_id));
        tr.appendChild(el("td", null, o.status));
        tr.appendChild(el("td", null, o.total));
        tr.appendChild(el("td", null, o.item_names.join(", ")));
        table.appendChild(tr);
      }
      box.appendChild(table);
    } catch (e) { box.appendChild(el("p", "muted", "Customer not available: " + e.message)); }
  }
  async function loadSuggestions() {
    const box = $("suggestions");
    box.replaceChildren();
    if (!current) return;
    try {
      for (const s of await api("GET", "/v1/handoffs/" + encodeURIComponent(current) + "/suggestions")) {
        const b = el("button", null, s.text);
        b.type = "button";
        if (s.source) b.title = s.source;
        b.addEventListener("click", () => { $("reply").value = s.text; $("reply").focus(); });
        box.appendChild(b);
      }
    } catch (e) { box.appendChild(el("p", "muted", "No suggestions.")); }
  }
  async function act(path, okText) {
    try { await api("POST", "/v1/handoffs/" + encodeURIComponent(current) + path); $("conv-status").textContent = okText; }
    catch (e) { $("conv-status").textContent = e.status === 409 ? "Conflict: " + e.message : "Error: " + e.message; }
    await refreshConversation().catch(() => {});
    loadQueue().catch(() => {});
  }
  async function loadTools() {
    tools = await api("GET", "/v1/tools");
    const sel = $("tool");
    sel.replaceChildren();
    for (const t of tools) {
      const name = t.name || (t.function && t.function.name);
      const o = el("option", null, name + " (" + t.kind + ")");
      o.value = name;
      sel.appendChild(o);
    }
    fillArgs();
  }
  function fillArgs() {
    const t = tools.find((x) => (x.name || (x.function && x.function.name)) === $("tool").value);
    const params = t ? (t.parameters || (t.function && t.function.parameters) || {}) : {};
    const template = {};
    for (const k of Object.keys(params.properties || {})) template[k] = "";
    $("tool-args").value = JSON.stringify(template, null, 2);
  }
  async function runTool(name, args) {
    const headers = { "Idempotency-Key": "console-" + (crypto.randomUUID ? crypto.randomUUID() : Date.now()) };
    if (current) headers["X-Conversation-Id"] = current;
    if (currentCustomer) headers["X-Customer-Id"] = currentCustomer;
    try {
      const r = await api("POST", "/v1/tools/" + encodeURIComponent(name), args, headers);
      $("tool-result").textContent = JSON.stringify(r, null, 2);
      loadCustomer();
    } catch (e) { $("tool-result").textContent = "Error " + (e.status || "") + ": " + e.message + (e.data ? "\n" + JSON.stringify(e.data, null, 2) : ""); }
  }
  function login(k) {
    key = k;
    sessionStorage.setItem(KEY, k);
    return api("GET", "/v1/handoffs").then(() => {
      $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
      loadQueue(); loadTools().catch(() => {});
      setInterval(() => { loadQueue().catch(() => {}); if (current) refreshConversation().catch(() => {}); }, 3000);
    });
  }
  function logout() { sessionStorage.removeItem(KEY); key = ""; $("app").hidden = true; $("login").hidden = false; $("logout").hidden = true; }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    login($("key").value.trim()).catch(() => { $("login-error").textContent = "That key was not accepted."; });
  });
  $("logout").addEventListener("click", logout);
  $("claim").addEventListener("click", () => act("/claim", "Claimed: you own this conversation."));
  $("handback").addEventListener("click", () => act("/hand-back", "Handed back to the bot."));
  $("close").addEventListener("click", () => act("/close", "Closed; the customer is asked for a rating."));
  $("reply-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("reply").value.trim();
    if (!text || !current) return;
    try {
      await api("POST", "/v1/handoffs/" + encodeURIComponent(current) + "/messages", { text });
      $("reply").value = "";
      $("conv-status").textContent = "Sent.";
    } catch (err) { $("conv-status").textContent = (err.status === 409 ? "Claim the conversation first: " : "Error: ") + err.message; }
    refreshConversation().catch(() => {});
  });
  $("tool").addEventListener("change", fillArgs);
  $("tool-form").addEventListener("submit", (e) => {
    e.preventDefault();
    let args;
    try { args = JSON.parse($("tool-args").value || "{}"); } catch (err) { $("tool-result").textContent = "Arguments are not valid JSON: " + err.message; return; }
    const name = $("tool").value;
    const spec = tools.find((x) => (x.name || (x.function && x.function.name)) === name);
    if (spec && spec.kind === "read") { runTool(name, args); return; }
    $("confirm-tool").textContent = name;
    $("confirm-customer").textContent = currentCustomer || "(none — staff scope)";
    $("confirm-args").textContent = JSON.stringify(args, null, 2);
    const dlg = $("confirm");
    dlg.onclose = () => { if (dlg.returnValue === "yes") runTool(name, args); };
    dlg.showModal();
  });
  if (key) login(key).catch(logout); else logout();
})();
