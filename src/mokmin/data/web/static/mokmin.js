// Mokmin pages: CSRF-aware fetch, server-sent events over POST, citations and feedback widgets.
// Plain JavaScript, shipped with the package; no framework, nothing from a CDN.
"use strict";

const Mokmin = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  async function postJSON(url, body) {
    const res = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({ detail: `오류 ${res.status}` }));
    if (!res.ok) throw Object.assign(new Error(data.detail || `오류 ${res.status}`), { status: res.status, data });
    return data;
  }

  async function postForm(url, formData) {
    const res = await fetch(url, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" },
      body: formData,
    });
    const data = await res.json().catch(() => ({ detail: `오류 ${res.status}` }));
    if (!res.ok) throw Object.assign(new Error(data.detail || `오류 ${res.status}`), { status: res.status, data });
    return data;
  }

  // POST `body` as JSON and dispatch server-sent events: handlers.token(text), handlers.done(obj), handlers.error(obj)
  async function streamEvents(url, body, handlers) {
    const res = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "text/event-stream" },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      const data = await res.json().catch(() => ({ detail: `오류 ${res.status}` }));
      const wait = res.headers.get("Retry-After");
      (handlers.error || console.error)({ ...data, status: res.status, retryAfter: wait });
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        const handler = handlers[event];
        if (handler) handler(data ? JSON.parse(data) : null);
      }
    }
  }

  // Thumbs up/down (+ optional comment) for an answer or draft with an audit reference.
  function feedbackWidget(container, info) {
    const box = document.createElement("div");
    box.className = "feedback";
    box.innerHTML = `<span class="muted">이 결과가 도움이 되었나요?</span>
      <button type="button" data-rating="1" aria-pressed="false" title="도움이 됨">👍</button>
      <button type="button" data-rating="-1" aria-pressed="false" title="도움이 안 됨">👎</button>
      <input type="text" maxlength="500" placeholder="의견(선택)" class="fb-comment">
      <button type="button" class="secondary fb-send">보내기</button><span class="fb-status muted"></span>`;
    let rating = 0;
    box.querySelectorAll("[data-rating]").forEach((b) => b.addEventListener("click", () => {
      rating = Number(b.dataset.rating);
      box.querySelectorAll("[data-rating]").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
    }));
    box.querySelector(".fb-send").addEventListener("click", async () => {
      const status = box.querySelector(".fb-status");
      if (!rating) { status.textContent = "👍 또는 👎를 먼저 고르세요."; return; }
      try {
        await postJSON(info.url || "/api/feedback", { ...info.payload, rating, comment: box.querySelector(".fb-comment").value });
        status.textContent = "고맙습니다. 의견을 받았습니다.";
      } catch (e) { status.textContent = e.message; }
    });
    container.appendChild(box);
    return box;
  }

  const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  return { csrf, postJSON, postForm, streamEvents, feedbackWidget, escapeHTML };
})();
window.Mokmin = Mokmin;
