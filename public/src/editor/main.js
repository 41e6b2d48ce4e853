// Atlas des communs — the sheet editor: CodeMirror 6 in place of the
// form's textarea[name=body], and, on a sheet's editing page, live
// co-writing through Yjs (live.js). Bundled by `make assets` (esbuild)
// into public/vendor/editor/editor.js; without it the textarea is the
// editor, and the page works without JavaScript at all.
//
// The textarea stays in the form, hidden, and always holds the editor's
// text: it is what the form submits. Our other scripts (public/js/
// editor.js, drafts.js, pictures.js) reach the editor through
// textarea.atlasEditor (see api below); a script that sets the textarea's
// value and fires "input" on it has its text taken into the editor.
import { EditorState, Compartment } from "@codemirror/state";
import { EditorView, keymap, drawSelection, highlightActiveLine, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, HighlightStyle } from "@codemirror/language";
import { markdown } from "@codemirror/lang-markdown";
import { tags } from "@lezer/highlight";
import { ySyncAnnotation } from "y-codemirror.next";
import { startLive } from "./live.js";
import { applyTextDiff } from "./diff.js";
import { styleUnderCSP } from "./styles.js";

const area = document.querySelector("form.editor textarea[name=body]");
if (area && !area.atlasEditor) {
  setup(area);
}

function setup(area) {
  styleUnderCSP();
  const form = area.form;
  const history_ = new Compartment();
  const collab = new Compartment();
  const editable = new Compartment();
  let writing = false; // the editor is writing the textarea: ignore its own events

  // The textarea follows every change of the editor, and tells the other
  // scripts through an "input" event, as typing in it would.
  const follow = EditorView.updateListener.of((u) => {
    if (!u.docChanged) {
      return;
    }
    const text = u.state.doc.toString();
    if (area.value !== text) {
      writing = true;
      area.value = text;
      // A change that came through the live session (someone else's
      // typing, a merge the server asked for) is not this person's: the
      // event says so, for the drafts not to keep it as theirs.
      const fromSession = u.transactions.length > 0 && u.transactions.every((tr) => tr.annotation(ySyncAnnotation) !== undefined);
      area.dispatchEvent(new CustomEvent("input", { bubbles: true, detail: { fromSession } }));
      writing = false;
    }
  });

  const style = HighlightStyle.define([
    { tag: tags.heading, fontWeight: "700", color: "#155e63" },
    { tag: tags.strong, fontWeight: "700" },
    { tag: tags.emphasis, fontStyle: "italic" },
    { tag: tags.link, color: "#155e63", textDecoration: "underline" },
    { tag: tags.url, color: "#50575e" },
    { tag: tags.quote, color: "#50575e" },
    { tag: tags.monospace, fontFamily: "ui-monospace, monospace" },
    { tag: tags.processingInstruction, color: "#6b4e00" },
  ]);

  const labelledBy = area.labels && area.labels[0] ? area.labels[0].id || (area.labels[0].id = "body-label") : "";
  const view = new EditorView({
    parent: area.parentNode,
    state: EditorState.create({
      doc: area.value,
      extensions: [
        history_.of(history()),
        drawSelection(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        markdown(),
        syntaxHighlighting(style),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        placeholder(area.getAttribute("placeholder") || ""),
        EditorView.contentAttributes.of({
          "aria-labelledby": labelledBy,
          "aria-describedby": area.getAttribute("aria-describedby") || "",
          "aria-multiline": "true",
          role: "textbox",
          lang: document.documentElement.lang || "fr",
          spellcheck: "true",
          autocapitalize: "sentences",
        }),
        EditorView.editorAttributes.of({ class: "atlas-cm" }),
        editable.of([]),
        collab.of([]),
        follow,
      ],
    }),
  });
  area.insertAdjacentElement("afterend", view.dom);
  area.hidden = true;
  area.setAttribute("aria-hidden", "true");
  area.tabIndex = -1;
  // The label now names the editor: a click on it puts the caret there.
  if (area.labels) {
    Array.prototype.forEach.call(area.labels, (l) => {
      l.addEventListener("click", (e) => {
        e.preventDefault();
        view.focus();
      });
    });
  }
  if (area.getAttribute("aria-invalid") === "true") {
    view.dom.classList.add("atlas-cm-invalid");
  }

  // A script (or a test) that writes the textarea and says so has its
  // text taken in, as an edit of the differing part.
  area.addEventListener("input", () => {
    if (writing) {
      return;
    }
    const now = view.state.doc.toString();
    if (area.value !== now) {
      setText(area.value);
    }
  });

  // A value written into the textarea without a word (a test driver's
  // SetValue) is what the form submits: the editor takes it first.
  if (form) {
    form.addEventListener("submit", () => {
      if (area.value !== view.state.doc.toString()) {
        setText(area.value);
      }
    }, true);
  }

  function setText(text) {
    const changes = [];
    applyTextDiff(view.state.doc.toString(), text, (from, to, insert) => {
      changes.push({ from, to, insert });
    });
    if (changes.length) {
      view.dispatch({ changes, userEvent: "input.replace" });
    }
  }

  // api: what our scripts use instead of the textarea's selection.
  const api = {
    view,
    dom: view.dom,
    value: () => view.state.doc.toString(),
    selection: () => {
      const s = view.state.selection.main;
      return { start: s.from, end: s.to };
    },
    // replace puts text in place of [start, end) and selects
    // [start+from, start+to) of the result, one step of Ctrl+Z.
    replace(start, end, text, from, to) {
      const len = view.state.doc.length;
      start = Math.max(0, Math.min(start, len));
      end = Math.max(start, Math.min(end, len));
      view.dispatch({
        changes: { from: start, to: end, insert: text },
        selection: { anchor: start + (from === undefined ? text.length : from), head: start + (to === undefined ? text.length : to) },
        userEvent: "input",
        scrollIntoView: true,
      });
      view.focus();
    },
    setText,
    focus: () => view.focus(),
    setHidden(hidden) {
      view.dom.hidden = hidden;
    },
    setReadOnly(ro) {
      view.dispatch({ effects: editable.reconfigure(ro ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : []) });
    },
    // collab swaps the editor into a shared text: the live module gives
    // its extensions (and the text they start from), or [] to leave it.
    // The text is set first, while nothing is bound, so that it does not
    // travel into the shared document as an edit.
    collab(extensions, text) {
      view.dispatch({ effects: collab.reconfigure([]) });
      if (text !== undefined && text !== view.state.doc.toString()) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, annotations: [] });
      }
      view.dispatch({ effects: [collab.reconfigure(extensions), history_.reconfigure(extensions.length ? [] : history())] });
    },
  };
  area.atlasEditor = api;
  area.dispatchEvent(new CustomEvent("atlas:editor", { bubbles: true }));

  const live = document.getElementById("live-editor");
  if (live && form) {
    startLive(live, form, area, api);
  }
}
