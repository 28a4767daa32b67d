// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons: <button data-copy="text"> copies its text and says so.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const done = button.dataset.copied || "✓";
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
      } catch {
        const area = document.createElement("textarea");
        area.value = button.dataset.copy;
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      const status = document.getElementById(button.getAttribute("aria-controls") || "");
      if (status) status.textContent = done;
    });
  }
});
