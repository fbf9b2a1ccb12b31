// Progressive enhancement for the study pages; everything works without it.
// Keyboard: 1-9 pick an option (or rate 1-4 when the answer is shown), Enter submits,
// Space shows the answer, on the result page Enter/Space goes to the next card.
(function () {
  "use strict";
  var form = document.querySelector(".answer-form");
  if (form) {
    form.addEventListener("submit", function () {
      var clock = form.querySelector("input[name=client_time]");
      if (clock) clock.value = new Date().toISOString();
      // A double tap sends the same idempotency key anyway; this spares the request.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  }
  var next = document.getElementById("next");
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text"));
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (next && !form && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      next.click();
      return;
    }
    if (!form || typing) return;
    var reveal = form.querySelector("details.reveal");
    if (reveal && reveal.open && /^[1-4]$/.test(event.key)) {
      var rate = form.querySelectorAll("button[name=self_rating]")[Number(event.key) - 1];
      if (rate) { event.preventDefault(); rate.click(); }
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      var option = form.querySelectorAll("input[name=choice]")[Number(event.key) - 1];
      if (option) { event.preventDefault(); option.checked = option.type === "radio" ? true : !option.checked; }
      var judge = form.querySelectorAll("button[name=verdict]")[Number(event.key) - 1];
      if (judge) { event.preventDefault(); judge.click(); }
      return;
    }
    if (event.key === " " && reveal) {
      event.preventDefault();
      reveal.open = !reveal.open;
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });
})();
