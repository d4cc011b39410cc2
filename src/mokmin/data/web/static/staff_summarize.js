// 요약 page: upload (read and checked at once), then the section summaries stream in.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const errors = $("#summarize-error"), stream = $("#summarize-stream"), status = $("#summarize-status");

  function show(d) {
    stream.textContent = "";
    $("#summarize-result").classList.remove("hidden");
    $("#summarize-title").textContent = `${d.title} 요약`;
    $("#summarize-parts tbody").innerHTML = d.parts.map((p) =>
      `<tr><th>${W.esc(p.section)}</th><td>${W.esc(p.page_label)}</td><td>${W.esc(p.summary)}</td></tr>`).join("");
    W.findingList($("#summarize-findings"), d.parts.flatMap((p) => p.findings), { prefix: "sf", empty: "" });
    $("#summarize-disclosure").textContent = d.disclosure;
    W.feedback($("#summarize-feedback"), d.feedback);
  }

  $("#summarize-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const submit = $("#summarize-submit"), file = $("#summarize-file").files[0];
    if (!file) return;
    errors.classList.add("hidden");
    $("#summarize-result").classList.add("hidden");
    W.busy(submit, true, "올리는 중…");
    try {
      const fd = new FormData();
      fd.append("file", file);
      const up = await W.upload("/staff/api/summarize/upload", fd);
      status.textContent = `${up.title}: ${up.sections}개 부분을 요약합니다…` + (up.warnings.length ? ` (참고: ${up.warnings.join(" ")})` : "");
      await Mokmin.streamEvents("/staff/api/summarize", { upload_id: up.upload_id }, {
        queued: (q) => { if (q.waiting) status.textContent = `앞에 ${q.waiting}건이 기다리고 있습니다…`; },
        token: (t) => { stream.textContent += t; },
        done: (d) => { status.textContent = ""; show(d); },
        error: (err) => { status.textContent = ""; W.showError(errors, err); },
      });
    } catch (err) { W.showError(errors, err); }
    W.busy(submit, false);
  });
});
