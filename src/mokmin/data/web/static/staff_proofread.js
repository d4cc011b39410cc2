// 교정 page: paste or upload, findings highlighted and listed, apply all safe fixes or one finding.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const errors = $("#proofread-error");
  let current = null; // {text, mode, upload}

  function show(d, upload) {
    current = { text: d.text, mode: d.mode, upload };
    $("#proofread-result").classList.remove("hidden");
    $("#proofread-score").textContent = d.score.summary;
    $("#proofread-counts").textContent = `오류 ${d.counts.error}건, 경고 ${d.counts.warning}건, 참고 ${d.counts.info}건 · 안전한 수정 ${d.safe_fixes}곳`;
    $("#proofread-notes").innerHTML = (d.notes || []).map((n) => `<li class="notice">${W.esc(n)}</li>`).join("");
    W.highlight($("#proofread-text"), d.text, d.findings, "pr");
    W.findingList($("#proofread-findings"), d.findings, { prefix: "pr", apply: upload ? null : applyOne });
    $("#proofread-apply-safe").disabled = !d.safe_fixes;
    $("#proofread-apply-safe").classList.toggle("hidden", Boolean(upload));
    const dl = $("#proofread-download-form");
    dl.classList.toggle("hidden", !upload);
    if (upload) { dl.action = upload.download; $("#proofread-download-mode").value = d.mode; $("#proofread-download").disabled = !d.safe_fixes; }
    if (d.feedback) W.feedback($("#proofread-feedback"), d.feedback);
  }

  async function apply(only) {
    try {
      const d = await W.send("POST", "/api/v1/proofread/apply", { text: current.text, mode: current.mode, only });
      $("#proofread-input").value = d.fixed_text;
      show(d, null);
    } catch (e) { W.showError(errors, e); }
  }
  const applyOne = (f) => apply([f.index]);
  $("#proofread-apply-safe").addEventListener("click", () => apply(null));

  $("#proofread-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.classList.add("hidden");
    const submit = $("#proofread-submit"), mode = $("#proofread-mode").value, file = $("#proofread-file").files[0];
    W.busy(submit, true, "검사 중…");
    try {
      if (file) {
        const fd = new FormData();
        fd.append("file", file); fd.append("mode", mode);
        const d = await W.upload("/api/v1/proofread/file", fd);
        show(d, d);
      } else {
        show(await W.send("POST", "/api/v1/proofread", { text: $("#proofread-input").value, mode }), null);
      }
    } catch (err) { W.showError(errors, err); }
    W.busy(submit, false);
  });
});
