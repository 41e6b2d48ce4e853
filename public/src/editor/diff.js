// Atlas des communs — a small text diff for the editor: the edits that
// turn one text into another, as few and as local as reasonably cheap,
// so that an edit landing in a shared text disturbs only what changed
// (typing elsewhere, cursors). Lines first, then characters within a
// changed block of lines.

// applyTextDiff calls edit(from, to, insert) for each change, positions in
// the OLD text, in increasing order and not overlapping.
export function applyTextDiff(a, b, edit) {
  if (a === b) {
    return;
  }
  let pre = 0;
  const max = Math.min(a.length, b.length);
  while (pre < max && a.charCodeAt(pre) === b.charCodeAt(pre)) {
    pre++;
  }
  let suf = 0;
  while (suf < max - pre && a.charCodeAt(a.length - 1 - suf) === b.charCodeAt(b.length - 1 - suf)) {
    suf++;
  }
  // Whole lines around the change, so that the line diff sees lines.
  let start = a.lastIndexOf("\n", pre - 1) + 1;
  if (b.slice(0, start) !== a.slice(0, start)) {
    start = pre;
  }
  const midA = a.slice(start, a.length - suf);
  const midB = b.slice(start, b.length - suf);
  const la = midA.split("\n");
  const lb = midB.split("\n");
  if (la.length * lb.length > 2000000 || la.length < 2 || lb.length < 2) {
    charBlock(midA, midB, start, edit);
    return;
  }
  // LCS of lines by dynamic programming (bounded above).
  const n = la.length;
  const m = lb.length;
  const w = m + 1;
  const dp = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = la[i] === lb[j] ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  // Walk it: runs of unmatched lines become one block each.
  let i = 0;
  let j = 0;
  let posA = start; // offset in a of line i
  let blockA = -1;
  let blockB = "";
  let blockStart = 0;
  const lineA = (k) => la[k] + (k < n - 1 ? "\n" : "");
  const lineB = (k) => lb[k] + (k < m - 1 ? "\n" : "");
  const flush = () => {
    if (blockA >= 0) {
      charBlock(a.slice(blockStart, posA), blockB, blockStart, edit);
      blockA = -1;
      blockB = "";
    }
  };
  while (i < n || j < m) {
    if (i < n && j < m && la[i] === lb[j] && (i < n - 1) === (j < m - 1)) {
      flush();
      posA += lineA(i).length;
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i * w + j + 1] >= dp[(i + 1) * w + j])) {
      if (blockA < 0) {
        blockA = i;
        blockStart = posA;
      }
      blockB += lineB(j);
      j++;
    } else {
      if (blockA < 0) {
        blockA = i;
        blockStart = posA;
      }
      posA += lineA(i).length;
      i++;
    }
  }
  flush();
}

// charBlock: one change, trimmed of what both ends share.
function charBlock(x, y, at, edit) {
  let p = 0;
  const max = Math.min(x.length, y.length);
  while (p < max && x.charCodeAt(p) === y.charCodeAt(p)) {
    p++;
  }
  let s = 0;
  while (s < max - p && x.charCodeAt(x.length - 1 - s) === y.charCodeAt(y.length - 1 - s)) {
    s++;
  }
  if (p === x.length - s && p === y.length - s) {
    return;
  }
  const cx = x.slice(p, x.length - s);
  const cy = y.slice(p, y.length - s);
  if (cx.length === 0 || cy.length === 0 || cx.length * cy.length > 250000) {
    edit(at + p, at + p + cx.length, cy);
    return;
  }
  // Small enough: characters in common by dynamic programming, so that a
  // word added here and one there stay two edits.
  const n = cx.length;
  const m = cy.length;
  const w = m + 1;
  const dp = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = cx.charCodeAt(i) === cy.charCodeAt(j) ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  let from = -1;
  let ins = "";
  const base = at + p;
  const flush = () => {
    if (from >= 0) {
      edit(base + from, base + i, ins);
      from = -1;
      ins = "";
    }
  };
  while (i < n || j < m) {
    if (i < n && j < m && cx.charCodeAt(i) === cy.charCodeAt(j)) {
      flush();
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i * w + j + 1] >= dp[(i + 1) * w + j])) {
      if (from < 0) {
        from = i;
      }
      ins += cy[j];
      j++;
    } else {
      if (from < 0) {
        from = i;
      }
      i++;
    }
  }
  flush();
}

// applyToYText makes the edits on a Y.Text, last first so that earlier
// positions hold.
export function applyToYText(ytext, from, to) {
  const edits = [];
  applyTextDiff(from, to, (f, t, ins) => edits.push([f, t, ins]));
  for (let k = edits.length - 1; k >= 0; k--) {
    const [f, t, ins] = edits[k];
    if (t > f) {
      ytext.delete(f, t - f);
    }
    if (ins) {
      ytext.insert(f, ins);
    }
  }
  return edits.length;
}
