// The exam room: saves each answer as it is given, ticks the countdown, submits at zero.
// Progressive: without it every form posts and the page moves on; the server keeps time.
(function () {
  "use strict";
  var bar = document.getElementById("exam-bar");
  var words = bar ? bar.dataset : {};

  function status(form, text, bad) {
    var box = form.parentNode.querySelector(".save-status");
    if (!box) return;
    box.textContent = text || "";
    box.classList.toggle("bad", !!bad);
  }

  function restore(form, saved) {
    if (!saved) return;
    form.querySelectorAll("input[name=choice]").forEach(function (input) {
      input.checked = (saved.choices || []).indexOf(Number(input.value)) !== -1;
    });
    form.querySelectorAll("button[name=verdict]").forEach(function (button) {
      button.classList.toggle("chosen", saved.verdict === (button.value === "true"));
    });
    var blanks = form.querySelectorAll("input[name=blank]");
    blanks.forEach(function (input, i) { input.value = (saved.blanks || [])[i] || ""; });
    var text = form.querySelector("textarea[name=text]");
    if (text && typeof saved.text === "string") text.value = saved.text;
  }

  function progress(answered, total) {
    var box = document.getElementById("progress");
    if (!box) return;
    box.querySelector(".answered-count").textContent = answered;
    var span = box.querySelector(".progress-bar span");
    span.className = "w" + Math.floor((total ? (100 * answered) / total : 100) / 5) * 5;
  }

  function save(form, extra, then) {
    // One save at a time per question; a save asked for meanwhile (a tap on 提交 while an
    // autosave is on its way) runs next, keeping its button and what follows it.
    if (form.busy) {
      var queued = form.again || {};
      form.again = { extra: extra || queued.extra || null, then: then || queued.then || null };
      return;
    }
    form.busy = true;
    var data = new FormData(form);
    if (extra && extra.name) data.set(extra.name, extra.value);
    data.set("go", "stay");
    status(form, words.saving);
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                         headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (reply) {
        var saved = form.parentNode.querySelector(".saved-text");
        if (reply.revision !== undefined) form.querySelector("input[name=revision]").value = reply.revision;
        if (reply.ok) {
          form.failed = false;
          status(form, reply.message || words.saved);
          if (saved) saved.textContent = reply.saved_text ? words.savedLabel + "：" + reply.saved_text : "";
          progress(reply.answered, reply.total);
          var link = document.querySelector('.question-nav a[data-position="' + form.dataset.position + '"]');
          if (link) link.classList.toggle("done", !!reply.saved_text);
          if (then) then();
        } else if (reply.stale) {
          // Another page saved a newer answer: show it, overwrite nothing.
          restore(form, reply.saved);
          status(form, reply.message, true);
          if (saved) saved.textContent = words.savedLabel + "：" + (reply.saved_text || "—");
        } else {
          status(form, reply.message, true);
          if (reply.reload) window.location.reload(); // time is up: the server shows the result
        }
      })
      .catch(function () {
        status(form, words.offline, true);
        form.failed = true;
        form.again = form.again || { extra: extra, then: then };
      })
      .then(function () {
        form.busy = false;
        if (!form.again) return;
        var next = form.again;
        form.again = null;
        window.setTimeout(function () { save(form, next.extra, next.then); }, form.failed ? 3000 : 0);
      });
  }

  document.querySelectorAll("form.exam-answer").forEach(function (form) {
    try { restore(form, JSON.parse(form.dataset.savedAnswer || "null")); } catch (e) { /* shown as text */ }
    var timer = null;
    form.addEventListener("change", function (event) {
      if (event.target.name === "choice") save(form);
    });
    form.addEventListener("input", function (event) {
      if (event.target.name !== "text" && event.target.name !== "blank") return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(form); }, 800);
    });
    form.addEventListener("focusout", function (event) {
      if (event.target.name === "text" || event.target.name === "blank") { window.clearTimeout(timer); save(form); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      var extra = button && button.name ? { name: button.name, value: button.value } : null;
      if (extra && extra.name === "verdict") restore(form, { verdict: extra.value === "true" });
      window.clearTimeout(timer);
      save(form, extra, function () { if (form.dataset.next) window.location.href = form.dataset.next; });
    });
  });

  var clock = document.getElementById("timer");
  if (clock) {
    var end = Date.now() + Number(clock.dataset.remaining) * 1000;
    var shown = clock.querySelector(".clock");
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600), mi = Math.floor((left % 3600) / 60), s = left % 60;
      shown.textContent = (h ? h + ":" + String(mi).padStart(2, "0") : mi) + ":" + String(s).padStart(2, "0");
      clock.classList.toggle("low", left < 60);
      if (left === 0) {
        window.clearInterval(handle);
        var submit = document.getElementById("auto-submit");
        if (submit) submit.submit();
      }
    };
    var handle = window.setInterval(tick, 1000);
    tick();
  }
})();
