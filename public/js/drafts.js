// Atlas des communs — drafts in the editor. While the text changes, the
// form is posted as the account's draft a few seconds after the last
// keystroke (with the form's own CSRF token), and kept in this browser's
// storage as a second copy until the server has it, for when the server
// cannot be reached or the session has ended. Leaving
// a changed editor asks first. The page works without this script: the
// server offers an existing draft above the editor, and keeps the text of
// a save refused because the session ended.
//
// Live co-writing (vendor/editor/editor.js, "atlas:live" events on the
// form): the session keeps the shared text on the server as it is typed,
// and saves it when the last writer leaves. So while this page is joined
// to a session the text is not what leaving would lose, and while others
// write in it too the session IS the draft: no draft of one's own is sent
// or kept in the browser then (it would hold everyone's words under one
// name, and offer them back against a text that moved on). Alone in a
// session, drafts go on as without it.
(function () {
  "use strict";
  var status = document.getElementById("draft-status");
  var form = status && status.closest("form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var QUIET = 3000; // a draft leaves this long after the last change…
  var AT_MOST = 10000; // …or this long after the first unsent one
  var LOCAL_QUIET = 800;
  var data = status.dataset;
  var key = data.key;
  var base = Number(data.base || 0);
  var serverSavedAt = data.savedAt ? Date.parse(data.savedAt) : 0;
  // The page shows text the server refused to save (a conflict, a field
  // to fix): leaving asks even before anything is typed.
  var unsaved = data.unsaved === "1";
  // The copies of this browser that a save has stored, as the server says.
  var spentCopies = (data.spent || "").split(" ");
  // The server's draft this form last wrote or resumed: autosaves name it,
  // so that another tab's newer draft is not written over, and a save
  // spends that draft and no other.
  var mine = form.elements.namedItem("draft_saved_at");
  var NOT_FIELDS = { _csrf: 1, draft_saved_at: 1, copy: 1, live_session: 1 };
  var live = "off"; // "off", or joined "alone" or "shared" with others

  // fields are the form's values but its CSRF token, in order.
  function fields() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (!NOT_FIELDS[name] && typeof value === "string") {
        out.push([name, value]);
      }
    });
    return out;
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  // notBody: the fields without the text, which a joined session keeps.
  function notBody(pairs) {
    return pairs.filter(function (p) { return p[0] !== "body"; });
  }

  var initial = fields();
  var sent = initial;
  var submitting = false;
  var timer = null;
  var localTimer = null;
  var firstUnsent = 0;
  var inflight = null;

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: the server's copy only
    }
  }
  function readLocal() {
    var s = storage();
    try {
      return s ? JSON.parse(s.getItem(key) || "null") : null;
    } catch (e) {
      return null;
    }
  }
  function writeLocal(synced, copy) {
    var s = storage();
    if (!s) {
      return;
    }
    try {
      s.setItem(key, JSON.stringify({ base: base, fields: fields(), at: Date.now(), synced: synced, submitted: !!copy, copy: copy || "", draft: mine ? mine.value : "" }));
    } catch (e) {
      // full: the server's copy still holds
    }
  }
  function removeLocal() {
    var s = storage();
    if (s) {
      try {
        s.removeItem(key);
      } catch (e) {
        // nothing to do
      }
    }
  }

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }
  // Times are shown as the server shows them: in the atlas's home zone,
  // "9h05" in French.
  var lang = document.documentElement.lang || "fr";
  function clock(d) {
    var parts = {};
    new Intl.DateTimeFormat(lang, { hour: lang === "fr" ? "2-digit" : "numeric", minute: "2-digit", hour12: lang !== "fr", timeZone: "Europe/Paris" })
      .formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    return lang === "fr" ? parts.hour + "h" + parts.minute : parts.hour + ":" + parts.minute + " " + (parts.dayPeriod || "").toLowerCase();
  }
  function when(d) {
    var day = d.toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" });
    return day + (lang === "fr" ? " à " : " at ") + clock(d);
  }

  // send posts the form as the draft, if it changed since the last one.
  function send() {
    clearTimeout(timer);
    timer = null;
    firstUnsent = 0;
    var now = fields();
    if (same(now, sent) || submitting || live === "shared") {
      return;
    }
    var body = new URLSearchParams(new FormData(form));
    inflight = fetch(data.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { Accept: "application/json" }
    }).then(function (r) {
      if (r.ok) {
        return r.json().then(function (j) {
          sent = now;
          if (mine) {
            mine.value = j.saved_at;
          }
          // The server has it: no copy lingers in the browser (a shared
          // computer), unless the text changed meanwhile.
          if (same(fields(), now)) {
            clearTimeout(localTimer);
            removeLocal();
          } else {
            writeLocal(false);
          }
          say(data.msgSaved.replace("%s", clock(new Date(j.saved_at))));
        });
      }
      writeLocal(false);
      if (r.status === 401 || r.status === 403 || r.type === "opaqueredirect") {
        say(data.msgExpired);
      } else if (r.status === 409) {
        return r.json().then(function (j) {
          say(j.error === "draft_changed" ? data.msgChanged : data.msgFull);
        }, function () {
          say(data.msgFull);
        });
      } else {
        say(data.msgLocal);
      }
    }).catch(function () {
      writeLocal(false);
      say(data.msgLocal);
    }).then(function () {
      inflight = null;
    });
  }

  function changed(e) {
    if (live === "shared" || (e && e.detail && e.detail.fromSession)) {
      return;
    }
    clearTimeout(localTimer);
    localTimer = setTimeout(function () {
      writeLocal(false);
    }, LOCAL_QUIET);
    var now = Date.now();
    if (!firstUnsent) {
      firstUnsent = now;
    }
    clearTimeout(timer);
    timer = setTimeout(send, Math.max(0, Math.min(QUIET, firstUnsent + AT_MOST - now)));
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("atlas:live", function (e) {
    var state = e.detail && e.detail.state;
    if (state === "joined" && live === "off") {
      // The editor now shows the session's text: that is the starting point,
      // and the changes its arrival fired were nobody's typing.
      initial = fields();
      sent = initial;
      clearTimeout(timer);
      clearTimeout(localTimer);
      timer = null;
      firstUnsent = 0;
    }
    live = state === "joined" ? (live === "off" ? "alone" : live) : state;
    if (live === "shared") {
      clearTimeout(timer);
      clearTimeout(localTimer);
      timer = null;
      removeLocal();
      say("");
    }
  });

  // A save leaves without asking. A draft still on its way is waited for,
  // so that it cannot land after the save that spends it.
  form.addEventListener("submit", function (e) {
    clearTimeout(timer);
    clearTimeout(localTimer);
    timer = null;
    if (inflight) {
      e.preventDefault();
      var submitter = e.submitter;
      inflight.then(function () {
        if (form.requestSubmit) {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
      });
      return;
    }
    submitting = true;
    // The copy kept while the save travels is named in the form: the
    // server tells a later editor page which copies a save stored.
    var copy = form.elements.namedItem("copy");
    if (!copy) {
      copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = "copy";
      form.appendChild(copy);
    }
    copy.value = "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    writeLocal(false, copy.value);
    // Another script may handle this submit in place (a preview): then the
    // editor stays, and leaving it must ask again.
    setTimeout(function () {
      if (e.defaultPrevented) {
        submitting = false;
      }
    }, 0);
  });
  window.addEventListener("beforeunload", function (e) {
    var changedNow = live === "off" ? !same(fields(), initial) : !same(notBody(fields()), notBody(initial));
    if (!submitting && (unsaved || changedNow)) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // fill puts a kept copy's values back into the form.
  function fill(pairs) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "_csrf" || el.name === "section" || el.type === "submit" || el.type === "button") {
        return;
      }
      var values = pairs.filter(function (p) { return p[0] === el.name; }).map(function (p) { return p[1]; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) >= 0;
      } else if (values.length) {
        el.value = values[0];
        if (el.atlasEditor) {
          el.atlasEditor.setText(values[0]);
        }
      }
    });
  }

  // A copy left in this browser that never reached the server (the
  // network was down, the session had ended) is offered; one the server
  // has, or that the server says a save stored, is forgotten.
  var local = readLocal();
  if (local && local.fields) {
    var spent = local.submitted && local.copy && spentCopies.indexOf(local.copy) >= 0;
    var older = serverSavedAt && local.at <= serverSavedAt;
    // The save this copy went with was refused, and the server kept its
    // text as the draft this page shows.
    var kept = local.submitted && data.kept === "1";
    if (local.synced || spent || older || kept || same(local.fields, initial)) {
      removeLocal();
      local = null;
    } else {
      var box = document.getElementById("draft-local");
      var text = document.getElementById("draft-local-text");
      if (box && text) {
        text.textContent = data.msgOffer.replace("%s", when(new Date(local.at)));
        box.hidden = false;
        document.getElementById("draft-local-resume").addEventListener("click", function () {
          fill(local.fields);
          // The copy was written against a server draft: it may replace
          // that one, and no other.
          if (mine && typeof local.draft === "string") {
            mine.value = local.draft;
          }
          box.hidden = true;
          changed();
          var body = form.querySelector("textarea[name=body]");
          if (body && body.atlasEditor) {
            body.atlasEditor.focus();
          } else if (body) {
            body.focus();
          }
        });
        document.getElementById("draft-local-discard").addEventListener("click", function () {
          removeLocal();
          box.hidden = true;
        });
      }
    }
  }
  // Refused text the server could not keep (another tab's draft is there,
  // or too many drafts): this browser keeps it, unless it holds another
  // copy not yet looked at.
  if (unsaved && data.kept !== "1" && !local) {
    writeLocal(false);
  }
})();
