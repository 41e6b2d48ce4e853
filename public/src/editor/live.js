// Atlas des communs — live co-writing on a sheet's editing page, the
// browser side of docs/live-protocol (notes: one WebSocket per page, JSON
// frames, Yjs updates as base64). The server relays and stores the
// updates without reading them; this page holds a Y.Doc whose Y.Text
// "body" is bound to the editor, shows who is there and where their
// cursor is, and, when it is the session's leader, sends the text
// snapshots, the compacted state and the merges of outside edits.
import * as Y from "yjs";
import { Awareness, encodeAwarenessUpdate, applyAwarenessUpdate, removeAwarenessStates } from "y-protocols/awareness";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { keymap } from "@codemirror/view";
import { Prec, ChangeSet } from "@codemirror/state";
import { toBase64, fromBase64 } from "lib0/buffer";
import { applyToYText, applyTextDiff } from "./diff.js";
import { presence, colourClass, refreshDecorations } from "./presence.js";

const REMOTE = "remote"; // origin of what came from the server
const SEED_CLIENT = 1;
const PING_EVERY = 25000;
const TEXT_QUIET = 1000;
const MERGE_RETRY_MS = 10000; // a merge unanswered this long may be asked again
// Close codes after which coming back would be refused again.
const FINAL = { 4001: true, 4003: true, 4013: true, 4022: true };

export function startLive(panel, form, area, editor) {
  const d = panel.dataset;
  const status = panel.querySelector("[data-live-status]");
  const people = panel.querySelector("[data-live-people]");
  const legend = panel.querySelector("[data-live-legend]");
  const toggle = panel.querySelector("[data-live-authors]");
  const saveButton = form.querySelector("[data-live-save]");
  const saved = form.querySelector("[data-live-saved]");
  const baseField = form.elements.namedItem("base");
  const summary = form.elements.namedItem("summary");

  if (d.hold === "1") {
    // The form holds text of this person's that is not saved (a refused
    // save, a resumed draft, a preview): the shared text would replace it.
    say(d.msgHold);
    panel.hidden = false;
    return;
  }
  if (!window.WebSocket) {
    return;
  }

  let doc = null;
  let ytext = null;
  let awareness = null;
  let ws = null;
  let joined = false; // the current socket's hello has been applied
  let sessionId = null;
  let lastSeq = 0;
  let leader = false;
  let me = null;
  let authors = {};
  let refusal = ""; // the code of the last error frame (review_closed: see onclose)
  let list = [];
  let unacked = []; // our updates sent on this socket, not yet echoed
  let unackedSince = 0;
  let offlineDirty = false; // local changes made while not joined
  let retry = 0;
  let retryTimer = null;
  let pingTimer = null;
  let textTimer = null;
  let lastText = null;
  let stateWanted = false;
  const merges = new Map(); // revision -> {doc: clone awaiting "merged", at: when asked}
  const initialText = area.value;
  let everJoined = false;
  const view = { authorsOn: false };

  function say(text, link) {
    status.textContent = text || "";
    if (link) {
      status.append(" ");
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      status.append(a);
    }
  }
  function label(key, vars) {
    let s = d[key] || "";
    Object.keys(vars || {}).forEach((k) => {
      s = s.split("{" + k + "}").join(String(vars[k]));
    });
    return s;
  }
  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }
  function signal(state) {
    form.dispatchEvent(new CustomEvent("atlas:live", { detail: { state } }));
  }

  // --- The shared document -------------------------------------------------

  // newDoc starts an empty document; id keeps the client id the server
  // knows this page by (from the socket's ?client=).
  function newDoc(id) {
    if (awareness) {
      awareness.destroy();
    }
    if (doc) {
      doc.destroy();
    }
    doc = new Y.Doc();
    if (id) {
      doc.clientID = id;
    }
    ytext = doc.getText("body");
    awareness = new Awareness(doc);
    doc.on("update", (u, origin) => {
      scheduleText();
      if (origin === REMOTE) {
        return;
      }
      if (joined && sendUpdate(u)) {
        return;
      }
      offlineDirty = true;
    });
    awareness.on("update", ({ added, updated, removed }, origin) => {
      if (origin === REMOTE || !joined) {
        return;
      }
      const changed = added.concat(updated, removed).filter((c) => c === doc.clientID);
      if (changed.length) {
        send({ t: "awareness", u: toBase64(encodeAwarenessUpdate(awareness, changed)) });
      }
    });
  }

  function sendUpdate(u) {
    const b = toBase64(u);
    if (send({ t: "update", u: b })) {
      if (!unacked.length) {
        unackedSince = Date.now();
      }
      unacked.push(b);
      return true;
    }
    return false;
  }

  let typedEarly = null;
  function bind() {
    if (!everJoined) {
      typedEarly = editor.value();
    }
    const undo = new Y.UndoManager(ytext);
    editor.collab(
      [
        yCollab(ytext, null, { undoManager: undo }),
        Prec.high(keymap.of(yUndoManagerKeymap)),
        presence({ awareness, ytext, authors: () => authors, names: d, view }),
      ],
      ytext.toString()
    );
  }

  // typedOnto puts what was typed before joining (initialText -> typed)
  // into the shared text, moved over what the session changed meanwhile
  // (initialText -> shared): the two change sets are rebased one on the
  // other, so that neither side's words are lost.
  function typedOnto(typed) {
    const shared = ytext.toString();
    const changes = (to) => {
      const specs = [];
      applyTextDiff(initialText, to, (from, end, insert) => specs.push({ from, to: end, insert }));
      return ChangeSet.of(specs, initialText.length);
    };
    const mine = changes(typed).map(changes(shared));
    const edits = [];
    mine.iterChanges((fromA, toA, fromB, toB, inserted) => edits.push([fromA, toA, inserted.toString()]));
    doc.transact(() => {
      for (let k = edits.length - 1; k >= 0; k--) {
        const [from, to, insert] = edits[k];
        if (to > from) {
          ytext.delete(from, to - from);
        }
        if (insert) {
          ytext.insert(from, insert);
        }
      }
    });
  }

  function seedUpdate(seed) {
    const s = new Y.Doc();
    s.clientID = SEED_CLIENT;
    s.getText("body").insert(0, seed);
    const u = Y.encodeStateAsUpdate(s);
    s.destroy();
    return u;
  }

  // --- Leader duties -------------------------------------------------------

  // settled: every update we sent has come back numbered, so the text is
  // exactly the log up to lastSeq. An echo missing for long (it should not
  // happen) stops holding the leader's duties back: a state or text that
  // holds one update more than its seq is harmless, Yjs skipping repeats.
  function settled() {
    if (unacked.length && Date.now() - unackedSince > 10000) {
      unacked = [];
    }
    return joined && unacked.length === 0;
  }
  function scheduleText() {
    if (!leader) {
      return;
    }
    clearTimeout(textTimer);
    textTimer = setTimeout(sendText, TEXT_QUIET);
  }
  function sendText() {
    textTimer = null;
    if (!leader || !joined) {
      return;
    }
    if (!settled()) {
      textTimer = setTimeout(sendText, 300);
      return;
    }
    const text = ytext.toString();
    const key = lastSeq + ":" + text;
    if (key !== lastText) {
      send({ t: "text", seq: lastSeq, text });
      lastText = key;
    }
  }
  function sendState() {
    if (!leader || !joined || !stateWanted) {
      return;
    }
    if (!settled()) {
      setTimeout(sendState, 300);
      return;
    }
    stateWanted = false;
    send({ t: "state", seq: lastSeq, u: toBase64(Y.encodeStateAsUpdate(doc)) });
  }
  function startMerge(revision) {
    // The server may ask again (a newcomer found the session behind the
    // sheet): one merge per revision, and none of a version already in.
    if (baseField && Number(baseField.value) >= revision) {
      return;
    }
    // A merge asked for and not answered within a while (the answer lost
    // with a connection) may be asked again.
    const pending = merges.get(revision);
    if (pending && Date.now() - pending.at < MERGE_RETRY_MS) {
      return;
    }
    if (pending) {
      pending.doc.destroy();
    }
    const c = new Y.Doc();
    Y.applyUpdate(c, Y.encodeStateAsUpdate(doc));
    merges.set(revision, { doc: c, at: Date.now() });
    send({ t: "merge", revision, text: c.getText("body").toString() });
  }
  function finishMerge(msg) {
    const pending = merges.get(msg.revision);
    merges.delete(msg.revision);
    if (!pending) {
      return;
    }
    const c = pending.doc;
    const before = Y.encodeStateVector(c);
    const t = c.getText("body");
    c.transact(() => applyToYText(t, t.toString(), msg.text));
    // Lands as an edit made concurrently with whatever was typed since.
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(c, before), "merge");
    c.destroy();
    send({ t: "rebased", revision: msg.revision });
  }

  // --- Messages ------------------------------------------------------------

  function hello(msg) {
    if (sessionId === null || msg.session !== sessionId) {
      // First join, or the session we knew ended (saved): start from the
      // server's text, keeping what was typed here meanwhile on top of it.
      const mine = sessionId === null ? null : ytext.toString();
      const keep = sessionId !== null && offlineDirty;
      if (sessionId !== null) {
        newDoc(doc.clientID);
      }
      applyLog(msg);
      if (keep && mine !== ytext.toString()) {
        applyToYText(ytext, ytext.toString(), mine);
      }
      bind();
    } else {
      // Same session again: Yjs skips what it has; what we wrote while
      // away is what the server's log lacks.
      const serverDoc = new Y.Doc();
      applyLog(msg, serverDoc);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(serverDoc), REMOTE);
      const sv = Y.encodeStateVector(serverDoc);
      serverDoc.destroy();
      joined = true;
      if (offlineDirty) {
        sendUpdate(Y.encodeStateAsUpdate(doc, sv));
      }
    }
    joined = true;
    offlineDirty = false;
    sessionId = msg.session;
    leader = !!msg.leader;
    me = msg.you || me;
    authors = msg.authors || {};
    list = msg.participants || [];
    awareness.setLocalStateField("user", { name: me ? me.name || me.username : "", color: me ? me.color : "" });
    setBase(msg.base);
    if (!everJoined) {
      everJoined = true;
      // Text typed before the session answered (a slow network: the
      // editor is writable after a few failed tries) goes in now.
      if (typedEarly !== null && typedEarly !== initialText) {
        typedOnto(typedEarly);
      }
    }
    editor.setReadOnly(false);
    let hidden = form.elements.namedItem("live_session");
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "live_session";
      form.appendChild(hidden);
    }
    hidden.value = String(sessionId);
    retry = 0;
    signal("joined");
    showPeople();
    say(d.msgConnected);
    if (saveButton) {
      saveButton.hidden = false;
    }
    const old = document.getElementById("live");
    if (old) {
      old.dataset.cowriting = "1";
      old.hidden = true;
    }
    lastText = null;
    scheduleText();
  }

  // applyLog applies the hello's seed or log to target (the page's doc by
  // default), the seed also sent as our update.
  function applyLog(msg, target) {
    const into = target || doc;
    lastSeq = 0;
    if (msg.seed !== null && msg.seed !== undefined && (!msg.updates || msg.updates.length === 0)) {
      const u = seedUpdate(msg.seed);
      if (target) {
        Y.applyUpdate(into, u, REMOTE);
      } else {
        joined = true;
        Y.applyUpdate(into, u, "seed"); // sent by the update handler
      }
      return;
    }
    (msg.updates || []).forEach((e) => {
      Y.applyUpdate(into, fromBase64(e.u), REMOTE);
      lastSeq = Math.max(lastSeq, e.seq);
    });
  }

  function setBase(b) {
    if (baseField && b) {
      baseField.value = String(b);
    }
  }

  function onMessage(ev) {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    switch (msg.t) {
      case "hello":
        hello(msg);
        break;
      case "update":
        if (!joined) {
          break;
        }
        if (unacked.length && unacked[0] === msg.u) {
          unacked.shift();
        } else {
          Y.applyUpdate(doc, fromBase64(msg.u), REMOTE);
        }
        lastSeq = Math.max(lastSeq, msg.seq);
        scheduleText();
        break;
      case "awareness":
        if (joined) {
          applyAwarenessUpdate(awareness, fromBase64(msg.u), REMOTE);
        }
        break;
      case "participants":
        list = msg.list || [];
        if (msg.authors) {
          authors = msg.authors;
        }
        showPeople();
        // Newcomers learn where our cursor is.
        if (joined && awareness.getLocalState()) {
          send({ t: "awareness", u: toBase64(encodeAwarenessUpdate(awareness, [doc.clientID])) });
        }
        break;
      case "gone":
        if (awareness && msg.client !== doc.clientID) {
          removeAwarenessStates(awareness, [msg.client], REMOTE);
        }
        break;
      case "leader":
        leader = true;
        lastText = null;
        scheduleText();
        break;
      case "base":
        setBase(msg.revision);
        if (msg.saved && msg.by && (!me || msg.by !== me.username)) {
          say(label("msgBaseSaved", { name: nameOf(msg.by), n: msg.revision }));
        } else if (!msg.saved) {
          say(label("msgMerged", { n: msg.revision }));
        }
        break;
      case "external":
        if (leader) {
          startMerge(msg.revision);
        }
        break;
      case "merged":
        finishMerge(msg);
        break;
      case "compact":
        stateWanted = true;
        sendState();
        break;
      case "error":
        refusal = msg.code || "";
        say(msg.message || d.msgLost);
        break;
      default:
        break;
    }
  }

  function nameOf(username) {
    const p = list.find((x) => x.username === username);
    if (p) {
      return p.name || p.username;
    }
    const a = Object.values(authors).find((x) => x.username === username);
    return a ? a.name || a.username : username;
  }

  // --- Who is there, who wrote what -------------------------------------------

  function chip(color) {
    const c = document.createElement("span");
    c.className = "live-chip " + colourClass(color);
    c.setAttribute("aria-hidden", "true");
    return c;
  }
  function showPeople() {
    people.textContent = "";
    const seen = {};
    list.forEach((p) => {
      if (seen[p.username]) {
        return; // one line per person, whatever their number of tabs
      }
      seen[p.username] = true;
      const li = document.createElement("li");
      li.append(chip(p.color), document.createTextNode(p.name || p.username));
      if (me && p.username === me.username) {
        li.append(document.createTextNode(" " + d.msgYou));
      }
      people.append(li);
    });
    showLegend();
    const others = list.some((p) => !me || p.username !== me.username);
    form.dataset.liveShared = others ? "1" : "";
    signal(others ? "shared" : "alone");
    refreshDecorations(editor.view);
  }
  function showLegend() {
    legend.textContent = "";
    const seen = {};
    Object.keys(authors).forEach((id) => {
      const a = authors[id];
      if (!a || seen[a.username]) {
        return;
      }
      seen[a.username] = true;
      const li = document.createElement("li");
      li.append(chip(a.color), document.createTextNode(a.name || a.username));
      legend.append(li);
    });
    const li = document.createElement("li");
    li.append(chip(""), document.createTextNode(d.msgMergedAuthor));
    legend.append(li);
    legend.hidden = !view.authorsOn;
  }
  toggle.addEventListener("change", () => {
    view.authorsOn = toggle.checked;
    legend.hidden = !toggle.checked;
    refreshDecorations(editor.view);
  });

  // --- Saving a version ------------------------------------------------------

  if (saveButton) {
    saveButton.addEventListener("click", () => {
      if (!sessionId) {
        return;
      }
      saveButton.disabled = true;
      saved.textContent = d.msgSaving;
      const body = new URLSearchParams(new FormData(form));
      body.set("live_session", String(sessionId));
      body.delete("action");
      // Not form.action: the preview button, named "action", hides it.
      fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      })
        .then((r) =>
          r.json().catch(() => ({})).then((j) => {
            saved.textContent = "";
            if (r.status === 201 || r.status === 200) {
              setBase(j.revision);
              saved.append(label("msgSaved", { n: j.revision }) + " ");
              const a = document.createElement("a");
              a.href = j.url || "#";
              a.textContent = d.msgSee;
              saved.append(a);
              if (summary) {
                summary.value = "";
              }
              form.dispatchEvent(new CustomEvent("atlas:live-saved", { detail: j }));
            } else {
              saved.textContent = j.message || d.msgSaveFailed;
            }
          })
        )
        .catch(() => {
          saved.textContent = d.msgSaveFailed;
        })
        .then(() => {
          saveButton.disabled = false;
        });
    });
  }

  // --- The socket --------------------------------------------------------------

  function connect() {
    retryTimer = null;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const url = proto + "//" + location.host + d.socket + "?client=" + doc.clientID;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      later();
      return;
    }
    ws = socket;
    socket.onmessage = (ev) => {
      if (socket === ws) {
        onMessage(ev);
      }
    };
    socket.onopen = () => {
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ t: "ping" }), PING_EVERY);
    };
    socket.onclose = (ev) => {
      if (socket !== ws) {
        return;
      }
      clearInterval(pingTimer);
      if (joined && unacked.length) {
        offlineDirty = true;
      }
      joined = false;
      unacked = [];
      ws = null;
      form.dataset.liveShared = "";
      signal("off");
      if (awareness) {
        // Others' cursors are stale from now on.
        const others = Array.from(awareness.getStates().keys()).filter((c) => c !== doc.clientID);
        removeAwarenessStates(awareness, others, REMOTE);
      }
      if (FINAL[ev.code]) {
        // A review decided or closed while its amendment was written: the
        // page says what becomes of the shared text.
        say(ev.reason || (refusal === "review_closed" && d.msgReviewClosed) || d.msgRefused);
        if (saveButton) {
          saveButton.hidden = true;
        }
        if (!everJoined) {
          editor.setReadOnly(false);
        }
        return;
      }
      later();
    };
  }
  function later() {
    if (retryTimer) {
      return;
    }
    const wait = Math.min(30000, 1000 * Math.pow(2, retry)) * (0.75 + Math.random() * 0.5);
    retry++;
    say(everJoined ? d.msgLost : d.msgConnecting);
    if (!everJoined) {
      // No session yet: write alone meanwhile; what is typed joins later.
      editor.setReadOnly(false);
    }
    retryTimer = setTimeout(connect, wait);
  }

  // A page left for another (kept in the browser's back-forward cache or
  // not) leaves the session at once: a hidden page would otherwise stay
  // its leader, deaf to the versions the others' merges wait for. Coming
  // back to it joins again.
  window.addEventListener("pagehide", () => {
    clearTimeout(retryTimer);
    retryTimer = null;
    const s = ws;
    if (!s) {
      return;
    }
    ws = null;
    clearInterval(pingTimer);
    if (joined && unacked.length) {
      offlineDirty = true;
    }
    joined = false;
    unacked = [];
    s.close(1000);
  });
  window.addEventListener("pageshow", (ev) => {
    if (ev.persisted && !ws && !retryTimer) {
      connect();
    }
  });

  // The editor stays writable while the session answers: what is typed
  // meanwhile goes into the shared text once joined (typedEarly).
  newDoc();
  panel.hidden = false;
  say(d.msgConnecting);
  connect();
}
