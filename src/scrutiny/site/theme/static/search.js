/* Client-side search over the static index in search/ (see scrutiny/site/search_index.py).
   Results are built with textContent and createElement only: never innerHTML. */
"use strict";
(function () {
  const form = document.getElementById("search-form");
  if (!form) return;
  const root = document.body.dataset.root || "";
  const base = root + "search/";
  const input = document.getElementById("q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("results");
  const PAGE = 10;
  const PREFIX_BIG = 2;   /* as in search_index.py */
  const cache = {};
  let meta = null;

  async function getJSON(path) {
    if (!(path in cache)) {
      cache[path] = fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  async function termScores(term) {
    const key = term.slice(0, 2).replace(".", "_");
    const scores = new Map();
    if (!meta.shards.includes(key)) return scores;
    const shard = await getJSON("i/" + key + ".json");
    /* A common word's list is in its own file (the shard has its count): fetched for
       the word itself, or when a prefix matches at most PREFIX_BIG such words. */
    const bigs = Object.keys(shard).filter(function (w) { return w.startsWith(term) && typeof shard[w] === "number"; });
    for (const word of Object.keys(shard)) {
      if (!word.startsWith(term)) continue;
      let flat = shard[word];
      if (typeof flat === "number") {
        if (word !== term && bigs.length > PREFIX_BIG) continue;
        flat = await getJSON("t/" + word + ".json");
      }
      const df = flat.length / 2;
      const idf = Math.log(1 + (meta.n - df + 0.5) / (df + 0.5));
      const factor = word === term ? 1 : 0.6;
      let rec = 0;
      for (let i = 0; i < flat.length; i += 2) {
        rec += flat[i];
        const s = idf * flat[i + 1] * factor;
        if (s > (scores.get(rec) || 0)) scores.set(rec, s);
      }
    }
    return scores;
  }

  async function allowed(filters) {
    const sets = [];
    if (filters.doc) {
      const r = meta.ranges[filters.doc] || [0, 0];
      sets.push(function (rec) { return rec >= r[0] && rec < r[1]; });
    }
    if (filters.kind || filters.sh) {
      const facets = await getJSON("facets.json");
      if (filters.kind) { const s = new Set(facets.kind[filters.kind] || []); sets.push(function (rec) { return s.has(rec); }); }
      if (filters.sh) { const s = new Set(facets.sh[filters.sh] || []); sets.push(function (rec) { return s.has(rec); }); }
    }
    return function (rec) { return sets.every(function (f) { return f(rec); }); };
  }

  async function search(q, filters) {
    meta = meta || await getJSON("meta.json");
    const terms = Array.from(new Set(window.scrutiny.tokenize(q)));
    if (!terms.length) return { terms: terms, hits: [], any: false };
    const per = await Promise.all(terms.map(termScores));
    const ok = await allowed(filters);
    const total = new Map();
    const matched = new Map();
    per.forEach(function (m) {
      for (const [rec, s] of m) {
        total.set(rec, (total.get(rec) || 0) + s);
        matched.set(rec, (matched.get(rec) || 0) + 1);
      }
    });
    let hits = [];
    let all = true;
    for (const [rec, s] of total) if (matched.get(rec) === terms.length && ok(rec)) hits.push([rec, s]);
    if (!hits.length) {   /* no record has every term: fall back to any term */
      all = false;
      for (const [rec, s] of total) if (ok(rec)) hits.push([rec, s]);
    }
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { terms: terms, hits: hits, all: all };
  }

  async function records(recs) {
    const out = [];
    for (const rec of recs) {
      const chunk = await getJSON("r/" + Math.floor(rec / meta.chunk) + ".json");
      out.push(chunk[rec % meta.chunk]);
    }
    return out;
  }

  function snippet(text, terms) {
    const re = /[\p{L}\p{N}]+(?:[.,'\u2019][\p{L}\p{N}]+)*/gu;
    for (const m of text.matchAll(re)) {
      if (window.scrutiny.wordMatches(m[0], terms)) {
        const start = Math.max(0, m.index - 90);
        const cut = text.slice(start, start + 280);
        return (start > 0 ? "…" : "") + cut + (start + 280 < text.length ? "…" : "");
      }
    }
    return text.length > 280 ? text.slice(0, 280) + "…" : text;
  }

  function href(rec, q) {
    const [path, frag] = rec.u.split("#");
    return root + path + (rec.t === "p" ? "?q=" + encodeURIComponent(q) : "") + (frag ? "#" + frag : "");
  }

  const TYPES = { p: "Passage", c: "Claim", s: "Stakeholder" };
  function docLabel(id) {
    const d = meta.docs.find(function (x) { return x[0] === id; });
    return d ? d[1] : id;
  }

  function render(q, recs, terms) {
    list.replaceChildren();
    for (const rec of recs) {
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
        title.textContent = docLabel(rec.d) + (rec.pg ? (rec.pe ? ", pp. " + rec.pg + "–" + rec.pe : ", p. " + rec.pg) : "") + (rec.h ? " · " + rec.h : "")
          + (rec.o ? " · text recognised by OCR, confidence " + rec.o + "%" : "");
      } else {
        title.textContent = rec.h;
      }
      a.appendChild(title);
      li.appendChild(a);
      const p = document.createElement("p");
      p.className = "result-text";
      window.scrutiny.appendMarked(p, rec.t === "p" ? snippet(rec.x, terms) : (rec.x || ""), terms);
      li.appendChild(p);
      if (rec.k && rec.k.length) {
        const kinds = document.createElement("p");
        kinds.className = "meta";
        kinds.textContent = (rec.t === "c" ? "Claim kind: " : "Tagged claims: ") + rec.k.join(", ") + (rec.st ? " · status: " + rec.st : "");
        li.appendChild(kinds);
      }
      list.appendChild(li);
    }
  }

  function filtersFromForm() {
    return { doc: form.elements.doc.value, kind: form.elements.kind.value, sh: form.elements.sh.value };
  }

  /* "Quoted phrases" must appear as written (case and accents aside) in the record's text. */
  function phrasesOf(q) {
    return Array.from(q.matchAll(/"([^"]+)"/g)).map(function (m) { return norm(m[1]); }).filter(Boolean);
  }
  function norm(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, " ").trim();
  }
  const PHRASE_SCAN = 200;   /* candidates checked for a phrase, best first */

  async function phraseHits(hits, phrases) {
    const out = [];
    let checked = 0;
    for (const [rec] of hits.slice(0, PHRASE_SCAN)) {
      checked += 1;
      const r = (await records([rec]))[0];
      const text = norm((r.h || "") + " " + (r.x || ""));
      if (phrases.every(function (p) { return text.includes(p); })) out.push(r);
      if (out.length >= PAGE) break;
    }
    return { recs: out, checked: checked };
  }

  async function run() {
    const q = input.value.trim();
    if (!q) { status.textContent = "Type a word or two to search."; list.replaceChildren(); return; }
    status.textContent = "Searching…";
    try {
      const res = await search(q, filtersFromForm());
      const phrases = phrasesOf(q);
      if (phrases.length) {
        const found = await phraseHits(res.all ? res.hits : [], phrases);
        render(q, found.recs, res.terms);
        status.textContent = found.recs.length
          ? found.recs.length + " result" + (found.recs.length === 1 ? "" : "s") + " with the exact phrase" +
            (found.recs.length >= PAGE ? ", showing the first " + PAGE : "")
          : "No result has the exact phrase.";
        return;
      }
      const top = res.hits.slice(0, PAGE).map(function (h) { return h[0]; });
      const recs = await records(top);
      render(q, recs, res.terms);
      const n = res.hits.length;
      status.textContent = n ? (n + " result" + (n === 1 ? "" : "s") + (n > PAGE ? ", showing the first " + PAGE : "") +
        (res.all ? "" : " (no result has every word; showing those with any)")) : "No results.";
    } catch (err) {
      status.textContent = "The search index could not be loaded (" + err.message + ").";
    }
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const params = new URLSearchParams();
    for (const name of ["q", "doc", "kind", "sh"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
    history.replaceState(null, "", "?" + params.toString());
    run();
  });
  for (const name of ["doc", "kind", "sh"]) form.elements[name].addEventListener("change", function () { if (input.value.trim()) run(); });

  const params = new URLSearchParams(window.location.search);
  for (const name of ["q", "doc", "kind", "sh"]) if (params.get(name)) form.elements[name].value = params.get(name);
  if (input.value.trim()) run();
})();
