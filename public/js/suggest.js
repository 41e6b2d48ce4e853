// Atlas des communs — suggestions as you type in the filters of recent
// changes. A field with data-suggest="person" or "sheet" fills its
// <datalist> from /api/v1/suggest, a moment after the last keystroke.
// Without this script the fields are plain: a name, a username, a title
// or an address typed in full works the same.
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams) {
    return;
  }
  var QUIET = 200;
  var fields = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(fields, function (field) {
    var list = document.getElementById(field.getAttribute("list"));
    var timer = 0;
    var asked = "";
    if (!list) {
      return;
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = field.value.trim();
        if (q.length < 2 || q === asked) {
          return;
        }
        asked = q;
        var params = new URLSearchParams({ kind: field.dataset.suggest, q: q });
        fetch("/api/v1/suggest?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            if (field.value.trim() !== q) {
              return; // the reader typed on meanwhile
            }
            list.textContent = "";
            (data.suggestions || []).forEach(function (s) {
              var option = document.createElement("option");
              option.value = s.value;
              option.label = s.label;
              option.textContent = s.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, not a need */ });
      }, QUIET);
    });
  });
})();
