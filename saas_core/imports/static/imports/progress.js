// Polls the job's status.json until it is done or failed, updating the bar, the counts and the report link;
// while the worker reads an uploaded file (data-next-url), goes on to the column mapping once it has.
(function () {
  const box = document.getElementById("import-job");
  if (!box) return;
  const bar = box.querySelector("[data-testid=progress-bar]");
  const badge = box.querySelector("[data-testid=job-status]");
  function show(s) {
    bar.style.width = s.progress + "%";
    bar.textContent = s.progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", s.progress);
    badge.textContent = s.status_label;
    badge.className = "badge " + ({done: "bg-success", failed: "bg-danger"}[s.status] || "bg-info");
    box.dataset.status = s.status;
    for (const key of ["processed", "imported", "updated", "skipped", "rejected"]) {
      const cell = box.querySelector(`[data-count=${key}]`);
      if (cell) cell.textContent = s[key];
    }
    if (s.error) {
      const err = box.querySelector("[data-testid=job-error]");
      err.textContent = s.error;
      err.classList.remove("d-none");
    }
    if (s.has_report) box.querySelector("[data-testid=report-area]").classList.remove("d-none");
    if (s.status === "done" || s.status === "failed") bar.classList.remove("progress-bar-animated");
  }
  async function poll() {
    try {
      const r = await fetch(box.dataset.statusUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"});
      if (r.ok) {
        const s = await r.json();
        if (box.dataset.nextUrl && s.status !== "reading" && s.status !== "failed") {  // the file has been read
          window.location.assign(box.dataset.nextUrl);
          return;
        }
        show(s);
        if (s.status === "done" || s.status === "failed") return;
      }
    } catch (e) { /* try again */ }
    setTimeout(poll, 1000);
  }
  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();
