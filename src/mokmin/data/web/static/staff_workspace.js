// Helpers the staff workspace pages share: findings highlighted in place, finding lists, busy buttons,
// error messages and the feedback widget under a result. Needs mokmin.js.
"use strict";

const Workspace = (() => {
  const esc = (s) => Mokmin.escapeHTML(s ?? "");
  const $ = (sel, root = document) => root.querySelector(sel);

  // `text` with each finding's characters in <mark class="severity" id="prefix-i">; overlaps keep the first.
  function highlight(container, text, findings, prefix = "f") {
    const spans = findings.map((f, i) => ({ ...f, i }))
      .filter((f) => f.end > f.start && f.end <= text.length)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    let html = "", pos = 0;
    for (const f of spans) {
      if (f.start < pos) continue;
      html += esc(text.slice(pos, f.start));
      html += `<mark class="${esc(f.severity)}" id="${prefix}-${f.i}" title="${esc(f.message)}">${esc(text.slice(f.start, f.end))}</mark>`;
      pos = f.end;
    }
    html += esc(text.slice(pos));
    container.innerHTML = html;
  }

  // One <li class="finding severity"> per finding; `apply(f, i)` adds a "이 수정 적용" button where applicable.
  function findingList(container, findings, { prefix = "f", apply = null, empty = "문제를 찾지 못했습니다." } = {}) {
    container.innerHTML = "";
    if (!findings.length) {
      container.innerHTML = `<li class="muted">${esc(empty)}</li>`;
      return;
    }
    findings.forEach((f, i) => {
      const li = document.createElement("li");
      li.className = `finding ${f.severity}`;
      const where = f.line ? ` <span class="muted">${f.paragraph ? `문단 ${f.paragraph}:${f.paragraph_column}` : `${f.line}:${f.column}`}</span>` : "";
      li.innerHTML = `<strong>${esc(f.label || f.severity)}</strong>${where} ${esc(f.message)}
        ${f.text ? `<div class="muted">«${esc(f.text.length > 80 ? f.text.slice(0, 77) + "…" : f.text)}»</div>` : ""}
        ${f.suggestion ? `<div>→ ${esc(f.suggestion)}${f.safe_fix ? ' <span class="badge public">안전한 수정</span>' : ""}</div>` : ""}`;
      if (apply && f.applicable) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "secondary apply-one"; b.textContent = "이 수정 적용";
        b.dataset.index = String(i);
        b.addEventListener("click", () => apply(f, i));
        li.appendChild(b);
      }
      li.addEventListener("mouseenter", () => $(`#${prefix}-${i}`)?.classList.add("focus"));
      li.addEventListener("mouseleave", () => $(`#${prefix}-${i}`)?.classList.remove("focus"));
      container.appendChild(li);
    });
  }

  function busy(button, on, label) {
    if (!button) return;
    if (on) { button.dataset.label = button.textContent; button.textContent = label || "처리 중…"; }
    else if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = on;
  }

  function showError(el, err) {
    const detail = err?.detail || err?.message || "오류가 났습니다.";
    const hint = err?.hint || err?.data?.hint;
    const wait = err?.retryAfter ? ` (${err.retryAfter}초 뒤 다시 시도)` : "";
    el.innerHTML = `<p class="alert" role="alert">${esc(detail)}${esc(wait)}</p>${hint ? `<p class="hint">→ ${esc(hint)}</p>` : ""}`;
    el.classList.remove("hidden");
  }

  function feedback(container, payload) {
    container.innerHTML = "";
    if (payload) Mokmin.feedbackWidget(container, { payload });
  }

  // POST multipart with the CSRF header; resolves to JSON or throws {detail, hint, status}.
  async function upload(url, formData) {
    try { return await Mokmin.postForm(url, formData); }
    catch (e) { throw { detail: e.message, hint: e.data?.hint, status: e.status }; }
  }

  async function send(method, url, body) {
    const res = await fetch(url, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": Mokmin.csrf(), Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({ detail: `오류 ${res.status}` }));
    if (!res.ok) throw { ...data, status: res.status };
    return data;
  }

  return { esc, $, highlight, findingList, busy, showError, feedback, upload, send };
})();
window.Workspace = Workspace;
