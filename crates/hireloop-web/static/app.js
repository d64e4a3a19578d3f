// Small enhancements; every page works without them.
// - Countdowns: <time class="clock" data-deadline="ms since epoch"> ticks down each second.
// - Autosave status: htmx answers with the save time; shown next to the answer box.
(function () {
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.round((Number(el.dataset.deadline) - now) / 1000);
      var over = left < 0;
      var s = Math.abs(left);
      var text = (over ? "−" : "") + Math.floor(s / 60) + ":" + pad(s % 60);
      el.textContent = over ? text + " over time" : text + " left";
      el.classList.toggle("over", over);
      el.classList.toggle("low", !over && left < 300);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
  });
})();

// hiring: flow — the assessment link on an application page shows this server's full address
// and gets a Copy button (without JavaScript the field holds the path, selectable as it is).
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-link-path]").forEach(function (field) {
      field.value = new URL(field.dataset.linkPath, window.location.href).href;
      field.addEventListener("focus", function () { field.select(); });
    });
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      if (!field || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
    });
  });
})();
