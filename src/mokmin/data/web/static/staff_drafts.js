// 기획안 and 연설문 pages: brief form → streamed draft → sections (kind of every line), sources, findings,
// removed model lines with reasons, held-for-review confirmation, DOCX download, feedback.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const W = Workspace, $ = W.$;
  const form = $("#plan-form") || $("#speech-form");
  if (!form) return;
  const p = form.dataset.kind;  // "plan" or "speech": the element id prefix and the API path
  const el = (name) => $(`#${p}-${name}`);
  const submit = el("submit"), rerun = el("rerun"), stream = el("stream"), errors = el("error");
  const lines = (v) => v.split("\n").map((s) => s.trim()).filter(Boolean);
  const val = (name) => el(name).value;
  const KIND_TAGS = { cited: "문서 인용", proposal: "모델 제안", placeholder: "입력 필요" };
  let lastBody = null;

  function syncMode() {
    const free = form.querySelector("input[name=mode]:checked").value === "free";
    el("fields").classList.toggle("hidden", free);
    el("free-box").classList.toggle("hidden", !free);
  }
  form.querySelectorAll("input[name=mode]").forEach((r) => r.addEventListener("change", syncMode));
  syncMode();

  function body() {
    const mode = form.querySelector("input[name=mode]:checked").value;
    if (p === "plan") {
      return {
        mode, free_text: val("free"), use_kb: el("use-kb").checked,
        fields: {
          title: val("title"), department: val("department"), background: lines(val("background")),
          status: lines(val("status")), problems: lines(val("problems")), purpose: lines(val("purpose")),
          target: val("target"), period: val("period"), place: val("place"),
          budget: { total: val("budget-total"), source: val("budget-source"), items: lines(val("budget-items")) },
          actions: lines(val("actions")), schedule: lines(val("schedule")), effects: lines(val("effects")),
          plans: lines(val("plans")),
        },
      };
    }
    return {
      mode, kind: val("kind"), free_text: val("free"),
      fields: {
        event: val("event"), when: val("when"), where: val("where"), host: val("host"), speaker: val("speaker"),
        audience: val("audience"), guests: lines(val("guests")), content: lines(val("content")),
        thanks: lines(val("thanks")), wishes: lines(val("wishes")),
      },
    };
  }

  function showSections(d) {
    const box = el("sections"), sources = el("sources");
    box.classList.toggle("hidden", !d.sections);
    sources.classList.toggle("hidden", !(d.sources && d.sources.length));
    if (!d.sections) return;
    box.innerHTML = d.sections.map((s, i) => `<div class="plan-section"><h3>${i + 1}. ${W.esc(s.title)}</h3><ul>${
      s.lines.map((l) => `<li class="plan-line ${W.esc(l.kind)} level-${l.level}">${W.esc(l.text)}${
        KIND_TAGS[l.kind] ? `<span class="badge kind-tag">${KIND_TAGS[l.kind]}</span>` : ""}</li>`).join("")
    }</ul></div>`).join("");
    sources.innerHTML = (d.sources || []).map((s) =>
      `<li value="${s.n}">${W.esc(s.location)} <span class="muted">${W.esc(s.name)}</span></li>`).join("");
  }

  function show(d) {
    el("result").classList.remove("hidden");
    stream.classList.add("hidden");
    el("title").textContent = d.title;
    W.highlight(el("draft"), d.text, d.findings, `${p}f`);
    showSections(d);
    W.findingList(el("findings"), d.findings, { prefix: `${p}f`, empty: "검사에서 문제를 찾지 못했습니다." });
    const removed = el("removed");
    removed.innerHTML = d.removed.length ? "" : '<li class="muted">없음</li>';
    for (const r of d.removed) {
      const li = document.createElement("li");
      li.innerHTML = `✗ ${W.esc(r.text)}<div class="muted">${W.esc(r.reasons.join("; "))}</div>`;
      removed.appendChild(li);
    }
    el("held").classList.toggle("hidden", !d.held_for_review);
    el("held-list").innerHTML = d.held.map((f) => `<li>«${W.esc(f.text)}» ${W.esc(f.message)}</li>`).join("");
    el("reviewed").checked = false;
    el("reviewed-value").value = "";
    el("download-form").action = d.download;
    el("download").disabled = d.held_for_review;
    el("meta").textContent = `모델: ${d.backend} · 프롬프트: ${d.prompt_id} · ${(d.timings.total_s || 0).toFixed(1)}초 · 사람이 검토한 뒤에 사용하세요.`;
    W.feedback(el("feedback"), d.feedback);
    rerun.classList.remove("hidden");
  }

  el("reviewed").addEventListener("change", (e) => {
    el("download").disabled = !e.target.checked;
    el("reviewed-value").value = e.target.checked ? "1" : "";
  });

  async function run(b) {
    lastBody = b;
    errors.classList.add("hidden");
    stream.textContent = "";
    stream.classList.remove("hidden");
    const progress = el("progress");
    W.busy(submit, true, "작성 중…"); W.busy(rerun, true, "작성 중…");
    progress.textContent = "대기열에 넣었습니다…";
    await Mokmin.streamEvents(`/staff/api/${p}/draft`, b, {
      queued: (q) => { progress.textContent = q.waiting ? `앞에 ${q.waiting}건이 기다리고 있습니다…` : "모델이 쓰는 중입니다…"; },
      token: (t) => { progress.textContent = "모델이 쓰는 중입니다…"; stream.textContent += t; },
      done: (d) => { progress.textContent = "초안을 만들었습니다. 검사 결과를 확인하세요."; show(d); },
      error: (e) => { progress.textContent = ""; W.showError(errors, e); },
    }).catch((e) => W.showError(errors, e));
    W.busy(submit, false); W.busy(rerun, false);
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); run(body()); });
  rerun.addEventListener("click", () => run(lastBody || body()));
});
