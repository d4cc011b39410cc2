// 보도자료 page: brief form → streamed draft → findings in place, removed sentences, facts, DOCX download.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const form = $("#press-form"), submit = $("#press-submit"), rerun = $("#press-rerun");
  const stream = $("#press-stream"), draftBox = $("#press-draft"), errors = $("#press-error");
  let lastBody = null;

  const lines = (v) => v.split("\n").map((s) => s.trim()).filter(Boolean);

  function syncMode() {
    const free = $("input[name=mode]:checked").value === "free";
    $("#press-fields").classList.toggle("hidden", free);
    $("#press-free").classList.toggle("hidden", !free);
  }
  form.querySelectorAll("input[name=mode]").forEach((r) => r.addEventListener("change", syncMode));
  syncMode();

  $("#brief-quote-add").addEventListener("click", () => {
    const row = $("#brief-quotes .quote-row").cloneNode(true);
    row.querySelectorAll("input").forEach((i) => { i.value = ""; });
    $("#brief-quotes").appendChild(row);
  });

  function body() {
    const quotes = [...form.querySelectorAll(".quote-row")].map((r) => ({
      speaker: r.querySelector(".quote-speaker").value, text: r.querySelector(".quote-text").value,
    })).filter((q) => q.text.trim());
    return {
      mode: $("input[name=mode]:checked").value,
      free_text: $("#brief-free").value,
      fields: {
        title: $("#brief-title").value, when: $("#brief-when").value, where: $("#brief-where").value,
        host: $("#brief-host").value, attendees: $("#brief-attendees").value, event: $("#brief-event").value,
        content: lines($("#brief-content").value), quotes, plans: lines($("#brief-plans").value),
        department: $("#brief-department").value, officer: $("#brief-officer").value, phone: $("#brief-phone").value,
      },
    };
  }

  function show(d) {
    $("#press-result").classList.remove("hidden");
    stream.classList.add("hidden");
    W.highlight(draftBox, d.text, d.findings, "pf");
    W.findingList($("#press-findings"), d.findings, { prefix: "pf", empty: "검사에서 문제를 찾지 못했습니다." });
    const removed = $("#press-removed");
    removed.innerHTML = d.removed.length ? "" : '<li class="muted">없음</li>';
    for (const r of d.removed) {
      const li = document.createElement("li");
      li.innerHTML = `✗ ${W.esc(r.text)}<div class="muted">${W.esc(r.reasons.join("; "))}</div>`;
      removed.appendChild(li);
    }
    $("#press-facts tbody").innerHTML = d.facts.map((f) =>
      `<tr><th>${W.esc(f.label)}</th><td>${W.esc(f.value)}</td><td class="muted">${W.esc(f.origin)}</td></tr>`).join("");
    const held = $("#press-held");
    held.classList.toggle("hidden", !d.held_for_review);
    $("#press-held-list").innerHTML = d.held.map((f) => `<li>«${W.esc(f.text)}» ${W.esc(f.message)}</li>`).join("");
    const reviewed = $("#press-reviewed");
    reviewed.checked = false;
    const dl = $("#press-download-form");
    dl.action = d.download;
    $("#press-download").disabled = d.held_for_review;
    $("#press-meta").textContent = `모델: ${d.backend} · 프롬프트: ${d.prompt_id} · ${(d.timings.total_s || 0).toFixed(1)}초 · 사람이 검토한 뒤에 사용하세요.`;
    W.feedback($("#press-feedback"), d.feedback);
    rerun.classList.remove("hidden");
  }

  $("#press-reviewed").addEventListener("change", (e) => {
    $("#press-download").disabled = !e.target.checked;
    $("#press-reviewed-value").value = e.target.checked ? "1" : "";
  });

  async function run(b) {
    lastBody = b;
    errors.classList.add("hidden");
    stream.textContent = "";
    stream.classList.remove("hidden");
    W.busy(submit, true, "작성 중…"); W.busy(rerun, true, "작성 중…");
    $("#press-status").textContent = "대기열에 넣었습니다…";
    await Mokmin.streamEvents("/staff/api/press/draft", b, {
      queued: (q) => { $("#press-status").textContent = q.waiting ? `앞에 ${q.waiting}건이 기다리고 있습니다…` : "모델이 본문을 쓰는 중입니다…"; },
      token: (t) => { $("#press-status").textContent = "모델이 본문을 쓰는 중입니다…"; stream.textContent += t; },
      done: (d) => { $("#press-status").textContent = "초안을 만들었습니다. 검사 결과를 확인하세요."; show(d); },
      error: (e) => { $("#press-status").textContent = ""; W.showError(errors, e); },
    }).catch((e) => W.showError(errors, e));
    W.busy(submit, false); W.busy(rerun, false);
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); run(body()); });
  rerun.addEventListener("click", () => run(lastBody || body()));
});
