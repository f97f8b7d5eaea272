// Follows the diner's alert live, in words that are always true: "A manager
// has been told" → "Sam is on the way" → "Sam has taken care of it". The
// server ends the stream once the alert is resolved; as a manager may undo a
// resolution made by mistake (store.UndoWindow), the page looks again twice
// after that. If the stream cannot be opened (the server is busy), the page
// reloads now and then instead, as it does without JavaScript.
(function () {
  "use strict";
  var box = document.getElementById("alert-state");
  if (!box || !window.EventSource) return;
  var text = document.getElementById("alert-text");
  var close = document.getElementById("receipt-close");
  var again = [15000, 125000];
  function follow() {
    var src = new EventSource(box.dataset.events);
    src.addEventListener("state", function (e) {
      var s = JSON.parse(e.data), done = s.state === "resolved";
      box.dataset.state = s.state;
      text.textContent = s.text;
      // Nobody is coming once it is resolved: the page may be closed.
      if (close) close.textContent = done ? close.dataset.done : close.dataset.waiting || close.textContent;
      if (done) {
        src.close();
        if (again.length) setTimeout(follow, again.shift());
      }
    });
    src.onerror = function () {
      if (src.readyState === EventSource.CLOSED && box.dataset.state !== "resolved") {
        setTimeout(function () { location.reload(); }, 30000);
      }
    };
  }
  follow();
})();
