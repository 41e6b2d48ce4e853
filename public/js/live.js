// Atlas des communs — live news on the edit page: who else has the editor
// open, and a new version saved by someone else while you write. The page
// works without it; a save from a stale form is merged or shown as a
// conflict anyway. Messages go in as text, never as HTML.
(function () {
  "use strict";
  var el = document.getElementById("live");
  if (!el || !window.EventSource) {
    return;
  }
  var editors = {};
  var news = "";

  function render() {
    // The page joined live co-writing: its own panel says who is there.
    if (el.dataset.cowriting === "1") {
      el.hidden = true;
      return;
    }
    var lines = news ? [news] : [];
    var now = Date.now();
    Object.keys(editors).forEach(function (id) {
      if (now - editors[id].at < 60000) {
        lines.push(el.dataset.editing.replace("{name}", editors[id].name));
      } else {
        delete editors[id];
      }
    });
    el.textContent = lines.join(" · ");
    el.hidden = lines.length === 0;
  }

  var source = new EventSource(el.dataset.source);
  source.addEventListener("revision", function (ev) {
    var e = JSON.parse(ev.data);
    news = el.dataset.saved.replace("{name}", e.name || "?").replace("{n}", String(e.revision));
    render();
  });
  source.addEventListener("decision", function () {
    news = el.dataset.decision;
    render();
  });
  source.addEventListener("presence", function (ev) {
    var e = JSON.parse(ev.data);
    editors[e.user_id] = { name: e.name || "?", at: Date.now() };
    render();
  });
  setInterval(render, 15000);
})();
