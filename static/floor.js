// The floor tablet, live. New alerts appear at once on the board with a
// chime, a flash and (once the tablet has been touched) a buzz; the page
// never scrolls by itself, and a card out of sight is named in a banner;
// escalated ones go to the top; the count is in the title; "On my way" and
// "Resolve" act without a page load, and Resolve says what it did, with Undo
// for ten seconds. The connection's state is always shown, gaps in the event
// ids are caught up, and the screen is kept awake. The switches keep their
// place (nothing moves as they are filled in). Without this script the page
// still works, with a manual refresh.
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
  var toast = document.getElementById("toast");
  var toastText = document.getElementById("toast-text");
  var toastUndo = document.getElementById("toast-undo");
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
  // Off is a choice, shown plainly; only a problem is shown as one.
  function showNotify(on, problem) {
    notifyButton.classList.remove("pending");
    notifyButton.setAttribute("aria-pressed", on ? "true" : "false");
    notifyButton.classList.toggle("warn", !!problem);
    notifyButton.textContent = problem || (on ? "\u2713 Phone notified" : "Notify this phone");
    notifyButton.title = notifyButton.textContent;
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
      notifyButton.classList.remove("warn"); // a fact about the browser, not a fault
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
    soundButton.classList.remove("pending");
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    soundButton.classList.toggle("warn", soundOn && !running); // wanted, but the browser holds it back
    soundButton.textContent = !soundOn ? "\u266A Sound off" : running ? "\u266A Sound on" : "\u266A Tap to allow sound";
    soundButton.title = !soundOn ? "Sound is off: tap to turn it on" : soundButton.textContent;
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
    wakeButton.classList.remove("pending");
    wakeButton.classList.toggle("warn", !on);
    wakeButton.textContent = on ? "\u2600 Screen stays on" : "\u263E Screen may sleep";
    wakeButton.title = on ? wakeButton.textContent : why || "The screen may sleep: tap to keep it on";
  }
  function keepAwake() {
    if (!navigator.wakeLock) {
      showWake(false, "This browser cannot keep the screen on: set the tablet never to sleep");
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
    var opener = from.querySelector(".opener");
    if (opener && opener.checked) to.querySelector(".opener").checked = true;
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
      if (ev.done) say_done(ev.done, ev.undo);
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
    // An offer sent or used changes no card in sight: every tablet is told.
    if (ev.note) say_done(ev.note, "");
    count();
    tick();
  }

  function announce(card) {
    card.classList.add("flash");
    chime();
    // A browser lets a page vibrate only once it has been touched.
    var touched = navigator.userActivation && navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && touched) navigator.vibrate([200, 100, 200]);
    reveal(card);
  }

  // What a resolution did, for ten seconds, with Undo: a tap on the wrong
  // card is seen and taken back at once. An offer's news shows the same way,
  // with nothing to undo.
  var toastTimer = null;
  function say_done(text, undo) {
    toastText.textContent = text;
    toastUndo.hidden = !undo;
    if (undo) toastUndo.action = undo;
    toastUndo.querySelector("button").disabled = false;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, 10000);
  }
  if (!toast.hidden) toastTimer = setTimeout(function () { toast.hidden = true; }, 10000); // a plain form's Resolve
  toastUndo.addEventListener("submit", function (e) {
    e.preventDefault();
    var button = toastUndo.querySelector("button");
    button.disabled = true;
    fetch(toastUndo.action, { method: "POST", body: new FormData(toastUndo), credentials: "same-origin",
      headers: { Accept: "application/json" } })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.error || "Not undone. Try again.");
          clearTimeout(toastTimer);
          toast.hidden = true;
          apply({ alert: body.alert, state: body.state, html: body.html, kind: "" });
        });
      })
      .catch(function (err) {
        button.disabled = false;
        toastText.textContent = err instanceof TypeError ? "Not undone: this tablet is offline. Tap again." : err.message;
      });
  });

  // The page never scrolls by itself: a new card out of sight (the manager
  // is further down the page) is named in a banner, which takes them to it.
  var pending = null;
  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }
  function reveal(card) {
    if (inView(card.querySelector(".head"))) return;
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
    // One card open at a time on a crowded board.
    Array.prototype.forEach.call(root.querySelectorAll(".opener"), function (opener) {
      opener.addEventListener("change", function () {
        if (!opener.checked) return;
        Array.prototype.forEach.call(list.querySelectorAll(".opener:checked"), function (o) {
          if (o !== opener) o.checked = false;
        });
      });
    });
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
              apply({ alert: body.alert, state: body.state, html: body.html, kind: "", done: body.done, undo: body.undo });
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
      el.textContent = m + ":" + String(s % 60).padStart(2, "0"); // as the server writes it (views.waitingClock)
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
    live.classList.toggle("pending", !on);
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
    target.querySelector(".opener").checked = true;
    target.classList.add("flash");
  }
  setInterval(tick, 1000);
  connect();
})();
