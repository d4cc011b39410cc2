// 자료조사 page: streamed answer with [n] citations, a sources panel that opens the cited passage.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const answer = $("#research-answer"), panel = $("#source-panel"), errors = $("#research-error");

  async function openPassage(chunkId) {
    try {
      const res = await fetch(`/api/v1/kb/passages/${encodeURIComponent(chunkId)}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const p = await res.json();
      if (!res.ok) throw p;
      $("#passage-title").textContent = p.location;
      $("#passage-view").textContent = p.text;
      $("#passage-title").classList.remove("hidden");
      $("#passage-view").classList.remove("hidden");
    } catch (e) { W.showError(errors, e); }
  }

  function sourceItem(p, label) {
    const div = document.createElement("div");
    div.className = "source" + (p.n && !p.cited ? " uncited" : "");
    div.dataset.chunk = p.chunk_id;
    div.innerHTML = `<strong>${label}</strong> ${W.esc(p.location)} <span class="badge ${W.esc(p.audience)}">${p.audience === "public" ? "공개" : "직원용"}</span>
      ${p.n && !p.cited ? '<span class="muted">(인용 안 됨)</span>' : ""}
      <div><button type="button" class="link open-passage">구절 보기</button></div>`;
    div.querySelector(".open-passage").addEventListener("click", () => openPassage(p.chunk_id));
    return div;
  }

  function show(d) {
    panel.innerHTML = "";
    $("#research-findings").innerHTML = "";
    if (d.refused) {
      answer.textContent = d.text;
      const refusal = $("#research-refusal");
      const dept = d.department ? `담당 부서: ${W.esc(d.department.name)}${d.department.phone ? ` (☎ ${W.esc(d.department.phone)})` : ""}` : "";
      refusal.innerHTML = `<p>근거가 되는 문서를 찾지 못해 답하지 않았습니다.</p>${dept ? `<p>${dept}</p>` : ""}`;
      refusal.classList.remove("hidden");
      if (d.closest.length) {
        panel.innerHTML = "<p class=\"muted\">가장 가까운 문서 (답의 근거는 아님)</p>";
        d.closest.forEach((p) => panel.appendChild(sourceItem(p, "·")));
      } else panel.innerHTML = '<p class="muted">가까운 문서도 없습니다.</p>';
    } else {
      // the answer with its [n] marks as buttons that open the passage
      const bySource = Object.fromEntries(d.sources.map((p) => [p.n, p]));
      answer.innerHTML = W.esc(d.text).replace(/\[(\d+)\]/g, (m, n) => bySource[n]
        ? `<button type="button" class="cite" data-n="${n}" title="${W.esc(bySource[n].location)}">[${n}]</button>` : m);
      answer.querySelectorAll(".cite").forEach((b) => b.addEventListener("click", () => openPassage(bySource[b.dataset.n].chunk_id)));
      d.sources.forEach((p) => panel.appendChild(sourceItem(p, `[${p.n}]`)));
      W.findingList($("#research-findings"), d.findings.filter((f) => f.severity !== "info"), { prefix: "rf", empty: "" });
    }
    $("#research-disclosure").textContent = d.disclosure || "";
    W.feedback($("#research-feedback"), d.feedback);
  }

  $("#research-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const submit = $("#research-submit");
    errors.classList.add("hidden");
    $("#research-refusal").classList.add("hidden");
    $("#passage-view").classList.add("hidden"); $("#passage-title").classList.add("hidden");
    answer.textContent = "";
    W.busy(submit, true, "찾는 중…");
    await Mokmin.streamEvents("/staff/api/research", { question: $("#research-input").value }, {
      queued: (q) => { $("#research-status").textContent = q.waiting ? `앞에 ${q.waiting}건이 기다리고 있습니다…` : "찾는 중…"; },
      token: (t) => { answer.textContent += t; },
      done: (d) => { $("#research-status").textContent = ""; show(d); },
      error: (err) => { $("#research-status").textContent = ""; W.showError(errors, err); },
    }).catch((err) => W.showError(errors, err));
    W.busy(submit, false);
  });
});
