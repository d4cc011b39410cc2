// The citizen chat (/chat): streamed answers, citations that open the cited public passage, history, feedback.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $("chat-form"), input = $("chat-input"), send = $("chat-send"), log = $("chat-log");
  const status = $("chat-status"), empty = $("chat-empty");
  if (!form) return;
  const esc = (s) => Mokmin.escapeHTML(s ?? "");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // answer text with [n] turned into buttons that open passage n
  function answerHTML(text, sources) {
    const byN = new Map((sources || []).map((s) => [String(s.n), s]));
    return esc(text).replace(/\[(\d{1,2})\]/g, (whole, n) => {
      const s = byN.get(n);
      if (!s) return whole;
      return `<button type="button" class="cite" data-chunk="${s.chunk_id}" title="${esc(s.title)}">[${n}]</button>`;
    });
  }

  function sourceList(sources) {
    const list = el("ol", "sources");
    for (const s of sources) {
      if (!s.cited) continue;
      const item = el("li");
      item.value = s.n;
      const button = el("button", "link cite-source", `${s.title}${s.page ? `, ${s.page}쪽` : ""}`);
      button.type = "button";
      button.dataset.chunk = s.chunk_id;
      item.appendChild(button);
      list.appendChild(item);
    }
    return list.children.length ? list : null;
  }

  function notices(box, piiTypes, discrimination) {
    if (piiTypes && piiTypes.length) {
      box.appendChild(el("p", "notice pii-notice",
        `개인정보(${piiTypes.join(", ")})가 있어 가린 뒤 기록했습니다. 원래 값은 보관하지 않습니다.`));
    }
    for (const message of discrimination || []) {
      box.appendChild(el("p", "notice discrimination-notice", `표현 안내: ${message} 답변은 그대로 드립니다.`));
    }
  }

  function newExchange(question) {
    empty?.classList.add("hidden");
    const box = el("article", "exchange");
    box.appendChild(el("p", "question", question));
    const notes = el("div", "notes");
    box.appendChild(notes);
    const answer = el("div", "answer stream");
    box.appendChild(answer);
    log.appendChild(box);
    return { box, notes, answer };
  }

  function finish(ex, data) {
    ex.box.querySelector(".question").textContent = data.question;  // the masked question, as kept
    ex.notes.replaceChildren();
    notices(ex.notes, data.pii_masked, data.notices);
    ex.answer.classList.toggle("refused", !!data.refused);
    if (data.refused) {
      // an honest "I don't know", and who to ask instead
      ex.answer.textContent = `모르겠습니다. ${data.text}`;
      const help = el("div", "refusal");
      help.appendChild(el("p", "contact", data.note || ""));
      if (data.closest && data.closest.length) {
        help.appendChild(el("p", "muted", "가장 가까운 문서: " + data.closest.map((c) => c.title).join(", ")));
      }
      ex.box.appendChild(help);
    } else {
      ex.answer.innerHTML = answerHTML(data.text, data.sources);
      const list = sourceList(data.sources || []);
      if (list) ex.box.appendChild(list);
      if (data.disclosure) ex.box.appendChild(el("p", "muted disclosure-line", data.disclosure));
    }
    if (data.feedback && data.feedback.item_id) Mokmin.feedbackWidget(ex.box, { payload: data.feedback });
  }

  async function openSource(chunkId) {
    const panel = $("source-panel");
    try {
      const res = await fetch(`/api/public/source/${encodeURIComponent(chunkId)}`, { credentials: "same-origin" });
      const data = await res.json();
      if (!res.ok) throw new Error(data.detail || `오류 ${res.status}`);
      $("source-title").textContent = data.title;
      $("source-meta").textContent = [data.file, data.page ? `${data.page}쪽` : "", data.heading].filter(Boolean).join(" · ");
      $("source-text").textContent = data.text;
    } catch (e) {
      $("source-title").textContent = "문서를 열 수 없습니다";
      $("source-meta").textContent = "";
      $("source-text").textContent = e.message;
    }
    panel.classList.remove("hidden");
    panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  log.addEventListener("click", (event) => {
    const button = event.target.closest("[data-chunk]");
    if (button) openSource(button.dataset.chunk);
  });
  $("source-close").addEventListener("click", () => $("source-panel").classList.add("hidden"));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) { status.textContent = "질문을 적어 주세요."; return; }
    send.disabled = true;
    status.textContent = "보내는 중…";
    const ex = newExchange(question);
    let streamed = "";
    await Mokmin.streamEvents("/api/public/chat", { message: question }, {
      notice: (data) => notices(ex.notes, data.pii_masked, data.discrimination),
      queued: (data) => { status.textContent = data.waiting ? `앞에 ${data.waiting}명이 기다리고 있습니다…` : "답을 찾는 중…"; },
      token: (piece) => { streamed += piece; ex.answer.textContent = streamed; status.textContent = "답하는 중…"; },
      done: (data) => { finish(ex, data); status.textContent = ""; input.value = ""; },
      error: (data) => {
        ex.answer.replaceChildren(el("p", "alert", `${data.detail || "오류가 났습니다."} ${data.hint || ""}`.trim()));
        status.textContent = "";
      },
    }).catch((e) => { ex.answer.replaceChildren(el("p", "alert", e.message)); status.textContent = ""; });
    send.disabled = false;
    input.focus();
  });

  $("chat-clear").addEventListener("click", async () => {
    try {
      await Mokmin.postJSON("/api/public/history/clear", {});
      log.replaceChildren();
      empty?.classList.remove("hidden");
      status.textContent = "이 브라우저의 기록을 지웠습니다.";
    } catch (e) { status.textContent = e.message; }
  });

  (async () => {
    try {
      const res = await fetch("/api/public/history", { credentials: "same-origin" });
      if (!res.ok) return;
      const data = await res.json();
      for (const item of data.items || []) finish(newExchange(item.question), item);
    } catch (_e) { /* history is a convenience; the chat works without it */ }
  })();
})();
