/* Client-side search over the static index in search/ (scrutiny/site/search_index.py).
   The query is parsed by query.js (the command line's grammar); each posting holds a word's
   frequency, the field's stored length and the passage's rank, and this file scores it as
   `scrutiny search` does (BM25F, scrutiny.site.search_index.score), then adds the scores up.
   The index files are scripts, loaded with <script> elements: search works from a folder
   (file://) as over HTTP. Results are built with textContent and createElement only. */
"use strict";
(function () {
  const Q = window.scrutinyQuery;
  const loaded = {};      /* name -> data */
  const waiting = {};     /* name -> [resolve, reject] */
  window.__scrutinySearch = function (name, data) {
    loaded[name] = data;
    if (waiting[name]) { waiting[name][0](data); delete waiting[name]; }
  };
  const promises = {};
  function load(base, name) {
    if (!(name in promises)) {
      promises[name] = name in loaded ? Promise.resolve(loaded[name]) : new Promise(function (resolve, reject) {
        waiting[name] = [resolve, reject];
        const s = document.createElement("script");
        s.src = base + name + ".js";
        s.async = true;
        s.onerror = function () { delete promises[name]; reject(new Error("search/" + name + ".js could not be loaded")); };
        s.onload = function () { if (waiting[name]) { delete promises[name]; reject(new Error("search/" + name + ".js is not a search file")); } };
        document.head.appendChild(s);
      });
    }
    return promises[name];
  }

  /* The engine: evaluate a parsed query over the index. Exposed (window.scrutinySearch) so that
     the tests run the site's own code on the command line's queries. */
  function Engine(base) {
    this.base = base;
    this.meta = null;
  }
  Engine.prototype.get = function (name) { return load(this.base, name); };
  Engine.prototype.init = async function () {
    if (!this.meta) this.meta = await this.get("meta");
    return this.meta;
  };
  function shardOf(term) {
    const head = Array.from(term).slice(0, 2).join("");
    return /^[a-z0-9]+$/.test(head) ? head : "u" + Array.from(head).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }
  /* The postings' strings (scrutiny.site.search_index.encode): base-HALF digits, most
     significant first; a digit of HALF or more leads, one below ends a number. */
  const DIGITS = "!" + Array.from({ length: 0x7f - 0x23 }, function (_, i) { return String.fromCharCode(0x23 + i); })
    .filter(function (c) { return c !== "\\"; }).join("");
  const HALF = DIGITS.length / 2;
  const VALUE = new Int16Array(128).fill(-1);
  for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;
  function decode(text) {
    const out = [];
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const v = VALUE[text.charCodeAt(i)];
      if (v >= HALF) n = n * HALF + v - HALF;
      else { out.push(n * HALF + v); n = 0; }
    }
    return out;
  }
  /* FNV-1a of a document id's UTF-16 code units (scrutiny.site.search_index.doc_hash). */
  function docHash(id) {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) { h ^= id.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function bucketIndex(meta, name) { return name === "o" ? meta.nb : parseInt(name, 16); }
  /* [[bucket name, shard data], ...]: the buckets whose index holds words starting as term does. */
  Engine.prototype.shards = async function (term) {
    const name = shardOf(term);
    const mask = this.meta.shards[name] || 0;
    const self = this;
    const names = this.meta.buckets.filter(function (b) { return mask & (1 << bucketIndex(self.meta, b)); });
    return Promise.all(names.map(function (b) { return self.get(b + "/i/" + name).then(function (d) { return [b, d]; }); }));
  };
  /* Python's round(): halves to even. */
  function roundEven(x) {
    const r = Math.round(x);
    return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
  }
  /* {rec: {s: score x scale, pos}} of one word in one field ("t" text, "h" headings): the
     postings of every bucket, scored as scrutiny.site.search_index.score scores them. */
  Engine.prototype.postings = async function (field, term, withPositions) {
    const meta = this.meta;
    const out = new Map();
    const found = { p: [], o: [] };       /* per collection: [rec, count, packed, positions] */
    for (const [b, shard] of await this.shards(term)) {
      if (!(term in shard[field])) continue;
      let flat = shard[field][term];
      let pos = null;
      if (Array.isArray(flat)) {      /* a common word: [the id of its own files] */
        const id = flat[0];
        const got = await Promise.all([this.get(b + "/t/" + id), withPositions ? this.get(b + "/tx/" + id) : null]);
        flat = got[0];
        pos = got[1];
      } else if (withPositions) {
        pos = (await this.get(b + "/x/" + shardOf(term)))[field][term];
      }
      flat = decode(flat);
      if (pos !== null) pos = decode(pos);
      const step = field === "t" ? 2 : 3;
      let rec = bucketIndex(meta, b) * meta.stride, p = 0;
      const into = b === "o" ? found.o : found.p;
      for (let i = 0; i < flat.length; i += step) {
        rec += flat[i];
        let positions = null;
        if (pos) { const n = pos[p]; positions = []; let x = 0; for (let k = 1; k <= n; k++) { x += pos[p + k]; positions.push(x); } p += n + 1; }
        into.push([rec, step === 3 ? flat[i + 1] : 1, flat[i + step - 1], positions]);
      }
    }
    const bm = meta.bm25, nr = meta.ranks.length;
    for (const c of ["p", "o"]) {
      const list = found[c];
      if (!list.length) continue;
      const dc = meta.coll[c].n;
      let df = 0;
      for (const e of list) df += e[1];
      const idf = Math.log(dc / (df + 1)) + 1;
      const avgfl = (meta.coll[c][field] / (dc || 1)) || 1;
      const boost = field === "h" ? bm.hb : 1.0;
      for (const [rec, count, packed, positions] of list) {
        const rank = meta.ranks[packed % nr];
        const rest = Math.floor(packed / nr);
        const fl = meta.lens[rest % 256];
        const tf = (Math.floor(rest / 256) + 1) * boost;
        const s = idf * ((tf * (bm.k1 + 1)) / (tf + bm.k1 * ((1 - bm.b) + bm.b * fl / avgfl))) * rank / 100;
        const v = { s: Math.max(1, roundEven(s * bm.scale)), pos: positions };
        for (let r = rec; r < rec + count; r++) out.set(r, v);
      }
    }
    return out;
  };
  function fieldsOf(node) { return node.field ? [node.field === "heading" ? "h" : "t"] : ["t", "h"]; }
  function addInto(total, m) {
    for (const [rec, s] of m) total.set(rec, (total.get(rec) || 0) + s);
    return total;
  }
  /* Map rec -> score (an integer: the sum of the stored scores x1000). */
  Engine.prototype.evaluate = async function (node) {
    const self = this;
    if ("term" in node) {
      const total = new Map();
      for (const f of fieldsOf(node)) {
        const m = await this.postings(f, node.term, false);
        for (const [rec, v] of m) total.set(rec, (total.get(rec) || 0) + v.s);
      }
      return total;
    }
    if ("prefix" in node) {
      const total = new Map();
      if (Array.from(node.prefix).length < 2) return total;
      const shards = await this.shards(node.prefix);
      if (!shards.length) return total;
      const stems = new Set(Q.shorterStems(node.prefix));
      for (const f of fieldsOf(node)) {
        const words = new Set();
        for (const [, shard] of shards) for (const w of Object.keys(shard[f])) words.add(w);
        for (const word of Array.from(words).sort()) {
          if (!word.startsWith(node.prefix) && !stems.has(word)) continue;
          const m = await this.postings(f, word, false);
          for (const [rec, v] of m) total.set(rec, (total.get(rec) || 0) + v.s);
        }
      }
      return total;
    }
    if ("phrase" in node) {
      const total = new Map();
      for (const f of fieldsOf(node)) {
        const lists = await Promise.all(node.phrase.map(function (w) { return self.postings(f, w, true); }));
        if (lists.some(function (m) { return m.size === 0; })) continue;
        for (const [rec, first] of lists[0]) {
          if (!lists.every(function (m) { return m.has(rec); })) continue;
          /* some position of the first word with each next word at the next position */
          const ok = first.pos.some(function (p0) {
            return lists.every(function (m, i) { return m.get(rec).pos.includes(p0 + i); });
          });
          if (!ok) continue;
          let s = 0;
          for (const m of lists) s += m.get(rec).s;
          total.set(rec, (total.get(rec) || 0) + s);
        }
      }
      return total;
    }
    if ("or" in node) {
      const parts = await Promise.all(node.or.map(function (x) { return self.evaluate(x); }));
      return parts.reduce(addInto, new Map());
    }
    if ("and" in node) {
      const pos = node.and.filter(function (x) { return !("not" in x); });
      const neg = node.and.filter(function (x) { return "not" in x; });
      const parts = await Promise.all(pos.map(function (x) { return self.evaluate(x); }));
      const negs = await Promise.all(neg.map(function (x) { return self.evaluate(x.not); }));
      parts.sort(function (a, b) { return a.size - b.size; });
      const out = new Map();
      for (const [rec, s] of parts[0]) {
        let total = s, ok = true;
        for (let i = 1; i < parts.length && ok; i++) {
          const v = parts[i].get(rec);
          if (v === undefined) ok = false; else total += v;
        }
        if (ok && !negs.some(function (m) { return m.has(rec); })) out.set(rec, total);
      }
      return out;
    }
    throw new Q.QueryError("NOT only leaves things out: give a word or phrase to look for as well");
  };
  /* Ranked [[rec, score], ...]: passages and the rest (claims, stakeholders), best first. */
  Engine.prototype.search = async function (node, allowed) {
    await this.init();
    const scores = await this.evaluate(node);
    const np = this.meta.nb * this.meta.stride;   /* passages come before the claims and stakeholders */
    const passages = [], others = [];
    for (const [rec, s] of scores) if (!allowed || allowed(rec)) (rec < np ? passages : others).push([rec, s]);
    const order = function (a, b) { return b[1] - a[1] || a[0] - b[0]; };
    passages.sort(order);
    others.sort(order);
    return { passages: passages, others: others };
  };
  Engine.prototype.records = async function (recs) {
    const meta = this.meta;
    const self = this;
    const fileOf = function (r) {
      const b = Math.floor(r / meta.stride);
      return (b === meta.nb ? "o" : b.toString(16)) + "/r/" + Math.floor((r % meta.stride) / meta.chunk);
    };
    const files = await Promise.all(Array.from(new Set(recs.map(fileOf)))
      .map(function (f) { return self.get(f).then(function (d) { return [f, d]; }); }));
    const byFile = new Map(files);
    return recs.map(function (r) { return byFile.get(fileOf(r))[(r % meta.stride) % meta.chunk]; });
  };
  Engine.prototype.allowed = async function (filters) {
    const tests = [];
    if (filters.doc) {
      const ranges = await this.get("dr/" + (docHash(filters.doc) % this.meta.dr));
      const r = ranges[filters.doc] || [0, 0];
      tests.push(function (rec) { return rec >= r[0] && rec < r[1]; });
    }
    if (filters.kind || filters.sh) {
      const self = this;
      const all = await Promise.all(this.meta.buckets.map(function (b) { return self.get(b + "/f"); }));
      const facet = function (name, value) {
        const s = new Set();
        for (const f of all) for (const r of (f[name][value] || [])) s.add(r);
        return s;
      };
      if (filters.kind) { const s = facet("kind", filters.kind); tests.push(function (rec) { return s.has(rec); }); }
      if (filters.sh) { const s = facet("sh", filters.sh); tests.push(function (rec) { return s.has(rec); }); }
    }
    return tests.length ? function (rec) { return tests.every(function (t) { return t(rec); }); } : null;
  };
  window.scrutinySearch = { Engine: Engine, load: load };

  /* --- the search page ------------------------------------------------------------------- */
  const form = document.getElementById("search-form");
  if (!form) return;
  const root = document.body.dataset.root || "";
  const engine = new Engine(root + "search/");
  const input = document.getElementById("q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("results");
  const otherList = document.getElementById("other-results");
  const otherBox = document.getElementById("other-box");
  const more = document.getElementById("more-results");
  const PAGE = 10;
  const OTHERS = 3;
  let current = null;   /* {q, found, passages, others, shown, shownOthers} */
  let generation = 0;

  function snippet(text, found) {
    const toks = Q.tokens(text);
    const hit = toks.find(function (t) { return Q.matches(t.text, found); });
    if (text.length <= 300) return text;
    const at = hit ? hit.start : 0;
    let start = Math.max(0, at - 100);
    if (start > 0) { const sp = text.indexOf(" ", start); if (sp >= 0 && sp < at) start = sp + 1; }
    let end = Math.min(text.length, start + 300);
    if (end < text.length) { const sp = text.lastIndexOf(" ", end); if (sp > at) end = sp; }
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }
  function href(rec, q) {
    const [path, frag] = rec.u.split("#");
    return root + path + (rec.t === "p" ? "?q=" + encodeURIComponent(q) : "") + (frag ? "#" + frag : "");
  }
  const TYPES = { p: "Passage", c: "Claim", s: "Stakeholder" };
  function item(rec, q, found) {
    const li = document.createElement("li");
    li.className = "result result-" + rec.t;
    const a = document.createElement("a");
    a.href = href(rec, q);
    const type = document.createElement("span");
    type.className = "result-type";
    type.textContent = TYPES[rec.t] || rec.t;
    a.appendChild(type);
    const title = document.createElement("span");
    title.className = "result-title";
    if (rec.t === "p") {
      title.textContent = (rec.l || rec.d) + (rec.pg ? (rec.pe ? ", pp. " + rec.pg + "–" + rec.pe : ", p. " + rec.pg) : "");
    } else {
      Q.appendMarked(title, rec.h, found);
    }
    a.appendChild(title);
    li.appendChild(a);
    if (rec.t === "p" && rec.h) {
      const h = document.createElement("p");
      h.className = "result-heading meta";
      Q.appendMarked(h, rec.h, found);
      li.appendChild(h);
    }
    const p = document.createElement("p");
    p.className = "result-text";
    Q.appendMarked(p, rec.t === "p" ? snippet(rec.x, found) : (rec.x || ""), found);
    li.appendChild(p);
    const notes = [];
    if (rec.k && rec.k.length) notes.push((rec.t === "c" ? "Claim kind: " : "Tagged claims: ") + rec.k.join(", "));
    if (rec.st) notes.push("status: " + rec.st);
    if (rec.o) notes.push("text recognised by OCR, confidence " + rec.o + "%");
    if (notes.length) {
      const m = document.createElement("p");
      m.className = "meta";
      m.textContent = notes.join(" · ");
      li.appendChild(m);
    }
    return li;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function say() {
    const c = current;
    const np = c.passages.length, no = c.others.length;
    let text = np ? plural(np, "passage", "passages") + " match" + (np === 1 ? "es" : "") : "No passage matches";
    if (np) text += np > c.shown ? "; showing 1–" + c.shown : "";
    if (no) text += " · " + plural(no, "claim or stakeholder", "claims and stakeholders");
    status.textContent = text + ".";
    more.hidden = c.shown >= np;
    more.textContent = "Show " + Math.min(PAGE, np - c.shown) + " more (of " + (np - c.shown) + " not shown)";
  }
  async function showMore(gen) {
    const c = current;
    const next = c.passages.slice(c.shown, c.shown + PAGE).map(function (h) { return h[0]; });
    const recs = await engine.records(next);
    if (gen !== generation) return;
    for (const rec of recs) list.appendChild(item(rec, c.q, c.found));
    c.shown += recs.length;
    say();
  }
  async function showOthers(all, gen) {
    const c = current;
    const n = all ? c.others.length : Math.min(OTHERS, c.others.length);
    const recs = await engine.records(c.others.slice(0, n).map(function (h) { return h[0]; }));
    if (gen !== generation) return;
    otherList.replaceChildren();
    for (const rec of recs) otherList.appendChild(item(rec, c.q, c.found));
    otherBox.hidden = !recs.length;
    const btn = document.getElementById("more-others");
    btn.hidden = n >= c.others.length;
    btn.textContent = "Show all " + c.others.length;
  }
  function filters() {
    return { doc: form.elements.doc.value, kind: form.elements.kind.value, sh: form.elements.sh.value };
  }
  function clear() {
    list.replaceChildren();
    otherList.replaceChildren();
    otherBox.hidden = true;
    more.hidden = true;
  }
  async function run() {
    const gen = ++generation;
    const q = input.value.trim();
    if (!q) { status.textContent = "Type a word or two to search."; clear(); return; }
    let node;
    try {
      node = Q.parse(q);
    } catch (err) {
      if (!(err instanceof Q.QueryError)) throw err;
      status.textContent = err.message.charAt(0).toUpperCase() + err.message.slice(1) + ".";
      clear();
      return;
    }
    if (node === null) { status.textContent = "No word to search for: only small words such as “the”."; clear(); return; }
    try {
      await engine.init();
      const allowed = await engine.allowed(filters());
      const res = await engine.search(node, allowed);
      if (gen !== generation) return;
      current = { q: q, found: Q.positiveTerms(node), passages: res.passages, others: res.others, shown: 0 };
      clear();
      await Promise.all([showMore(gen), showOthers(false, gen)]);
      if (gen === generation) document.body.dataset.searched = q;
    } catch (err) {
      if (gen === generation) status.textContent = "The search index could not be loaded (" + err.message + ").";
    }
  }
  function remember() {
    const params = new URLSearchParams();
    for (const name of ["q", "doc", "kind", "sh"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
    try { history.replaceState(null, "", "?" + params.toString()); } catch (err) { /* file:// in some browsers */ }
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); remember(); run(); });
  let timer = null;
  input.addEventListener("input", function () {   /* results as you type */
    clearTimeout(timer);
    timer = setTimeout(function () { remember(); run(); }, 120);
  });
  more.addEventListener("click", function () { showMore(generation); });
  document.getElementById("more-others").addEventListener("click", function () { showOthers(true, generation); });
  for (const name of ["doc", "kind", "sh"]) form.elements[name].addEventListener("change", function () { remember(); if (input.value.trim()) run(); });

  const params = new URLSearchParams(window.location.search);
  for (const name of ["q", "doc", "kind", "sh"]) if (params.get(name)) form.elements[name].value = params.get(name);
  if (input.value.trim()) run();
})();
