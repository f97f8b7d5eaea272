// Follows the diner's alert live: "A manager has been told" → "Sam is on the
// way" → "Sam has taken care of it". Without JavaScript the page refreshes.
(function () {
  "use strict";
  var box = document.getElementById("alert-state");
  if (!box || !window.EventSource) return;
  var text = document.getElementById("alert-text");
  var src = new EventSource(box.dataset.events);
  src.addEventListener("state", function (e) {
    var s = JSON.parse(e.data);
    box.dataset.state = s.state;
    text.textContent = s.text;
    if (s.state === "resolved") src.close();
  });
})();
