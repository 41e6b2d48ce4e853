// Atlas des communs — writing aids for the sheet editor: a toolbar that
// inserts Markdown at the cursor or around the selection, and a preview in
// place ("Écrire / Aperçu") drawn by POST /api/v1/preview. The page works
// without it: the toolbar and the modes stay hidden, and "Prévisualiser"
// submits the form to the server, which shows the rendering below the text.
// When the CodeMirror editor is there (public/src/editor, bundled into
// vendor/editor/editor.js), the textarea is hidden and reached through its
// atlasEditor object; otherwise the textarea is the editor.
(function () {
  "use strict";
  var form = document.querySelector("form.editor");
  var area = form && form.querySelector("textarea[name=body]");
  var panel = document.getElementById("preview");
  if (!area || !panel) {
    return;
  }
  var toolbar = form.querySelector("[data-md-toolbar]");
  var modes = form.querySelector("[data-editor-modes]");
  var previewButton = form.querySelector("button[name=action][value=preview]");
  var csrf = form.querySelector("input[name=_csrf]");
  var output = panel.querySelector(".preview-body");
  var status = panel.querySelector(".preview-status");
  // Must match previewIDPrefix in internal/web/preview.go.
  var idPrefix = "apercu-";

  // --- The text and its selection, in whichever editor -------------------

  function ed() {
    return area.atlasEditor || null;
  }
  function val() {
    return ed() ? ed().value() : val();
  }
  function sel() {
    return ed() ? ed().selection() : { start: sel().start, end: sel().end };
  }
  function focusText() {
    if (ed()) {
      ed().focus();
    } else {
      area.focus();
    }
  }

  // --- Inserting Markdown -------------------------------------------------

  // replace puts text in place of value[start:end] through the browser's
  // own editing, so that Ctrl+Z takes it back, then selects
  // [start+from, start+to) of the result.
  function replace(start, end, text, from, to) {
    if (ed()) {
      ed().replace(start, end, text, from, to);
      return;
    }
    area.focus();
    area.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (e) {
      done = false;
    }
    if (!done) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    area.setSelectionRange(start + from, start + to);
  }

  function lineStart(v, i) {
    return v.lastIndexOf("\n", i - 1) + 1;
  }

  function lineEnd(v, i) {
    var n = v.indexOf("\n", i);
    return n < 0 ? v.length : n;
  }

  // blankBefore is what a block inserted at i needs so that an empty line
  // separates it from the text above.
  function blankBefore(v, i) {
    if (i === 0 || v.slice(Math.max(0, i - 2), i) === "\n\n") {
      return "";
    }
    return v.charAt(i - 1) === "\n" ? "\n" : "\n\n";
  }

  // blankAfter: the same below a block ending at i.
  function blankAfter(v, i) {
    if (i >= v.length) {
      return "\n";
    }
    if (v.slice(i, i + 2) === "\n\n") {
      return "";
    }
    return v.charAt(i) === "\n" ? "\n" : "\n\n";
  }

  // wrap surrounds the selection (spaces left outside) with a marker, or
  // inserts the sample, selected so that typing replaces it.
  function wrap(marker, sample) {
    var v = val();
    var s = sel().start;
    var e = sel().end;
    while (s < e && /\s/.test(v.charAt(s))) {
      s++;
    }
    while (e > s && /\s/.test(v.charAt(e - 1))) {
      e--;
    }
    var inner = v.slice(s, e) || sample;
    replace(s, e, marker + inner + marker, marker.length, marker.length + inner.length);
  }

  function link(sample) {
    var v = val();
    var s = sel().start;
    var e = sel().end;
    var label = v.slice(s, e);
    var address = "https://";
    if (label) {
      // The text is there: what is left to type is the address.
      var text = "[" + label + "](" + address + ")";
      replace(s, e, text, label.length + 3, label.length + 3 + address.length);
    } else {
      replace(s, e, "[" + sample + "](" + address + ")", 1, 1 + sample.length);
    }
  }

  // prefixLines puts prefix before each non-empty line of the selection, or
  // starts a new line with the sample when the cursor is on an empty one.
  function prefixLines(prefix, sample, strip) {
    var v = val();
    var s = lineStart(v, sel().start);
    var end = sel().end;
    if (end > sel().start && v.charAt(end - 1) === "\n") {
      end--;
    }
    var e = lineEnd(v, end);
    var block = v.slice(s, e);
    if (block.trim() === "") {
      var before = blankBefore(v, s);
      replace(s, e, before + prefix + sample, before.length + prefix.length, before.length + prefix.length + sample.length);
      return;
    }
    var lines = block.split("\n").map(function (line) {
      return line.trim() === "" ? line : prefix + line.replace(strip, "");
    });
    var text = lines.join("\n");
    replace(s, e, text, 0, text.length);
  }

  function heading(sample) {
    var v = val();
    var s = lineStart(v, sel().start);
    var e = lineEnd(v, sel().start);
    var line = v.slice(s, e).replace(/^\s*#*\s*/, "");
    var before = blankBefore(v, s);
    var after = e < v.length && v.slice(e, e + 2) !== "\n\n" ? "\n" : "";
    var title = line || sample;
    replace(s, e, before + "## " + title + after, before.length + 3, before.length + 3 + title.length);
  }

  function table(skeleton) {
    var v = val();
    var s = sel().start;
    var e = sel().end;
    if (s > 0 && v.charAt(s - 1) !== "\n") {
      // Tables start on a line of their own: after the current line.
      s = e = lineEnd(v, e);
    }
    var before = blankBefore(v, s);
    var after = blankAfter(v, e);
    var first = skeleton.indexOf("|") + 2;
    var cell = skeleton.slice(first, skeleton.indexOf(" |", first));
    replace(s, e, before + skeleton + after, before.length + first, before.length + first + cell.length);
  }

  // note puts a footnote mark after the selection and its definition at the
  // end of the text, numbered after the text's largest one; the
  // definition's sample is left selected.
  function note(sample) {
    var n = 0;
    var re = /\[\^(\d+)\]/g;
    var m;
    while ((m = re.exec(val())) !== null) {
      n = Math.max(n, parseInt(m[1], 10));
    }
    var mark = "[^" + (n + 1) + "]";
    var at = sel().end;
    replace(at, at, mark, mark.length, mark.length);
    var v = val();
    var sep = /\n\n$/.test(v) ? "" : /\n$/.test(v) ? "\n" : "\n\n";
    var def = sep + mark + ": " + sample + "\n";
    replace(v.length, v.length, def, sep.length + mark.length + 2, sep.length + mark.length + 2 + sample.length);
  }

  var tools = {
    heading: function (b) { heading(b.dataset.sample); },
    bold: function (b) { wrap("**", b.dataset.sample); },
    italic: function (b) { wrap("*", b.dataset.sample); },
    link: function (b) { link(b.dataset.sample); },
    list: function (b) { prefixLines("- ", b.dataset.sample, /^\s*([-*+]|\d+[.)])\s+/); },
    quote: function (b) { prefixLines("> ", b.dataset.sample, /^(\s*>)+\s?/); },
    table: function (b) { table(b.dataset.sample); },
    note: function (b) { note(b.dataset.sample); }
  };

  if (toolbar) {
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-md]"));
    // One stop in the Tab order, arrows within: the toolbar pattern.
    buttons.forEach(function (b, i) {
      b.tabIndex = i === 0 ? 0 : -1;
    });
    toolbar.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-md]");
      if (b && tools[b.dataset.md]) {
        tools[b.dataset.md](b);
      }
    });
    toolbar.addEventListener("keydown", function (ev) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) {
        return;
      }
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[ev.key];
      if (next === undefined) {
        return;
      }
      ev.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
    // Caught on the way down, before CodeMirror's own keys (Ctrl+I).
    (ed() ? ed().dom : area).addEventListener("keydown", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey) {
        return;
      }
      var key = { b: "bold", i: "italic", k: "link" }[ev.key.toLowerCase()];
      var b = key && toolbar.querySelector('button[data-md="' + key + '"]');
      if (b) {
        ev.preventDefault();
        ev.stopPropagation();
        tools[key](b);
      }
    }, true);
    toolbar.hidden = false;
  }

  // --- Preview in place ---------------------------------------------------

  var requests = 0;

  function say(text) {
    status.textContent = text;
    status.hidden = text === "";
  }

  // scope gives the preview's ids the prefix the server's preview uses, so
  // they cannot collide with the form's own (a section named "Contact").
  function scope(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[id]"), function (el) {
      el.id = idPrefix + el.id;
    });
    Array.prototype.forEach.call(root.querySelectorAll('a[href^="#"]'), function (a) {
      a.setAttribute("href", "#" + idPrefix + a.getAttribute("href").slice(1));
    });
  }

  function draw() {
    var mine = ++requests;
    output.textContent = "";
    say(panel.dataset.loading);
    fetch("/api/v1/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf ? csrf.value : "" },
      body: JSON.stringify({ body: val() })
    }).then(function (resp) {
      if (!resp.ok) {
        throw resp.status;
      }
      return resp.json();
    }).then(function (data) {
      if (mine !== requests) {
        return;
      }
      // Sanitized by the server (goldmark, then bluemonday), like the sheet
      // page; the CSP forbids inline script besides.
      output.innerHTML = data.html;
      scope(output);
      say(data.html ? "" : panel.dataset.empty);
    }).catch(function (st) {
      if (mine !== requests) {
        return;
      }
      output.textContent = "";
      say(st === 401 || st === 403 ? panel.dataset.session : panel.dataset.failed);
    });
  }

  function setMode(preview) {
    if (modes) {
      Array.prototype.forEach.call(modes.querySelectorAll("button[data-mode]"), function (b) {
        b.setAttribute("aria-pressed", String((b.dataset.mode === "preview") === preview));
      });
    }
    if (ed()) {
      ed().setHidden(preview);
    } else {
      area.hidden = preview;
    }
    if (toolbar) {
      toolbar.hidden = preview;
    }
    panel.hidden = !preview;
    if (preview) {
      draw();
    }
  }

  if (modes) {
    modes.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-mode]");
      if (!b) {
        return;
      }
      setMode(b.dataset.mode === "preview");
      if (b.dataset.mode === "write") {
        focusText();
      }
    });
    modes.hidden = false;
  }

  if (previewButton) {
    previewButton.addEventListener("click", function (ev) {
      ev.preventDefault();
      setMode(true);
      panel.focus({ preventScroll: true });
      panel.scrollIntoView({ block: "start" });
    });
  }
}());
