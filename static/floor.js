// The floor tablet, live: new alerts appear at once with a chime, a flash and a
// buzz; waiting times tick; "On my way" and "Resolve" act without a reload.
// Without this script the page still works, with a manual refresh.
(function () {
  "use strict";
  var floor = document.getElementById("floor");
  if (!floor || !window.EventSource) return;
  var list = document.getElementById("alerts");
  var empty = document.getElementById("no-alerts");
  var live = document.getElementById("live");
  var soundButton = document.getElementById("sound");
  var audio = null;

  // Browsers allow sound only after a tap: one tap on "Sound on" per shift.
  soundButton.hidden = false;
  soundButton.addEventListener("click", function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    audio = audio || new Ctx();
    audio.resume();
    chime();
    soundButton.textContent = "Sound is on";
    soundButton.disabled = true;
  });

  function chime() {
    if (!audio) return;
    var t = audio.currentTime;
    [880, 1175].forEach(function (freq, i) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.4, t + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.18 + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.18);
      osc.stop(t + i * 0.18 + 0.4);
    });
  }

  function fromHTML(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html; // server-rendered by our templates, every value escaped
    return tpl.content.firstElementChild;
  }

  function place(card) {
    var created = Number(card.dataset.created);
    var next = Array.prototype.find.call(list.children, function (c) {
      return Number(c.dataset.created) > created;
    });
    list.insertBefore(card, next || null);
  }

  function apply(ev) {
    var old = document.getElementById("alert-" + ev.alert);
    if (ev.state === "resolved") {
      if (old) old.remove();
    } else {
      var card = fromHTML(ev.html);
      if (old) {
        var open = old.querySelector("details.resolve[open]");
        if (open) card.querySelector("details.resolve").open = true;
        old.replaceWith(card);
      } else {
        place(card);
      }
      if (ev.kind === "raised" || ev.kind === "escalated") {
        card.classList.add("flash");
        chime();
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      }
      bind(card);
    }
    empty.hidden = list.children.length > 0;
    tick();
  }

  // Forms post in the background; the stream brings the new state. If that
  // fails (offline, an error to show), the form is sent the ordinary way.
  function bind(root) {
    root.querySelectorAll("form.act").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
          .then(function (res) {
            if (res.type !== "opaqueredirect" && !res.ok) throw new Error(res.status);
          })
          .catch(function () { form.submit(); });
      });
    });
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".waiting[data-since]").forEach(function (el) {
      var s = Math.max(0, Math.floor((now - Number(el.dataset.since)) / 1000));
      var m = Math.floor(s / 60);
      el.textContent = "waiting " + m + ":" + String(s % 60).padStart(2, "0");
    });
  }

  bind(document);
  tick();
  setInterval(tick, 1000);

  // The first connection resumes from the event the page was rendered with; on
  // a reconnect the browser sends Last-Event-ID and the server replays the rest.
  var src = new EventSource(floor.dataset.events + "&last=" + floor.dataset.lastEvent);
  src.addEventListener("alert", function (e) { apply(JSON.parse(e.data)); });
  src.onopen = function () { live.hidden = false; live.textContent = "Live"; };
  src.onerror = function () { live.hidden = false; live.textContent = "Reconnecting…"; };
})();
