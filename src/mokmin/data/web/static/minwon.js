// 민원 pages: the citizen form (JSON, receipt shown in place) and the staff forms (busy state, confirmation).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const $ = (s) => document.querySelector(s);

  const form = $("#minwon-form");
  if (form) {
    const status = $("#minwon-status"), error = $("#minwon-error"), button = $("#minwon-submit");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      error.classList.add("hidden");
      button.disabled = true;
      status.textContent = "접수 중…";
      try {
        const d = await Mokmin.postJSON("/api/public/minwon", { title: $("#minwon-title").value, content: $("#minwon-content").value });
        $("#minwon-receipt-number").textContent = String(d.receipt);
        $("#minwon-receipt-message").textContent = d.message;
        const pii = $("#minwon-receipt-pii");
        pii.textContent = d.pii_masked.length ? "적어 주신 개인정보는 가려서 저장했습니다." : "";
        pii.classList.toggle("hidden", !d.pii_masked.length);
        $("#minwon-receipt").classList.remove("hidden");
        $("#minwon-form-card").classList.add("hidden");
        status.textContent = "";
      } catch (err) {
        error.textContent = err.message + (err.data && err.data.hint ? " " + err.data.hint : "");
        error.classList.remove("hidden");
        status.textContent = "";
        button.disabled = false;
      }
    });
  }

  // staff forms: ask before "sent", show that a slow action (model draft, import) is under way
  document.querySelectorAll("form").forEach((f) => {
    f.addEventListener("submit", (e) => {
      const button = f.querySelector("button[type=submit]");
      if (!button || f === form) return;
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) { e.preventDefault(); return; }
      if (button.dataset.busy) { button.textContent = button.dataset.busy; setTimeout(() => { button.disabled = true; }, 0); }
    });
  });
});
