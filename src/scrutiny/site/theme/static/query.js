/* The query language of the site's search box: the same grammar and the same analyser as
   `scrutiny search` (scrutiny/query.py, and Whoosh's StemmingAnalyzer: its tokeniser,
   stop words and Porter stemmer, ported here operation for operation). The tests run
   both on the same queries and on every word of a built site.
   Highlighting marks whole words whose analysed form a query looks for. */
"use strict";
window.scrutinyQuery = (function () {
  /* whoosh.analysis.STOP_WORDS */
  const STOP = new Set(("a an and are as at be by can for from have if in is it may not of on or tbd that the " +
    "this to us we when will with yet you your").split(" "));
  /* whoosh.analysis.tokenizers.default_pattern: [\w\*]+(\.?[\w\*]+)* with Python's Unicode \w */
  const TOKEN = /[\p{L}\p{N}_*]+(?:\.?[\p{L}\p{N}_*]+)*/gu;
  const WORD = /^[\p{L}\p{N}_]+$/u;
  const WHITESPACE = " \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000";
  const MIN_PREFIX = 2;
  const NOT_ONLY = "NOT only leaves things out: give a word or phrase to look for as well";
  const SHORT_PREFIX = "a search for words starting with some letters needs at least two letters before the *";

  function cpLength(s) {
    let n = 0;
    for (const _ of s) n += 1;   /* code points, as Python's len() */
    return n;
  }

  /* --- whoosh.lang.porter.stem ---------------------------------------------------------- */
  const STEP2 = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al",
    entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al", iveness: "ive",
    fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log" };
  const STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
  const CONS_SEQ = "[^aeiouy]+", VOWEL_SEQ = "[aeiou]+", VOWEL = "[aeiouy]";
  const MGR0 = new RegExp("^(" + CONS_SEQ + ")?" + VOWEL_SEQ + CONS_SEQ);
  const MEQ1 = new RegExp("^(" + CONS_SEQ + ")?" + VOWEL_SEQ + CONS_SEQ + "(" + VOWEL_SEQ + ")?$");
  const MGR1 = new RegExp("^(" + CONS_SEQ + ")?" + VOWEL_SEQ + CONS_SEQ + VOWEL_SEQ + CONS_SEQ);
  const S_V = new RegExp("^(" + CONS_SEQ + ")?" + VOWEL);
  const C_V = new RegExp("^" + CONS_SEQ + VOWEL + "[^aeiouwxy]$");
  const ED_ING = /^(.*)(ed|ing)$/;
  /* Python's re.match anchors at the start: these match whole words only, as in Whoosh */
  const AT_BL_IZ = /^(at|bl|iz)$/;
  const STEP1B = /^([^aeiouylsz])\1$/;
  const RE2 = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
  const RE3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
  const RE4_1 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
  const RE4_2 = /^(.+?)(s|t)(ion)$/;
  const RE5 = /^(.+?)e$/;

  function stem(w) {
    if (cpLength(w) < 3) return w;
    const firstIsY = w[0] === "y";
    if (firstIsY) w = "Y" + w.slice(1);
    if (w.endsWith("s")) {
      if (w.endsWith("sses")) w = w.slice(0, -2);
      else if (w.endsWith("ies")) w = w.slice(0, -2);
      else if (w[w.length - 2] !== "s") w = w.slice(0, -1);
    }
    if (w.endsWith("eed")) {
      if (MGR0.test(w.slice(0, -3))) w = w.slice(0, -1);
    } else {
      const m = ED_ING.exec(w);
      if (m && S_V.test(m[1])) {
        w = m[1];
        if (AT_BL_IZ.test(w)) w += "e";
        else if (STEP1B.test(w)) w = w.slice(0, -1);
        else if (C_V.test(w)) w += "e";
      }
    }
    if (w.endsWith("y")) {
      const s = w.slice(0, -1);
      if (S_V.test(s)) w = s + "i";
    }
    let m = RE2.exec(w);
    if (m && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
    m = RE3.exec(w);
    if (m && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];
    m = RE4_1.exec(w);
    if (m) {
      if (MGR1.test(m[1])) w = m[1];
    } else {
      m = RE4_2.exec(w);
      if (m && MGR1.test(m[1] + m[2])) w = m[1] + m[2];
    }
    m = RE5.exec(w);
    if (m && (MGR1.test(m[1]) || (MEQ1.test(m[1]) && !C_V.test(m[1])))) w = m[1];
    if (w.endsWith("ll") && MGR1.test(w)) w = w.slice(0, -1);
    if (firstIsY) w = "y" + w.slice(1);
    return w;
  }

  const cache = new Map();
  /* One word as the index holds it ("" for a stop word or a word too short to index). */
  function token(raw) {
    const t = raw.toLowerCase();
    if (cpLength(t) < 2 || STOP.has(t)) return "";
    let s = cache.get(t);
    if (s === undefined) { s = stem(t); cache.set(t, s); }
    return s;
  }
  /* [{text, start, end}] for each indexed word of `text`: what Whoosh's StemmingAnalyzer yields. */
  function tokens(text) {
    const out = [];
    for (const m of text.matchAll(TOKEN)) {
      const t = token(m[0]);
      if (t) out.push({ text: t, start: m.index, end: m.index + m[0].length });
    }
    return out;
  }
  function analyse(text) { return tokens(text).map(function (t) { return t.text; }); }

  /* --- lexer and parser (scrutiny/query.py) ---------------------------------------------- */
  function QueryError(message) { this.message = message; }

  function lex(q) {
    const out = [];
    let i = 0;
    const n = q.length;
    while (i < n) {
      const c = q[i];
      if (WHITESPACE.includes(c)) { i += 1; continue; }
      if (c === "(" || c === ")") { out.push([c, null]); i += 1; continue; }
      if (c === '"') {
        let j = q.indexOf('"', i + 1);
        if (j < 0) j = n;
        out.push(["phrase", q.slice(i + 1, j)]);
        i = j + 1;
        continue;
      }
      let j = i;
      while (j < n && !WHITESPACE.includes(q[j]) && !'()"'.includes(q[j])) j += 1;
      word(q.slice(i, j), out);
      i = j;
    }
    return out;
  }
  function word(w, out) {
    if (w === "AND" || w === "OR" || w === "NOT") { out.push([w, null]); return; }
    if (w.startsWith("-") && w.length > 1) { out.push(["NOT", null]); w = w.slice(1); }
    const m = /^(heading|text):/i.exec(w);
    if (m) {
      out.push(["field", m[1].toLowerCase()]);
      w = w.slice(m[0].length);
      if (!w) return;
    }
    out.push(["word", w]);
  }

  function Parser(toks) { this.toks = toks; this.pos = 0; }
  Parser.prototype.peek = function () { return this.pos < this.toks.length ? this.toks[this.pos][0] : null; };
  Parser.prototype.query = function () {
    const items = [];
    while (this.pos < this.toks.length) {
      items.push(this.conj());
      if (this.peek() === ")") this.pos += 1;
    }
    return { and: items };
  };
  Parser.prototype.conj = function () {
    const items = [];
    while (this.pos < this.toks.length) {
      const t = this.peek();
      if (t === ")") break;
      if (t === "AND" || t === "OR") { this.pos += 1; continue; }
      items.push(this.disj());
    }
    return { and: items };
  };
  const STOPS_OPERAND = [null, ")", "AND", "OR"];
  Parser.prototype.disj = function () {
    const parts = [this.unary()];
    while (this.peek() === "OR") {
      this.pos += 1;
      if (STOPS_OPERAND.includes(this.peek())) break;
      parts.push(this.unary());
    }
    return parts.length > 1 ? { or: parts } : parts[0];
  };
  Parser.prototype.unary = function () {
    const [kind, value] = this.toks[this.pos];
    this.pos += 1;
    if (kind === "NOT") {
      if (STOPS_OPERAND.includes(this.peek())) return null;
      const inner = this.unary();
      return inner === null ? null : { not: inner };
    }
    if (kind === "field") {
      if (STOPS_OPERAND.includes(this.peek())) return null;
      return withField(this.unary(), value);
    }
    if (kind === "(") {
      const inner = this.conj();
      if (this.peek() === ")") this.pos += 1;
      return inner;
    }
    if (kind === "phrase") return phrase(value);
    return wordNode(value);
  };

  function wordNode(w) {
    if (w.endsWith("*")) {
      const s = w.replace(/\*+$/, "").toLowerCase();
      if (WORD.test(s)) {
        if (cpLength(s) < MIN_PREFIX) throw new QueryError(SHORT_PREFIX);
        return { prefix: s, field: null };
      }
      w = w.replace(/\*+$/, "");
    }
    return phrase(w);
  }
  /* scrutiny.query.shorter_stems: the prefix less its last one to four letters, down to three */
  function shorterStems(prefix) {
    const a = Array.from(prefix);
    const out = [];
    for (let k = Math.max(3, a.length - 4); k < a.length; k++) out.push(a.slice(0, k).join(""));
    return out;
  }
  function phrase(text) {
    const toks = analyse(text);
    if (!toks.length) return null;
    if (toks.length === 1) return { term: toks[0], field: null };
    return { phrase: toks, field: null };
  }
  function withField(node, field) {
    if (node === null) return null;
    if ("term" in node || "prefix" in node || "phrase" in node) return node.field ? node : Object.assign({}, node, { field: field });
    if ("not" in node) return { not: withField(node.not, field) };
    const key = "and" in node ? "and" : "or";
    const out = {};
    out[key] = node[key].map(function (x) { return withField(x, field); });
    return out;
  }
  function isLeaf(n) { return "term" in n || "prefix" in n || "phrase" in n; }
  function simplify(node) {
    if (node === null || isLeaf(node)) return node;
    if ("not" in node) {
      const inner = simplify(node.not);
      if (inner === null) return null;
      return "not" in inner ? inner.not : { not: inner };
    }
    const key = "and" in node ? "and" : "or";
    const items = [];
    const seen = new Set();
    for (let x of node[key]) {
      x = simplify(x);
      if (x === null) continue;
      for (const y of (key in x ? x[key] : [x])) {
        const k = JSON.stringify(y);
        if (!seen.has(k)) { seen.add(k); items.push(y); }
      }
    }
    if (!items.length) return null;
    if (items.length === 1) return items[0];
    const out = {};
    out[key] = items;
    return out;
  }
  function positive(node) {
    if (isLeaf(node)) return true;
    if ("not" in node) return false;
    if ("and" in node) return node.and.some(positive);
    return node.or.every(positive);
  }
  function check(node) {
    if ("not" in node) { check(node.not); return; }
    const items = node.and || node.or;
    if (items) {
      if (!positive(node)) throw new QueryError(NOT_ONLY);
      items.forEach(check);
    }
  }
  /* The query as a tree (the shape of scrutiny.query.to_dict); null when it has no word to look
     for. Throws a QueryError (with the command line's message) for a query that cannot run. */
  function parse(q) {
    const p = new Parser(lex(q));
    const node = simplify(p.query());
    if (node === null) return null;
    if (!positive(node)) throw new QueryError(NOT_ONLY);
    check(node);
    return node;
  }

  /* What a result is found by (outside NOT): {terms: Set, prefixes: [], heading...} */
  function positiveTerms(node) {
    const terms = new Set();
    const prefixes = [];
    function walk(n, neg) {
      if (n === null) return;
      if ("term" in n) { if (!neg) terms.add(n.term); }
      else if ("phrase" in n) { if (!neg) n.phrase.forEach(function (w) { terms.add(w); }); }
      else if ("prefix" in n) { if (!neg) { prefixes.push(n.prefix); shorterStems(n.prefix).forEach(function (t) { terms.add(t); }); } }
      else if ("not" in n) walk(n.not, !neg);
      else (n.and || n.or).forEach(function (x) { walk(x, neg); });
    }
    walk(node, false);
    return { terms: terms, prefixes: prefixes };
  }
  function matches(tokenText, found) {
    return found.terms.has(tokenText) || found.prefixes.some(function (p) { return tokenText.startsWith(p); });
  }
  /* Append `text` to `parent`, each whole word the query looks for in a <mark>. textContent only. */
  function appendMarked(parent, text, found) {
    let last = 0;
    for (const t of tokens(text)) {
      if (!matches(t.text, found)) continue;
      if (t.start > last) parent.appendChild(document.createTextNode(text.slice(last, t.start)));
      const mark = document.createElement("mark");
      mark.className = "hit";
      mark.textContent = text.slice(t.start, t.end);
      parent.appendChild(mark);
      last = t.end;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  return { stem: stem, shorterStems: shorterStems, tokens: tokens, analyse: analyse, parse: parse, QueryError: QueryError,
           positiveTerms: positiveTerms, matches: matches, appendMarked: appendMarked };
})();
