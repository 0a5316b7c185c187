/* scrutiny: shared behaviour for every page (no inline scripts anywhere). */
"use strict";
document.documentElement.classList.add("js");

/* The search tokeniser: must agree with scrutiny/site/search_index.py (tests check both). */
window.scrutiny = (function () {
  const STOP = new Set(("a an and are as at be been but by for from has have in is it its of on or that the " +
    "their this to was were which will with").split(" "));
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }
  function stem(t) {
    if (t.length > 4 && t.endsWith("ies")) return t.slice(0, -3) + "y";
    if (t.length > 3 && t.endsWith("s") && !t.endsWith("ss") && !/[0-9]/.test(t[t.length - 2])) return t.slice(0, -1);
    return t;
  }
  function tokenize(text) {
    const s = fold(text).replace(/(?<=\d),(?=\d{3})/g, "").replace(/\u2019/g, "'").replace(/'s/g, "");
    const out = [];
    for (const m of s.matchAll(/[a-z0-9]+(?:\.[0-9]+)?/g)) {
      const t = m[0];
      if (t.length >= 2 && !STOP.has(t)) out.push(stem(t));
    }
    return out;
  }
  /* Does this word match one of the query terms (same stem, or a prefix of it)? */
  function wordMatches(word, terms) {
    const toks = tokenize(word);
    if (!toks.length) return false;
    return terms.some(function (t) { return toks[0].startsWith(t); });
  }
  /* Append `text` to `parent`, wrapping words that match `terms` in <mark>. textContent only. */
  function appendMarked(parent, text, terms) {
    const re = /[\p{L}\p{N}]+(?:[.,'\u2019][\p{L}\p{N}]+)*/gu;
    let last = 0;
    for (const m of text.matchAll(re)) {
      if (!wordMatches(m[0], terms)) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      const mark = document.createElement("mark");
      mark.className = "hit";
      mark.textContent = m[0];
      parent.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }
  return { tokenize: tokenize, wordMatches: wordMatches, appendMarked: appendMarked };
})();
