/* Embed kefu on any page with one tag:
 *   <script src="https://YOUR-KEFU/widget.js" data-lang="zh" async></script>
 * Adds a chat button; the chat itself runs in an iframe served by kefu, so the store's
 * page styles and scripts cannot interfere with it (and the other way round). */
(function () {
  "use strict";
  const script = document.currentScript;
  const origin = new URL(script.src, location.href).origin;
  const lang = script.dataset.lang || "";
  const token = script.dataset.customerToken || "";
  const button = document.createElement("button");
  button.type = "button";
  button.id = "kefu-launcher";
  button.textContent = lang === "en" ? "Chat with us" : "在线客服";
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 18px;border:0;border-radius:999px;background:#0f6cbd;color:#fff;font:15px system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.2);cursor:pointer";
  const frame = document.createElement("iframe");
  const q = new URLSearchParams();
  if (lang) q.set("lang", lang);
  if (token) q.set("customer_token", token);
  frame.src = origin + "/widget?" + q.toString();
  frame.title = "Customer service chat";
  frame.id = "kefu-frame";
  frame.style.cssText = "position:fixed;right:20px;bottom:80px;width:380px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 100px);border:1px solid #d9dee5;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.18);z-index:2147483000;display:none;background:#fff";
  button.addEventListener("click", function () {
    const open = frame.style.display === "none";
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
