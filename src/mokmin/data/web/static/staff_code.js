// 코드 도우미 page: task + optional sample (multipart) → code or formula, whether it ran, output or error,
// the sandbox layers that were active, findings and feedback.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const form = $("#code-form"), submit = $("#code-submit"), errors = $("#code-error");

  function verdict(d) {
    if (d.ok === true) return ["ok", d.run ? d.run.message : `표본에서 계산했습니다: ${d.formula.message}`];
    if (d.ok === false) return ["error", (d.run || d.formula).message];
    return ["warning", "표본 파일이 없거나 실행할 수 없어 실행해 보지 않았습니다. 쓰기 전에 직접 확인하세요."];
  }

  function show(d) {
    $("#code-result").classList.remove("hidden");
    $("#code-heading").textContent = d.mode === "formula" ? "엑셀 수식" : "파이썬 코드";
    $("#code-code").textContent = d.code || "(모델이 코드를 쓰지 못했습니다)";
    $("#code-explanation").textContent = d.explanation || "";
    const [cls, message] = verdict(d);
    const v = $("#code-verdict");
    v.className = `finding ${cls}`;
    v.textContent = (d.sample ? `표본 ${d.sample}: ` : "") + message + (d.repaired ? " (한 번 고쳐 쓴 답)" : "");
    const out = $("#code-output"), err = $("#code-stderr");
    const printed = d.run ? d.run.stdout : (d.formula && d.formula.value !== null ? `값: ${d.formula.value}` : "");
    out.textContent = printed + (d.run && d.run.stdout_truncated ? "\n… (출력이 길어 잘랐습니다)" : "");
    out.classList.toggle("hidden", !printed);
    const tail = d.run && !d.run.ok ? d.run.stderr : "";
    err.textContent = tail;
    err.classList.toggle("hidden", !tail);
    $("#code-files").innerHTML = (d.run ? d.run.files : []).map((f) =>
      `<li>만든 파일: ${W.esc(f.name)} (${f.size.toLocaleString()}바이트, 저장하지 않음)</li>`).join("");
    $("#code-layers").textContent = d.run ? `격리: ${d.run.layer_names.join(", ")} · ${d.run.seconds.toFixed(1)}초` : "";
    W.findingList($("#code-findings"), d.findings, { prefix: "cf", empty: "문제를 찾지 못했습니다." });
    $("#code-meta").textContent = `모델: ${d.backend} · 프롬프트: ${d.prompt_id} · 생성형 인공지능이 쓴 코드입니다. 표본에서 확인한 결과를 보고 쓰세요.`;
    W.feedback($("#code-feedback"), d.feedback);
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.classList.add("hidden");
    const data = new FormData();
    data.append("task", $("#code-task").value);
    data.append("mode", form.querySelector("input[name=mode]:checked").value);
    const file = $("#code-file").files[0];
    if (file) data.append("file", file);
    W.busy(submit, true, "만드는 중…");
    $("#code-progress").textContent = "모델이 답을 쓰고 표본에서 실행하는 중입니다…";
    try {
      show(await W.upload("/staff/api/code", data));
      $("#code-progress").textContent = "";
    } catch (err) {
      $("#code-progress").textContent = "";
      W.showError(errors, err);
    }
    W.busy(submit, false);
  });
});
