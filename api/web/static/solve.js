// The progress page's live updates: polls the job's status every half second, moves the progress
// bar, announces a new stage (the stage line is an aria-live region), and goes to the result when
// the run ends. Without this file the page refreshes itself (<noscript> meta refresh).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("job-live");
  if (!live) return;
  const url = live.dataset.statusUrl;
  const every = Number(live.dataset.pollMs) || 500;
  const el = (id) => document.getElementById(id);
  let failures = 0;
  // Once a form on the page is sent (Cancel), a late status answer must not navigate over it.
  let leaving = false;
  document.addEventListener("submit", () => { leaving = true; });

  const show = (s) => {
    const bar = el("job-progress");
    if (bar) {
      bar.max = s.time_limit_seconds;
      bar.value = Math.min(s.elapsed_seconds, s.time_limit_seconds);
      bar.textContent = s.seconds_text;
    }
    if (el("job-seconds")) el("job-seconds").textContent = s.seconds_text;
    if (el("job-figures")) el("job-figures").textContent = s.figures_text;
    if (el("job-status")) el("job-status").textContent = s.status_line;
    const stage = el("job-stage");
    if (stage && stage.textContent !== s.stage_text) stage.textContent = s.stage_text; // announced
  };

  const tick = async () => {
    if (leaving) return;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" });
      const type = response.headers.get("content-type") || "";
      if (!response.ok || !type.includes("json")) throw new Error(String(response.status));
      const s = await response.json();
      if (leaving) return;
      failures = 0;
      show(s);
      if (s.done) {
        const cancel = el("job-cancel");
        if (cancel) cancel.disabled = true;
        window.location.assign(s.next);
        return;
      }
    } catch {
      if (leaving) return;
      failures += 1;
      if (failures >= 6) { // signed out, or the server went away: let the page itself say so
        window.location.reload();
        return;
      }
    }
    window.setTimeout(tick, every);
  };
  window.setTimeout(tick, every);
});
