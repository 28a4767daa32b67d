// The rota views' enhancements; every page works without this file (pin buttons are plain forms).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Print buttons: hidden without JavaScript (the browser's own Print does the same).
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  // A day folded under its count prints unfolded.
  window.addEventListener("beforeprint", () => {
    for (const details of document.querySelectorAll("details.day-sessions")) {
      details.dataset.wasOpen = details.open ? "1" : "";
      details.open = true;
    }
  });
  window.addEventListener("afterprint", () => {
    for (const details of document.querySelectorAll("details.day-sessions")) {
      details.open = details.dataset.wasOpen === "1";
    }
  });

  // Drag a session of the weekly table onto another cell of the same week: the session's pin form
  // is sent with that cell's day and start ("keep it there"). The server checks the cell exists.
  for (const table of document.querySelectorAll("table.week-grid")) {
    let dragged = null;
    for (const entry of table.querySelectorAll(".entry")) {
      if (!entry.querySelector("input[name=action][value=pin]")) continue;
      entry.draggable = true;
      entry.addEventListener("dragstart", (event) => {
        dragged = entry;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", entry.id);
      });
      entry.addEventListener("dragend", () => {
        dragged = null;
        for (const cell of table.querySelectorAll("td.drop-target")) cell.classList.remove("drop-target");
      });
    }
    for (const cell of table.querySelectorAll("td[data-day][data-start]")) {
      const target = () => dragged && dragged.parentElement !== cell;
      cell.addEventListener("dragover", (event) => {
        if (!target()) return;
        event.preventDefault();
        cell.classList.add("drop-target");
      });
      cell.addEventListener("dragleave", () => cell.classList.remove("drop-target"));
      cell.addEventListener("drop", (event) => {
        if (!target()) return;
        event.preventDefault();
        const form = dragged.querySelector("form.pin-form");
        form.querySelector("input[name=day]").value = cell.dataset.day;
        form.querySelector("input[name=start]").value = cell.dataset.start;
        form.submit();
      });
    }
  }
});
