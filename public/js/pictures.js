// Atlas des communs — pictures in the sheet editor. The page's upload form
// (#pictures) works without this script: it posts the file and comes back
// to the editor, whose list shows the Markdown to copy. With it, the form
// is sent by fetch to POST /api/v1/sheets/{slug}/media (the session and
// its CSRF token), and the Markdown that shows the picture goes in the text
// at the cursor. A file dropped on the text, or a picture pasted
// into it (a screenshot, an image copied from another program), fills the
// form: the picture is sent once it has a description, which blind readers
// hear instead.
// With the CodeMirror editor (vendor/editor/editor.js), the text is reached
// through the hidden textarea's atlasEditor object.
(function () {
  "use strict";
  var section = document.getElementById("pictures");
  var area = document.querySelector("form.editor textarea[name=body]");
  var form = section && section.querySelector("form.picture-form");
  if (!section || !area || !form || !window.fetch || !window.FormData) {
    return;
  }
  var file = form.querySelector("input[type=file]");
  var alt = form.querySelector("input[name=alt]");
  var status = form.querySelector(".picture-status");
  var list = section.querySelector("[data-picture-list]");
  var data = section.dataset;
  var ed = area.atlasEditor || null;
  // The element people type in: the editor's, or the textarea.
  var target = ed ? ed.dom : area;
  function val() {
    return ed ? ed.value() : area.value;
  }
  // Where the picture goes: the cursor when the text was left.
  var at = { start: val().length, end: val().length };

  function remember() {
    at = ed ? ed.selection() : { start: area.selectionStart, end: area.selectionEnd };
  }
  target.addEventListener(ed ? "focusout" : "blur", remember);
  target.addEventListener("keyup", remember);
  target.addEventListener("click", remember);

  function say(text) {
    status.textContent = text;
  }

  // insert puts the picture's Markdown at the remembered cursor, on its
  // own paragraph, through the browser's editing so that Ctrl+Z takes it
  // back; editor.js and drafts.js hear the input event.
  function insert(markdown) {
    var v = val();
    var start = Math.min(at.start, v.length);
    var end = Math.min(at.end, v.length);
    var before = start === 0 || v.slice(Math.max(0, start - 2), start) === "\n\n" ? "" : v.charAt(start - 1) === "\n" ? "\n" : "\n\n";
    var next = v.slice(end, end + 2);
    // Before the text's last line end, nothing more: no blank line left
    // trailing after the picture.
    var after = next === "\n\n" || v.slice(end) === "\n" ? "" : next.charAt(0) === "\n" || end === v.length ? "\n" : "\n\n";
    var text = before + markdown + after;
    var caret = start + text.length;
    if (ed) {
      ed.replace(start, end, text);
      at = { start: caret, end: caret };
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
    area.setSelectionRange(caret, caret);
    at = { start: caret, end: caret };
  }

  function escapeAlt(s) {
    return s.replace(/[\[\]\\]/g, "\\$&");
  }

  function listed(picture, markdown) {
    var li = document.createElement("li");
    li.id = "picture-" + picture.sha256.slice(0, 12);
    var img = document.createElement("img");
    img.src = picture.width > 320 ? picture.url + "?w=320" : picture.url;
    img.alt = picture.alt;
    img.loading = "lazy";
    var code = document.createElement("code");
    code.textContent = markdown;
    var span = document.createElement("span");
    span.className = "picture-code";
    span.appendChild(code);
    li.appendChild(img);
    li.appendChild(span);
    var old = document.getElementById(li.id);
    if (old) {
      old.replaceWith(li);
    } else {
      list.appendChild(li);
    }
  }

  function send() {
    if (!file.files || file.files.length === 0) {
      file.focus();
      return;
    }
    if (alt.value.trim() === "") {
      say(data.altMissing);
      alt.focus();
      return;
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(data.uploading);
    fetch(data.upload, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": data.csrf }
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (resp.status !== 201) {
          throw new Error(body.message || data.failed);
        }
        var markdown = "![" + escapeAlt(body.alt) + "](" + body.url + ")";
        insert(markdown);
        listed(body, markdown);
        form.reset();
        say(data.inserted);
      });
    }).catch(function (err) {
      say(err && err.message ? err.message : data.failed);
    }).then(function () {
      button.disabled = false;
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    send();
  });

  // A button in the editor's toolbar opens the file chooser.
  var toolbar = document.querySelector("[data-md-toolbar]");
  if (toolbar) {
    var add = document.createElement("button");
    add.type = "button";
    add.textContent = data.add;
    add.setAttribute("data-picture-add", "");
    add.addEventListener("click", function () {
      remember();
      section.scrollIntoView({ block: "nearest" });
      file.click();
    });
    toolbar.appendChild(add);
  }
  // A chosen file with its description already typed leaves at once;
  // otherwise the description is asked for.
  file.addEventListener("change", function () {
    if (file.files && file.files.length > 0) {
      if (alt.value.trim() === "") {
        say(data.altMissing);
        alt.focus();
      } else {
        send();
      }
    }
  });

  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0;
  }
  // Caught on the way down: CodeMirror would put a dropped file's bytes
  // in the text.
  target.addEventListener("dragover", function (e) {
    if (hasFiles(e)) {
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = "copy";
    }
  }, true);
  target.addEventListener("drop", function (e) {
    if (!hasFiles(e) || e.dataTransfer.files.length === 0) {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (ed) {
      // The caret goes where the file fell, as for dropped text: the
      // focus leaving for the description then remembers that place.
      var pos = ed.view.posAtCoords({ x: e.clientX, y: e.clientY });
      if (pos !== null) {
        ed.view.dispatch({ selection: { anchor: pos } });
      }
      at = ed.selection();
    } else {
      remember();
    }
    file.files = e.dataTransfer.files;
    file.dispatchEvent(new Event("change"));
  }, true);
  // A pasted picture behaves as a dropped one, at the cursor. A clipboard
  // that also holds text (a word processor puts a picture of the copied
  // cells or lines next to them) is pasted as text, as the person meant.
  target.addEventListener("paste", function (e) {
    var cb = e.clipboardData;
    if (!cb || !cb.files || cb.files.length === 0 || Array.prototype.indexOf.call(cb.types, "text/plain") >= 0) {
      return;
    }
    var picture = null;
    for (var i = 0; i < cb.files.length && !picture; i++) {
      if (/^image\//.test(cb.files[i].type)) {
        picture = cb.files[i];
      }
    }
    if (!picture || typeof DataTransfer !== "function") {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    remember();
    var one = new DataTransfer();
    one.items.add(picture);
    file.files = one.files;
    file.dispatchEvent(new Event("change"));
  }, true);
  var described = ed ? ed.view.contentDOM : area;
  described.setAttribute("aria-describedby", ((described.getAttribute("aria-describedby") || "") + " picture-drop-hint").trim());
  var hint = document.createElement("span");
  hint.className = "hint";
  hint.id = "picture-drop-hint";
  hint.textContent = data.drop;
  target.insertAdjacentElement("afterend", hint);
}());
