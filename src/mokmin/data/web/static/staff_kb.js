// 지식베이스 page: upload (progress polled from the job), change audience, remove.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const message = $("#kb-message");
  const LABEL = { public: "공개", staff: "직원용" };

  function say(text, bad = false) {
    message.innerHTML = `<p class="${bad ? "alert" : "notice"}" role="status">${W.esc(text)}</p>`;
    message.classList.remove("hidden");
  }

  function row(d) {
    const tr = document.createElement("tr");
    tr.dataset.id = d.id;
    tr.innerHTML = `<td>${d.id}</td><td>${W.esc(d.title)}<div class="muted">${W.esc(d.name)}</div></td><td>${W.esc(d.format)}</td>
      <td>${d.pages ?? ""}</td><td>${d.chunks}${d.embedded !== d.chunks ? ` <span class="muted">(임베딩 ${d.embedded})</span>` : ""}</td>
      <td><span class="badge ${W.esc(d.audience)}">${W.esc(d.audience_label)}</span>
        <select class="kb-audience-select" aria-label="공개 범위 바꾸기">
          <option value="staff" ${d.audience === "staff" ? "selected" : ""}>직원용</option>
          <option value="public" ${d.audience === "public" ? "selected" : ""}>공개</option></select></td>
      <td><button type="button" class="secondary kb-remove">지우기</button></td>`;
    return tr;
  }

  async function reload() {
    const docs = await W.send("GET", "/api/v1/kb/documents");
    const body = $("#kb-table tbody");
    body.innerHTML = docs.length ? "" : '<tr class="empty"><td colspan="7" class="muted">지식베이스가 비어 있습니다. 파일을 올려 주세요.</td></tr>';
    docs.forEach((d) => body.appendChild(row(d)));
    $("#kb-count").textContent = `${docs.length}건`;
  }

  $("#kb-table").addEventListener("change", async (e) => {
    if (!e.target.classList.contains("kb-audience-select")) return;
    const tr = e.target.closest("tr");
    try {
      const d = await W.send("POST", `/api/v1/kb/documents/${tr.dataset.id}/audience`, { audience: e.target.value });
      tr.replaceWith(row(d));
      say(`'${d.title}'의 공개 범위를 '${LABEL[d.audience]}'(으)로 바꿨습니다.`);
    } catch (err) { say(err.detail || "바꾸지 못했습니다.", true); }
  });

  $("#kb-table").addEventListener("click", async (e) => {
    if (!e.target.classList.contains("kb-remove")) return;
    const tr = e.target.closest("tr");
    if (!window.confirm("이 문서를 지식베이스에서 지울까요?")) return;
    try {
      const d = await W.send("DELETE", `/api/v1/kb/documents/${tr.dataset.id}`);
      say(`'${d.title}'을(를) 지웠습니다.`);
      await reload();
    } catch (err) { say(err.detail || "지우지 못했습니다.", true); }
  });

  async function poll(url) {
    for (;;) {
      const job = await W.send("GET", url);
      $("#kb-progress-bar").max = job.total; $("#kb-progress-bar").value = job.done;
      $("#kb-progress-text").textContent = job.status === "done" ? `끝났습니다 (${job.done}/${job.total})`
        : `색인 중 ${job.done}/${job.total}${job.current ? `: ${job.current}` : ""}`;
      $("#kb-results").innerHTML = job.results.map((r) =>
        `<li class="finding ${r.ok ? "info" : "error"}">${r.ok ? "✓" : "✗"} <strong>${W.esc(r.name)}</strong> ${W.esc(r.message)}</li>`).join("");
      if (job.status === "done") return job;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  $("#kb-upload").addEventListener("submit", async (e) => {
    e.preventDefault();
    const submit = $("#kb-submit");
    message.classList.add("hidden");
    const fd = new FormData();
    for (const f of $("#kb-files").files) fd.append("files", f);
    fd.append("audience", $("#kb-audience").value);
    fd.append("embed", $("#kb-embed").checked ? "true" : "false");
    W.busy(submit, true, "올리는 중…");
    try {
      const started = await W.upload("/api/v1/kb/documents", fd);
      $("#kb-progress").classList.remove("hidden");
      await poll(started.status_url);
      await reload();
      $("#kb-upload").reset();
    } catch (err) { say(`${err.detail || "올리지 못했습니다."}${err.hint ? ` → ${err.hint}` : ""}`, true); }
    W.busy(submit, false);
  });
});
