// Follows the diner's alert live, in words that are always true: "A manager
// has been told" → "Sam is on the way" → "Sam has taken care of it". The
// stream goes on after that while the page is open: a manager may undo a
// resolution made by mistake, and may send an apology with an offer later,
// which the page then shows (it reloads, so the offer is drawn as the
// server draws it, QR code and all). If the stream cannot be opened (the
// server is busy), the page reloads now and then instead, as it does
// without JavaScript, until the alert is resolved.
(function () {
  "use strict";
  var box = document.getElementById("alert-state");
  if (!box || !window.EventSource) return;
  var text = document.getElementById("alert-text");
  var close = document.getElementById("receipt-close");
  var src = new EventSource(box.dataset.events);
  src.addEventListener("state", function (e) {
    var s = JSON.parse(e.data), done = s.state === "resolved";
    box.dataset.state = s.state;
    text.textContent = s.text;
    // Nobody is coming once it is resolved: the page may be closed.
    if (close) close.textContent = done ? close.dataset.done : close.dataset.waiting || close.textContent;
  });
  src.addEventListener("offers", function (e) {
    if (JSON.parse(e.data).state !== box.dataset.offers) location.reload();
  });
  src.onerror = function () {
    if (src.readyState === EventSource.CLOSED && box.dataset.state !== "resolved") {
      setTimeout(function () { location.reload(); }, 30000);
    }
  };
})();
