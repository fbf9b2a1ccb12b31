// Progressive enhancement for the study pages; everything works without it.
// Keyboard: 1-9 pick an option (or rate 1-4 when the answer is shown), Enter submits,
// Space shows the answer, on the result page Enter/Space goes to the next card.
// An answer is sent with fetch: when the network drops or the server is busy (503) it is
// sent again, with the same idempotency key, so it is recorded exactly once.
(function () {
  "use strict";
  var MAX_TRIES = 8;
  var form = document.querySelector(".answer-form");
  var sending = false;

  function buttons(disabled) {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = disabled; });
  }

  function say(text) {
    var status = form.querySelector(".retry-status");
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  }

  function show(response, html) {
    if (response.redirected) {
      window.location.assign(response.url);
      return;
    }
    // The answer's page (feedback, or an error) replaces this one, as a form POST would.
    document.open();
    document.write(html);
    document.close();
  }

  function retry(body, attempt, after) {
    var status = form.querySelector(".retry-status");
    if (attempt >= MAX_TRIES) {
      say(status ? status.getAttribute("data-failed") : "");
      sending = false;
      buttons(false);
      return;
    }
    var seconds = parseInt(after, 10);
    if (!(seconds > 0)) seconds = Math.min(10, 2 * Math.pow(2, attempt - 1)); // 2, 4, 8, 10 …
    seconds = Math.min(seconds, 60);
    if (status) say(status.getAttribute("data-retrying").replace("{n}", String(attempt)));
    window.setTimeout(function () { send(body, attempt + 1); }, seconds * 1000);
  }

  function send(body, attempt) {
    window.fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "follow",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (response.status === 503) {
        retry(body, attempt, response.headers.get("Retry-After"));
        return null;
      }
      return response.text().then(function (html) { show(response, html); });
    }).catch(function () {
      retry(body, attempt, null);
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var clock = form.querySelector("input[name=client_time]");
      if (clock) clock.value = new Date().toISOString();
      if (!(window.fetch && window.FormData && window.URLSearchParams && window.Promise)) {
        // No fetch: the normal POST. A double tap sends the same idempotency key anyway;
        // this spares the request.
        window.setTimeout(function () { buttons(true); }, 0);
        return;
      }
      event.preventDefault();
      if (sending) return;
      sending = true;
      // The same fields as the form would send, the pressed button's name and value too.
      var data = new FormData(form);
      var submitter = event.submitter;
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      buttons(true);
      send(new URLSearchParams(data), 1);
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
