// Atlas des communs — what the editor shows of the other co-writers: their
// cursor and selection in their colour with their name, and, when asked
// ("Couleurs des auteurs"), who typed which part of the text during the
// session, each part titled with its author's name (not colour alone).
//
// The page's CSP forbids style attributes, so colours are never written
// on elements: each colour gets a class, defined once in a constructed
// stylesheet (document.adoptedStyleSheets, as CodeMirror's own styles),
// which sets --live-color; public/css/atlas.css does the rest.
import { ViewPlugin, Decoration, WidgetType } from "@codemirror/view";
import { StateEffect } from "@codemirror/state";
import * as Y from "yjs";

const SEED_CLIENT = 1;
const refresh = StateEffect.define();

export function refreshDecorations(view) {
  if (view) {
    view.dispatch({ effects: refresh.of(null) });
  }
}

let sheet = null;
const classes = new Map();

// colourClass names the class that gives an element the colour (a
// "#rrggbb" from the server; anything else gets the neutral one).
export function colourClass(color) {
  const m = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(color || "");
  if (!m) {
    return "live-c-none";
  }
  const key = m[1].toLowerCase();
  if (!classes.has(key)) {
    if (!sheet && window.CSSStyleSheet && "adoptedStyleSheets" in document) {
      try {
        sheet = new CSSStyleSheet();
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      } catch (e) {
        sheet = null;
      }
    }
    if (sheet) {
      sheet.insertRule(".live-c-" + key + " { --live-color: #" + key + "; }", sheet.cssRules.length);
    }
    classes.set(key, "live-c-" + key);
  }
  return classes.get(key);
}

class Caret extends WidgetType {
  constructor(cls, name) {
    super();
    this.cls = cls;
    this.name = name;
  }
  eq(other) {
    return other.cls === this.cls && other.name === this.name;
  }
  toDOM() {
    const caret = document.createElement("span");
    caret.className = "cm-live-caret " + this.cls;
    caret.setAttribute("aria-hidden", "true");
    const name = document.createElement("span");
    name.className = "cm-live-name";
    name.textContent = this.name;
    caret.append(name);
    return caret;
  }
  ignoreEvent() {
    return true;
  }
}

function fill(template, name) {
  return (template || "{name}").split("{name}").join(name);
}

// presence: the extension; opts = { awareness, ytext, authors() (the
// session's clientID -> account map), names (labels), view ({authorsOn}) }.
export function presence(opts) {
  const { awareness, ytext } = opts;
  const doc = ytext.doc;
  return ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.view = view;
        this.decorations = Decoration.none;
        this.onChange = ({ added, updated, removed }) => {
          const others = added.concat(updated, removed).some((c) => c !== doc.clientID);
          if (others) {
            queueMicrotask(() => refreshDecorations(this.view));
          }
        };
        awareness.on("change", this.onChange);
        this.decorations = this.build(view);
      }
      destroy() {
        awareness.off("change", this.onChange);
      }
      update(u) {
        this.share(u);
        this.decorations = this.build(u.view);
      }
      // share tells the others where our cursor is.
      share(u) {
        const state = awareness.getLocalState();
        if (!state || !(u.selectionSet || u.docChanged || u.focusChanged)) {
          return;
        }
        if (!u.view.hasFocus) {
          if (u.focusChanged && state.cursor) {
            awareness.setLocalStateField("cursor", null);
          }
          return;
        }
        const sel = u.state.selection.main;
        const anchor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, sel.anchor));
        const head = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, sel.head));
        const now = JSON.stringify([anchor, head]);
        if (this.last !== now || !state.cursor) {
          this.last = now;
          awareness.setLocalStateField("cursor", { anchor, head });
        }
      }
      build(view) {
        const decos = [];
        const len = view.state.doc.length;
        if (opts.view.authorsOn) {
          this.authorship(decos, len);
        }
        awareness.getStates().forEach((state, client) => {
          if (client === doc.clientID || !state.cursor || !state.user) {
            return;
          }
          const a = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(state.cursor.anchor), doc);
          const h = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(state.cursor.head), doc);
          if (!a || !h || a.type !== ytext || h.type !== ytext || a.index > len || h.index > len) {
            return;
          }
          const cls = colourClass(state.user.color);
          const from = Math.min(a.index, h.index);
          const to = Math.max(a.index, h.index);
          if (to > from) {
            decos.push(Decoration.mark({ class: "cm-live-sel " + cls }).range(from, to));
          }
          decos.push(Decoration.widget({ widget: new Caret(cls, state.user.name || ""), side: h.index > a.index ? -1 : 1 }).range(h.index));
        });
        return Decoration.set(decos, true);
      }
      // authorship marks each run of text by the client that typed it.
      authorship(decos, len) {
        const authors = opts.authors() || {};
        let pos = 0;
        let run = null;
        const flush = () => {
          if (run && run.to > run.from && run.client !== SEED_CLIENT) {
            const a = authors[String(run.client)];
            // A client the session never saw joining: a merge of an
            // outside edit, made by the leader on a copy of the text.
            const title = a ? fill(opts.names.msgWrittenBy, a.name || a.username) : opts.names.msgMergedAuthor;
            decos.push(
              Decoration.mark({
                class: "cm-live-author " + (a ? colourClass(a.color) : "live-c-none"),
                attributes: { title },
              }).range(run.from, Math.min(run.to, len))
            );
          }
        };
        for (let item = ytext._start; item !== null; item = item.right) {
          if (item.deleted || !item.countable) {
            continue;
          }
          const n = item.length;
          if (run && run.client === item.id.client && run.to === pos) {
            run.to += n;
          } else {
            flush();
            run = { client: item.id.client, from: pos, to: pos + n };
          }
          pos += n;
        }
        flush();
      }
    },
    { decorations: (v) => v.decorations }
  );
}
