// Feedback dashboard: keeps the server-rendered page current from the SSE stream
// (/staff/api/dashboard/stream), falling back to polling /staff/api/dashboard every few seconds.
"use strict";

(() => {
  const root = document.getElementById("dashboard");
  if (!root) return;
  const esc = (s) => window.Mokmin.escapeHTML(s ?? "");
  const pct = (v) => (v === null || v === undefined ? "-" : `${Math.round(v * 100)}%`);
  const POLL_MS = 5000;

  function rows(tbody, items, cols, render) {
    tbody.innerHTML = items.length ? items.map(render).join("")
      : `<tr class="empty"><td colspan="${cols}" class="muted">${tbody.dataset.empty || "없습니다."}</td></tr>`;
  }

  function apply(data) {
    if (!data || data.version === root.dataset.version) return;
    root.dataset.version = data.version;
    document.getElementById("dashboard-updated").textContent = `${data.generated_at.slice(11, 16)} 기준`;
    const totals = document.getElementById("dashboard-totals");
    for (const key of ["ratings", "up", "down"]) totals.querySelector(`[data-field="${key}"]`).textContent = data.totals[key];
    totals.querySelector('[data-field="share"]').textContent = pct(data.totals.share);
    document.getElementById("satisfaction-chart").innerHTML = data.chart_svg; // SVG built and escaped by the server

    rows(document.querySelector("#least-liked tbody"), data.least_liked, 4, (i) =>
      `<tr data-item="${esc(i.item_id)}"><td>${esc(i.kind_ko)}</td><td>${esc(i.question || "(질문 없음)")}</td>` +
      `<td>${i.down}/${i.up}</td><td>${i.comments.map((c) => `<p>${esc(c)}</p>`).join("")}</td></tr>`);

    const refused = document.getElementById("refused-questions");
    refused.innerHTML = data.refused.length
      ? data.refused.map((q) => `<li><span class="badge">${esc(q.kind_ko)}</span> ${esc(q.question)}</li>`).join("")
      : '<li class="muted empty">없습니다.</li>';

    document.getElementById("week-label").textContent = data.week.label;
    const rising = data.week.topics.filter((t) => t.rising);
    document.getElementById("rising-topics").innerHTML = "급증 주제: " + (rising.length
      ? rising.map((t) => `<span class="badge staff">${esc(t.topic)} (${t.issues})</span>`).join(" ")
      : '<span class="muted">없음</span>');
    rows(document.querySelector("#topic-table tbody"), data.week.topics, 8, (t) =>
      `<tr${t.rising ? ' class="rising"' : ""}><td>${esc(t.topic)}${t.rising ? " ⚠" : ""}</td><td>${t.up}</td>` +
      `<td>${t.down}</td><td>${t.refused}</td><td>${t.complaints}</td><td>${t.issues}</td><td>${t.baseline}</td>` +
      `<td>${esc(t.department)}</td></tr>`);
    rows(document.querySelector("#department-table tbody"), data.week.departments, 6, (d) =>
      `<tr><td>${esc(d.department)}</td><td>${d.up}</td><td>${d.down}</td><td>${d.refused}</td>` +
      `<td>${d.complaints}</td><td>${d.baseline}</td></tr>`);
    rows(document.querySelector("#kind-counts tbody"), data.kinds, 5, (k) =>
      `<tr><td>${esc(k.kind_ko)}</td><td>${k.interactions}</td><td>${k.refused}</td><td>${k.up}</td><td>${k.down}</td></tr>`);
  }

  let polling = null;
  async function poll() {
    try {
      const res = await fetch("/staff/api/dashboard", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (res.status === 401 || res.redirected) { window.location.href = "/login?next=/staff/dashboard"; return; }
      if (res.ok) apply(await res.json());
    } catch (e) { /* network hiccup: try again at the next tick */ }
  }
  function startPolling() {
    if (!polling) polling = setInterval(poll, POLL_MS);
  }

  if ("EventSource" in window) {
    let failures = 0;
    const source = new EventSource("/staff/api/dashboard/stream");
    source.addEventListener("snapshot", (ev) => { failures = 0; apply(JSON.parse(ev.data)); });
    source.addEventListener("error", () => {
      failures += 1;
      if (failures >= 3) { source.close(); startPolling(); }
    });
  } else {
    startPolling();
  }
})();
