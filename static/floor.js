// The floor tablet, live. New alerts appear at once with a chime, a flash and
// a buzz, and never out of sight; escalated ones go to the top; the count is
// in the title; "On my way" and "Resolve" act without a page load. The
// connection's state is always shown, gaps in the event ids are caught up, and
// the screen is kept awake. Without this script the page still works, with a
// manual refresh.
(function () {
  "use strict";
  var floor = document.getElementById("floor");
  if (!floor || !window.EventSource) return;
  var list = document.getElementById("alerts");
  var empty = document.getElementById("no-alerts");
  var live = document.getElementById("live");
  var conn = document.getElementById("conn");
  var soundButton = document.getElementById("sound");
  var wakeButton = document.getElementById("wake");
  var banner = document.getElementById("new-banner");
  var slug = floor.dataset.slug;
  var prefs = storage();

  // Remembered on this tablet: localStorage, or nothing where it is refused.
  function storage() {
    try {
      var s = window.localStorage, k = "tableside.test";
      s.setItem(k, k);
      s.removeItem(k);
      return { get: function (k) { return s.getItem(k); }, set: function (k, v) { s.setItem(k, v); } };
    } catch (e) {
      return { get: function () { return null; }, set: function () {} };
    }
  }

  // Installable as an app: the service worker answers when the network is
  // gone, and shows pushes.
  var worker = "serviceWorker" in navigator ?
    navigator.serviceWorker.register("/sw.js", { scope: "/floor" }).then(function () { return navigator.serviceWorker.ready; }) :
    null;
  if (worker) worker.catch(function () {});

  // "Notify this phone": Web Push. The browser asks for permission only when
  // the switch is tapped; the subscription is sent with the CSRF token in a
  // header.
  var notifyButton = document.getElementById("notify");
  function csrf() {
    var el = document.querySelector("input[name=csrf]");
    return el ? el.value : "";
  }
  function showNotify(on, text) {
    notifyButton.hidden = false;
    notifyButton.setAttribute("aria-pressed", on ? "true" : "false");
    notifyButton.classList.toggle("warn", !on);
    notifyButton.textContent = text || (on ? "\u2713 This phone is notified" : "Notify this phone");
  }
  function keyBytes(b64) {
    var s = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(s, function (c) { return c.charCodeAt(0); });
  }
  function postJSON(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), Accept: "application/json" } })
      .then(function (res) {
        return res.json().then(function (b) { if (!res.ok) throw new Error(b.error || res.status); return b; });
      });
  }
  if (notifyButton) {
    if (!worker || !window.PushManager || !window.Notification) {
      showNotify(false, "This browser cannot notify");
      notifyButton.disabled = true;
    } else {
      worker.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
        showNotify(!!sub && Notification.permission === "granted");
      }, function () { showNotify(false); });
      notifyButton.addEventListener("click", function () {
        var on = notifyButton.getAttribute("aria-pressed") === "true";
        notifyButton.disabled = true;
        var done = function () { notifyButton.disabled = false; };
        if (on) {
          worker.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
            if (!sub) return;
            return postJSON(notifyButton.dataset.unsubscribe, { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
          }).then(function () { showNotify(false); }, function (err) { showNotify(true, "Could not turn off: " + err.message); }).then(done);
          return;
        }
        notifyButton.textContent = "Turning on\u2026";
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") throw new Error("blocked");
          return Promise.all([worker, fetch(notifyButton.dataset.key, { credentials: "same-origin" }).then(function (r) { return r.text(); })]);
        }).then(function (both) {
          // The browser's push service may be out of reach (no signal, a
          // blocked network): say so rather than wait for ever.
          return Promise.race([
            both[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(both[1].trim()) }),
            new Promise(function (_, fail) { setTimeout(function () { fail(new Error("this browser's push service did not answer; try again")); }, 20000); })
          ]);
        }).then(function (sub) {
          return postJSON(notifyButton.dataset.subscribe, sub.toJSON());
        }).then(function () { showNotify(true); }, function (err) {
          showNotify(false, err.message === "blocked" ? "Notifications are blocked: allow them in this browser's settings" :
            "Could not turn on: " + err.message);
        }).then(done);
      });
    }
  }

  // The open count in the title, so a tablet on another app still shows it.
  function count() {
    var n = list.children.length;
    document.title = (n ? "(" + n + ") " : "") + floor.dataset.title;
    empty.hidden = n > 0;
  }

  // Sound: the choice is kept across reloads. Browsers let a page play sound
  // only after a tap, so after a reload the first tap anywhere turns it on.
  var audio = null;
  var soundOn = prefs.get("tableside.sound") === "on";
  function showSound() {
    var running = audio && audio.state === "running";
    soundButton.hidden = false;
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    soundButton.classList.toggle("warn", !soundOn || !running);
    soundButton.textContent = !soundOn ? "\u266A Sound off: tap to turn on" : running ? "\u266A Sound on" : "\u266A Tap once to allow sound";
  }
  function unlock() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    audio = audio || new Ctx();
    var p = audio.resume();
    if (p && p.then) p.then(showSound, showSound);
    audio.onstatechange = showSound;
  }
  soundButton.addEventListener("click", function () {
    soundOn = !soundOn;
    prefs.set("tableside.sound", soundOn ? "on" : "off");
    if (soundOn) {
      unlock();
      chime();
    }
    showSound();
  });
  document.addEventListener("pointerdown", function () {
    if (soundOn && (!audio || audio.state !== "running")) unlock();
  }, true);
  if (soundOn) unlock();
  showSound();

  function chime() {
    if (!soundOn || !audio || audio.state !== "running") return;
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

  // The screen stays on while the floor is open (Screen Wake Lock). The lock
  // is released whenever the page is hidden, so it is asked for again.
  var lock = null;
  function showWake(on, why) {
    wakeButton.hidden = false;
    wakeButton.classList.toggle("warn", !on);
    wakeButton.textContent = on ? "\u2600 Screen stays on" : why || "\u263E Screen may sleep: tap to keep it on";
  }
  function keepAwake() {
    if (!navigator.wakeLock) {
      showWake(false, "\u263E Screen may sleep: set the tablet never to sleep");
      return;
    }
    navigator.wakeLock.request("screen").then(function (l) {
      lock = l;
      showWake(true);
      l.addEventListener("release", function () {
        lock = null;
        showWake(false);
      });
    }, function () { showWake(false); });
  }
  wakeButton.addEventListener("click", keepAwake);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !lock) keepAwake();
  });
  keepAwake();

  function fromHTML(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html; // server-rendered by our templates, every value escaped
    return tpl.content.firstElementChild;
  }

  // Escalated cards nobody has taken come first, then the longest waiting.
  function before(a, b) {
    var ua = a.hasAttribute("data-urgent") ? 0 : 1, ub = b.hasAttribute("data-urgent") ? 0 : 1;
    return ua - ub || Number(a.dataset.created) - Number(b.dataset.created);
  }
  function place(card) {
    var next = Array.prototype.find.call(list.children, function (c) { return before(card, c) < 0; });
    list.insertBefore(card, next || null);
  }

  // keepTyped carries what a manager was typing in a card's resolve form
  // over to the card that replaces it.
  function keepTyped(from, to) {
    var open = from.querySelector("details.resolve[open]");
    if (!open) return;
    to.querySelector("details.resolve").open = true;
    Array.prototype.forEach.call(open.querySelectorAll("input[name]"), function (old) {
      if (old.type === "hidden") return;
      var sel = 'details.resolve input[name="' + old.name + '"]' + (old.type === "radio" ? '[value="' + old.value + '"]' : "");
      var now = to.querySelector(sel);
      if (!now) return;
      if (old.type === "radio") now.checked = old.checked;
      else now.value = old.value;
    });
  }

  // apply puts an alert's new state on the floor; a new or escalated one is
  // announced and brought into sight.
  function apply(ev) {
    var old = document.getElementById("alert-" + ev.alert);
    if (ev.state === "resolved" || !ev.html) {
      if (old) old.remove();
    } else {
      var card = fromHTML(ev.html);
      if (old) {
        keepTyped(old, card);
        old.remove();
      }
      place(card);
      bind(card);
      if (ev.kind === "raised" || ev.kind === "escalated") announce(card);
    }
    count();
    tick();
  }

  function announce(card) {
    card.classList.add("flash");
    chime();
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    reveal(card);
  }

  // A new card is never left out of sight: the page scrolls to it, unless the
  // manager is typing, in which case a banner says where it is.
  var pending = null;
  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }
  function typing() {
    var a = document.activeElement;
    return !!(a && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName) && a.type !== "radio" && a.type !== "checkbox");
  }
  function reveal(card) {
    if (inView(card)) return;
    if (!typing()) {
      card.scrollIntoView({ block: "center" });
      return;
    }
    pending = card;
    var up = card.getBoundingClientRect().top < 0;
    banner.textContent = (up ? "\u2B06 " : "\u2B07 ") + "New alert: " + card.dataset.table + ". Tap to see it.";
    banner.hidden = false;
  }
  banner.addEventListener("click", function () {
    if (pending && document.body.contains(pending)) pending.scrollIntoView({ block: "center" });
    banner.hidden = true;
    pending = null;
  });
  window.addEventListener("scroll", function () {
    if (pending && (!document.body.contains(pending) || inView(pending))) {
      banner.hidden = true;
      pending = null;
    }
  }, { passive: true });

  // Forms post in the background and the answer brings the card's new state;
  // a mistake or a lost connection is shown on the card, with what was typed
  // kept, and the manager taps again. Without this script they post as usual.
  function bind(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select.who"), function (who) {
      var saved = prefs.get("tableside.who." + slug);
      if (saved && who.querySelector('option[value="' + saved + '"]')) who.value = saved;
      who.addEventListener("change", function () { prefs.set("tableside.who." + slug, who.value); });
    });
    Array.prototype.forEach.call(root.querySelectorAll("form.act"), function (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        say(form, "");
        fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { Accept: "application/json" } })
          .then(function (res) {
            var json = (res.headers.get("Content-Type") || "").indexOf("application/json") === 0;
            if (!json) throw new Error("Not saved (error " + res.status + "). Reload the page, then try again.");
            return res.json().then(function (body) {
              if (!res.ok) throw new Error(body.error || "Not saved. Try again.");
              apply({ alert: body.alert, state: body.state, html: body.html, kind: "" });
            });
          })
          .catch(function (err) {
            button.disabled = false;
            say(form, err instanceof TypeError ? "Not sent: this tablet is offline. Check the Wi-Fi, then tap again." : err.message);
          });
      });
    });
  }
  function say(form, message) {
    var p = form.querySelector(".err");
    if (!p) {
      p = document.createElement("p");
      p.className = "err";
      p.setAttribute("role", "alert");
      form.insertBefore(p, form.firstChild);
    }
    p.textContent = message;
    p.hidden = !message;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".waiting[data-since]").forEach(function (el) {
      var s = Math.max(0, Math.floor((now - Number(el.dataset.since)) / 1000));
      var m = Math.floor(s / 60);
      el.textContent = "waiting " + m + ":" + String(s % 60).padStart(2, "0");
    });
  }

  // The stream. "Live" shows only while it is open and answering; otherwise a
  // red banner says so. Each event names the one before it: if that is not
  // the last one applied, something was missed, and the tablet reconnects
  // from the last one it has. A stream that goes quiet past its pings is
  // taken for dead and reopened.
  var lastId = Number(floor.dataset.lastEvent) || 0;
  var staleAfter = Number(floor.dataset.staleAfter) || 50000;
  var src = null, heard = Date.now(), retry = null;
  function setLive(on) {
    live.hidden = !on;
    conn.hidden = on;
    document.documentElement.classList.toggle("offline", !on);
  }
  function connect() {
    clearTimeout(retry);
    if (src) src.close();
    heard = Date.now();
    src = new EventSource(floor.dataset.events + "&last=" + lastId);
    src.addEventListener("alert", function (e) {
      heard = Date.now();
      var ev = JSON.parse(e.data), id = Number(e.lastEventId);
      if (id <= lastId) return; // seen already
      if (ev.prev !== lastId) {
        connect(); // a gap: catch up from the last event applied
        return;
      }
      lastId = id;
      apply(ev);
    });
    src.addEventListener("ping", function () { heard = Date.now(); });
    src.addEventListener("reload", function () { location.reload(); });
    src.addEventListener("bye", function () { setLive(false); }); // the server restarts: the browser reconnects
    src.onopen = function () {
      heard = Date.now();
      setLive(true);
    };
    src.onerror = function () {
      setLive(false);
      if (src.readyState === EventSource.CLOSED) retry = setTimeout(connect, 3000);
    };
  }
  setInterval(function () {
    if (Date.now() - heard > staleAfter) {
      setLive(false);
      connect();
    }
  }, 5000);

  bind(document);
  count();
  tick();
  // Opened from a notification: go to its alert.
  var target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.classList.contains("card-alert")) {
    target.scrollIntoView({ block: "center" });
    target.classList.add("flash");
  }
  setInterval(tick, 1000);
  connect();
})();
