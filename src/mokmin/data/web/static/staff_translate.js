// 번역 page: translate (glossary forced) or rewrite, streamed sentence by sentence, then findings in place.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const out = $("#translate-output"), errors = $("#translate-error");
  const syncTask = () => {
    const rewrite = $("#translate-task").value === "rewrite";
    $("#translate-direction-label").classList.toggle("hidden", rewrite);
    $("#translate-style-label").classList.toggle("hidden", !rewrite);
  };
  $("#translate-task").addEventListener("change", syncTask);
  syncTask();

  $("#translate-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const submit = $("#translate-submit");
    errors.classList.add("hidden");
    out.textContent = "";
    W.busy(submit, true, "처리 중…");
    const body = { task: $("#translate-task").value, text: $("#translate-input").value,
                   direction: $("#translate-direction").value, style: $("#translate-style").value };
    await Mokmin.streamEvents("/staff/api/translate", body, {
      queued: (q) => { $("#translate-status").textContent = q.waiting ? `앞에 ${q.waiting}건이 기다리고 있습니다…` : "문장별로 처리하는 중…"; },
      token: (t) => { out.textContent += t; },
      done: (d) => {
        $("#translate-status").textContent = "";
        W.highlight(out, d.text, d.findings, "tf");
        W.findingList($("#translate-findings"), d.findings, { prefix: "tf", empty: "검사에서 문제를 찾지 못했습니다." });
        $("#translate-alignment tbody").innerHTML = d.alignment.map((a) => `<tr><td>${W.esc(a.source)}</td><td>${W.esc(a.target)}</td></tr>`).join("");
        $("#translate-notice").textContent = d.notice;
        W.feedback($("#translate-feedback"), d.feedback);
      },
      error: (err) => { $("#translate-status").textContent = ""; W.showError(errors, err); },
    }).catch((err) => W.showError(errors, err));
    W.busy(submit, false);
  });
});
