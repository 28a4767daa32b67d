// The set-up pages' small helps; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // After a save that found problems, take the keyboard to their list (its links lead to each input).
  const summary = document.querySelector(".error-summary[data-after-post]");
  if (summary) summary.focus();
  // A class's timetable: saying what the class does in a period means it is busy then.
  for (const what of document.querySelectorAll("table.timetable input[type=text]")) {
    what.addEventListener("input", () => {
      const busy = what.closest(".cell")?.querySelector("input[type=checkbox]");
      if (busy && what.value.trim() && !busy.checked) busy.checked = true;
    });
  }
});
