/* kefu chat widget. Everything a customer or agent wrote is inserted with textContent. */
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const STORE_KEY = "kefu.conversation";
  const UI = {
    zh: { title: "在线客服", send: "发送", human: "转人工", humanText: "我要转人工客服", placeholder: "请输入您的问题…",
      you: "我", bot: "客服助手", agent: "人工客服", sources: "来源", order: "订单", status: "状态", tracking: "物流单号",
      csat: "请为本次服务评分：", thanks: "感谢您的评价！", error: "网络异常，正在重试…", failed: "发送失败，请稍后再试。",
      because: "推荐理由", price: "价格", waiting: "正在为您转接人工客服，请稍候…", store: "商店通知" },
    en: { title: "Customer service", send: "Send", human: "Talk to a person", humanText: "I want to talk to a person",
      placeholder: "Type your question…", you: "You", bot: "Assistant", agent: "Agent", sources: "Sources", order: "Order",
      status: "Status", tracking: "Tracking", csat: "How did we do?", thanks: "Thank you for your feedback!",
      error: "Connection problem, retrying…", failed: "Could not send. Please try again later.", because: "Why",
      price: "Price", waiting: "Connecting you to a person, please wait…", store: "Store update" },
  };
  let lang = params.get("lang") === "en" ? "en" : (params.get("lang") === "zh" ? "zh" : (navigator.language || "zh").startsWith("zh") ? "zh" : "en");
  let conv = null; // {conversation_id, token}
  let lastSeq = 0;
  let handoffState = "bot";
  let pollTimer = null;
  let storePending = 0; // writes the shop has not confirmed yet: its notice comes later
  let busy = false; // a turn is in flight: polling waits, so its reply is not shown twice
  let csatShown = false;
  const log = document.getElementById("log");
  const input = document.getElementById("input");

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function applyLang() {
    const t = UI[lang];
    document.documentElement.lang = lang;
    document.getElementById("title").textContent = t.title;
    document.getElementById("send").textContent = t.send;
    document.getElementById("human").textContent = t.human;
    document.getElementById("lang").textContent = lang === "zh" ? "EN" : "中文";
    input.placeholder = t.placeholder;
  }
  function bubble(role, text, author) {
    const t = UI[lang];
    const node = el("div", "msg " + role);
    node.dataset.role = role;
    const who = role === "customer" ? t.you : role === "agent" ? (author ? t.agent + " · " + author : t.agent)
      : role === "store" ? t.store : t.bot;
    if (role === "store") node.setAttribute("role", "status");
    node.appendChild(el("span", "who", who));
    const body = el("span", "body", text);
    node.appendChild(body);
    log.appendChild(node);
    scroll();
    return body;
  }
  function renderCards(cards) {
    const t = UI[lang];
    for (const card of cards || []) {
      const d = card.data || {};
      if (card.type === "order") {
        const box = el("div", "card order-card");
        box.appendChild(el("h3", null, t.order + " " + (d.order_id || "")));
        box.appendChild(el("div", null, t.status + ": " + (d.status || "")));
        const ul = el("ul");
        for (const item of d.items || []) {
          const opts = Object.entries(item.options || {}).map(([k, v]) => k + ": " + v).join(", ");
          ul.appendChild(el("li", null, item.name + (opts ? " (" + opts + ")" : "") + (item.price !== undefined ? " · " + item.price : "")));
        }
        box.appendChild(ul);
        for (const f of d.tracking || d.fulfillments || []) {
          const ids = (f.tracking_ids || f.tracking_id || []).join(", ");
          if (ids) box.appendChild(el("div", "muted", t.tracking + ": " + ids + (f.carrier ? " (" + f.carrier + ")" : "")));
        }
        log.appendChild(box);
      } else if (card.type === "product") {
        const box = el("div", "card product-card");
        box.appendChild(el("h3", null, d.name || d.product_id));
        // the price as the shop shows it, with its currency (¥199.00), else the bare number
        if (d.price_text || d.price) box.appendChild(el("div", null, t.price + ": " + (d.price_text || d.price)));
        if (d.reason) box.appendChild(el("div", "muted", t.because + ": " + d.reason));
        log.appendChild(box);
      } else if (card.type === "handoff") {
        log.appendChild(el("div", "msg system", t.waiting));
      }
    }
  }
  function renderCitations(citations) {
    if (!citations || !citations.length) return;
    const box = el("div", "citations");
    box.appendChild(el("span", null, UI[lang].sources + ": "));
    citations.forEach((c, i) => {
      if (i) box.appendChild(document.createTextNode(" · "));
      box.appendChild(el("cite", null, c.citation));
    });
    log.appendChild(box);
  }
  function renderQuick(quick) {
    for (const old of log.querySelectorAll(".quick")) old.remove();
    if (!quick || !quick.length) return;
    const box = el("div", "quick");
    for (const q of quick) {
      const b = el("button", "secondary", q.label);
      b.type = "button";
      b.addEventListener("click", () => { box.remove(); send(q.value); });
      box.appendChild(b);
    }
    log.appendChild(box);
  }
  function showCsat() {
    if (csatShown || !conv) return;
    csatShown = true;
    const t = UI[lang];
    const box = el("div", "csat");
    box.setAttribute("role", "group");
    box.appendChild(el("div", null, t.csat));
    for (let s = 1; s <= 5; s++) {
      const b = el("button", "secondary", "★".repeat(s));
      b.type = "button";
      b.setAttribute("aria-label", s + " / 5");
      b.addEventListener("click", async () => {
        await api("POST", "/v1/conversations/" + conv.conversation_id + "/feedback", { score: s });
        box.textContent = t.thanks;
      });
      box.appendChild(b);
    }
    log.appendChild(box);
    scroll();
  }
  async function api(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    if (conv) headers.Authorization = "Bearer " + conv.token;
    const resp = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    if (!resp.ok) { const err = new Error("HTTP " + resp.status); err.status = resp.status; throw err; }
    return resp.status === 204 ? null : resp.json();
  }
  async function openConversation() {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved) {
      try {
        conv = JSON.parse(saved);
        await loadTranscript("full");
        return;
      } catch (e) { conv = null; localStorage.removeItem(STORE_KEY); }
    }
    const body = { language: lang, channel: "web" };
    if (params.get("customer_token")) body.customer_token = params.get("customer_token");
    conv = await api("POST", "/v1/conversations", body);
    localStorage.setItem(STORE_KEY, JSON.stringify({ conversation_id: conv.conversation_id, token: conv.token }));
  }
  /* mode: "full" renders everything (reconnect), "poll" everything but the customer's own
   * lines, "sync" only what people wrote (the bot's reply was already streamed). */
  async function loadTranscript(mode) {
    const full = mode === "full";
    if (mode === "poll" && busy) return;
    const data = await api("GET", "/v1/conversations/" + conv.conversation_id + (full ? "" : "?after=" + lastSeq));
    if (mode === "poll" && busy) return; // a turn started meanwhile: it syncs when done
    for (const m of data.messages) {
      if (m.seq <= lastSeq) continue;
      lastSeq = m.seq;
      if (!full && m.role === "customer") continue;
      if (mode === "sync" && m.role === "assistant") continue;
      if (m.role === "system" && !m.text) continue;
      bubble(m.role, m.text, m.author);
      const d = m.data || {};
      if (full || m.role !== "assistant") { renderCards(d.cards); renderCitations(d.citations); }
    }
    storePending = data.store_pending || 0;
    setHandoff(data.handoff_state);
  }
  /* polling runs while a person owns the chat, or while the store owes a notice */
  function setHandoff(state) {
    handoffState = state || "bot";
    if (handoffState === "closed") { stopPolling(); showCsat(); }
    else if (handoffState !== "bot" || storePending > 0) startPolling();
    else stopPolling();
  }
  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(() => loadTranscript("poll").catch(() => {}), 2000);
  }
  function stopPolling() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }
  function uuid() {
    return (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
  }
  async function postStreaming(text, clientId, body) {
    const resp = await fetch("/v1/conversations/" + conv.conversation_id + "/messages?stream=true", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", Authorization: "Bearer " + conv.token },
      body: JSON.stringify({ text, client_message_id: clientId }),
    });
    if (!resp.ok) { const err = new Error("HTTP " + resp.status); err.status = resp.status; throw err; }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", reply = null, streamed = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let idx;
      while ((idx = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const raw = buffer.slice(0, idx);
        buffer = buffer.slice(idx).replace(/^\r?\n\r?\n/, "");
        let event = "message", data = "";
        for (const line of raw.split(/\r?\n/)) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        }
        // deltas are shown as they arrive (with a model: its checked sentences, as generated)
        if (event === "delta") { streamed += JSON.parse(data).text; body.textContent = streamed; body.classList.add("streaming"); scroll(); }
        else if (event === "reply") reply = JSON.parse(data);
      }
    }
    body.classList.remove("streaming");
    return reply;
  }
  async function send(text) {
    text = (text || "").trim();
    if (!text) return;
    // data-turn on <body> says whether a turn is in flight (tests and embedders wait on it)
    document.body.dataset.turn = "busy";
    try {
      if (!conv) await opened;
      if (!conv) return;
      input.value = "";
      busy = true;
      await sendTurn(text);
    } finally { busy = false; document.body.dataset.turn = "idle"; }
  }
  async function sendTurn(text) {
    bubble("customer", text);
    const clientId = uuid();
    let body = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        body = body || bubble("assistant", "…");
        const reply = await postStreaming(text, clientId, body);
        if (!reply) throw new Error("no reply");
        if (reply.silent || !reply.text) body.parentElement.remove(); else body.textContent = reply.text;
        renderCards(reply.cards);
        renderCitations(reply.citations);
        renderQuick(reply.quick_replies);
        if (reply.language && reply.language !== lang) { lang = reply.language; applyLang(); }
        if (reply.csat) { setHandoff("closed"); }
        setHandoff(reply.handoff_state);
        await loadTranscript("sync").catch(() => {});
        scroll();
        return;
      } catch (e) {
        if (e.status && e.status < 500) break;
        if (body) body.textContent = UI[lang].error;
        await new Promise((r) => setTimeout(r, 800 * (attempt + 1)));
      }
    }
    if (body) body.textContent = UI[lang].failed;
  }
  document.getElementById("composer").addEventListener("submit", (e) => { e.preventDefault(); send(input.value); });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(input.value); } });
  document.getElementById("human").addEventListener("click", () => send(UI[lang].humanText));
  document.getElementById("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; applyLang(); });
  applyLang();
  // a message typed before the conversation is open waits for it instead of being dropped
  const opened = openConversation().catch(() => bubble("system", UI[lang].failed));
  window.kefuChat = { send, state: () => ({ conv, lastSeq, handoffState, storePending }) };
})();
