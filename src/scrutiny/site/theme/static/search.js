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
    this.spent = 0;           /* characters of postings and positions loaded from tier files */
    this.read = 0;            /* characters of record files read to see whether records hold a word after NOT */
    this.readFiles = new Set();
    /* A paged search reads records to settle words after NOT in a bucket where the rest of
       their lists weighs more than this many record files (search: byRecords); 0: always,
       Infinity: never (the lists load whole there). */
    this.readAt = 4;
    /* What a page of results may load of the words' tiers (characters of postings and
       positions, about their bytes) before it is shown as the best matches found so far
       rather than proven the best of all: words common to most passages joined by AND, or a
       long phrase of them, would otherwise load most of their postings for a first page.
       null: the index's (meta.budget). */
    this.budget = null;
    this.lists = new Map();   /* "field term[ p]" -> List: what later queries and pages reuse */
  }
  Engine.prototype.get = function (name) { return load(this.base, name); };
  Engine.prototype.init = async function () {
    if (!this.meta) {
      const meta = await this.get("meta");
      if (!meta.order) meta.order = orderOf(meta);
      this.meta = meta;
    }
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
  /* A bucket's index ("o": nb); a delta layer's (x<b>) is its bucket's. */
  function bucketIndex(meta, name) {
    return name === "o" ? meta.nb : parseInt(name.charAt(0) === "x" ? name.slice(1) : name, 16);
  }
  /* The bit of meta.shards' masks of a bucket: its index; a delta layer's, nb + 1 + its bucket's. */
  function bucketBit(meta, name) { return name.charAt(0) === "x" ? meta.nb + 1 + bucketIndex(meta, name) : bucketIndex(meta, name); }
  /* The order of records at a tie: their numbers in a whole build (search_index.record_order).
     A bucket's delta layer (documents added since the bucket was written) numbers its records
     after the bucket's own, from start on; meta.layers[name] = [start, [at, n, at, n, ...]]:
     before which place of the bucket a whole build puts each of its documents, and its records. */
  function orderOf(meta) {
    const layers = new Map();
    for (const name of Object.keys(meta.layers || {})) layers.set(bucketIndex(meta, name), meta.layers[name]);
    if (!layers.size) return function (rec) { return rec; };
    return function (rec) {
      const b = Math.floor(rec / meta.stride), L = layers.get(b);
      if (!L) return rec;
      const place = rec - b * meta.stride, start = L[0], ins = L[1];
      if (place < start) {
        let shift = 0;
        for (let k = 0; k < ins.length; k += 2) if (ins[k] <= place) shift += ins[k + 1];
        return rec + shift;
      }
      const i = place - start;
      let seen = 0;
      for (let k = 0; k < ins.length; k += 2) {
        if (i < seen + ins[k + 1]) return b * meta.stride + ins[k] + i;
        seen += ins[k + 1];
      }
      return rec;
    };
  }
  /* [[bucket name, shard data], ...]: the buckets (and layers) whose index holds words starting as term does. */
  Engine.prototype.shards = async function (term) {
    const name = shardOf(term);
    const mask = this.meta.shards[name] || 0;
    const self = this;
    const names = this.meta.buckets.filter(function (b) { return Math.floor(mask / Math.pow(2, bucketBit(self.meta, b))) % 2 === 1; });
    return Promise.all(names.map(function (b) { return self.get(b + "/i/" + name).then(function (d) { return [b, d]; }); }));
  };
  /* Python's round(): halves to even. */
  function roundEven(x) {
    const r = Math.round(x);
    return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
  }
  /* The postings' strings of one tier (scrutiny.site.search_index._tier): runs of
     [packed, n, then n record places, each less the previous one (headings: and a count)].
     [[place, count, packed], ...] in the order written (best first). */
  /* A pair's postings (phrases of two words) run under (first word's frequency - 1, second
     word's packed): one number here, PAIR x the first + the second. */
  const PAIR = 4294967296;
  function entriesOf(text, heading, pair) {
    const flat = decode(text), out = [];
    let i = 0;
    while (i < flat.length) {
      let packed, n;
      if (pair) { packed = flat[i] * PAIR + flat[i + 1]; n = flat[i + 2]; i += 3; }
      else { packed = flat[i]; n = flat[i + 1]; i += 2; }
      let place = 0;
      for (let k = 0; k < n; k++) {
        place += flat[i++];
        out.push([place, heading ? flat[i++] : 1, packed]);
      }
    }
    return out;
  }
  /* One word in one field ("t" text, "h" headings) over every bucket: the postings loaded
     so far, scored as scrutiny.site.search_index.score scores them ({rec: [score, score,
     true, positions]}), in rest[bucket index] the most any posting not yet loaded can
     score there (-1: none left), and in restAt[bucket index] the lowest record (in the
     order of ties, meta.order) that can score just that; a bucket and its delta layer are
     one bucket index, two parts. A bucket's list is written best first, in tiers: the head in the
     shard, then files of growing size; the bound of the next tier comes with the last one. */
  function List(engine, field, term, withPositions) {
    this.e = engine;
    this.field = field;
    this.term = term;
    this.wp = withPositions;
    this.map = new Map();
    this.parts = [];
    this.df = { p: 0, o: 0 };
    this.rest = new Array(engine.meta.nb + 1).fill(-1);
    this.restAt = new Array(engine.meta.nb + 1).fill(0);
    this.ready = null;
  }
  List.prototype.init = function () {
    if (!this.ready) this.ready = this.start();
    return this.ready;
  };
  List.prototype.start = async function () {
    const e = this.e, meta = e.meta, f = this.field, term = this.term;
    const heads = [];
    for (const [b, shard] of await e.shards(term)) {
      let v = shard[f][term];
      if (v === undefined) continue;
      const part = { b: b, bi: bucketIndex(meta, b), coll: b === "o" ? "o" : "p", fid: term, bound: null, next: 1,
        dir: f, inline: typeof v === "string", shard: shard };
      let head;
      if (Array.isArray(v)) {
        if (typeof v[0] === "string") { part.fid = v[0]; v = v.slice(1); }
        this.df[part.coll] += v[0];
        head = entriesOf(v[1], f === "h");
        part.bound = v.length > 2 ? v[2] : null;
        part.size = v[1].length * (this.wp ? 2 : 1);
        part.records = v[0];
        part.chars = part.size;
      } else {
        head = entriesOf(v, f === "h");
        for (const x of head) this.df[part.coll] += x[1];
      }
      this.parts.push(part);
      heads.push([part, head]);
    }
    const bm = meta.bm25, nr = meta.ranks.length, boost = f === "h" ? bm.hb : 1.0;
    this.scorers = {};
    for (const c of ["p", "o"]) {
      if (!this.df[c]) continue;
      const dc = meta.coll[c].n;
      const idf = Math.log(dc / (this.df[c] + 1)) + 1;
      const avgfl = (meta.coll[c][f] / (dc || 1)) || 1;
      const memo = new Map();
      this.scorers[c] = function (packed) {
        let v = memo.get(packed);
        if (v === undefined) {
          const rank = meta.ranks[packed % nr];
          const rest = Math.floor(packed / nr);
          const fl = meta.lens[rest % 256];
          const tf = (Math.floor(rest / 256) + 1) * boost;
          const s = idf * ((tf * (bm.k1 + 1)) / (tf + bm.k1 * ((1 - bm.b) + bm.b * fl / avgfl))) * rank / 100;
          v = Math.max(1, roundEven(s * bm.scale));
          memo.set(packed, v);
        }
        return v;
      };
    }
    const self = this;
    await Promise.all(heads.map(async function ([part, head]) {
      const pos = self.wp ? (await e.get(part.b + "/x/" + shardOf(term)))[f][term] : null;
      self.add(part, head, pos);
    }));
    this.bound();
  };
  List.prototype.add = function (part, entries, posText) {
    const base = part.bi * this.e.meta.stride, score = this.scorers[part.coll];
    const pos = posText === null ? null : decode(posText);
    let p = 0;
    for (const [, count] of entries) part.got = (part.got || 0) + count;
    for (const [place, count, packed] of entries) {
      let positions = null;
      if (pos) { const n = pos[p]; positions = []; let x = 0; for (let k = 1; k <= n; k++) { x += pos[p + k]; positions.push(x); } p += n + 1; }
      const v = [score(packed), score(packed), true, positions];
      for (let r = base + place; r < base + place + count; r++) this.map.set(r, v);
    }
  };
  /* A tier's bound (scrutiny.site.search_index._bound): [n, n x (packed, first place), packed...].
     The best of the first n scores is the most a posting from the tier on scores; one scores
     just that from the first place of those that do, unless one of the others can tie. */
  List.prototype.bound = function () {
    this.rest.fill(-1);
    const stride = this.e.meta.stride, order = this.e.meta.order;
    const w = this.pair ? 2 : 1;
    const key = this.pair ? function (flat, i) { return flat[i] * PAIR + flat[i + 1]; } : function (flat, i) { return flat[i]; };
    for (const part of this.parts) {
      if (part.bound === null) continue;
      const score = this.scorers[part.coll], flat = decode(part.bound);
      const n = flat[0];
      let best = -1, at = 0, other = -1;
      for (let i = 0; i < n; i++) {
        const s = score(key(flat, 1 + (w + 1) * i)), place = flat[1 + (w + 1) * i + w];
        if (s > best) { best = s; at = place; } else if (s === best) at = Math.min(at, place);
      }
      for (let i = 1 + (w + 1) * n; i < flat.length; i += w) other = Math.max(other, score(key(flat, i)));
      /* a bucket and its layer: the better of the two, and the lower record at a tie */
      const from = other >= best ? part.bi * stride : order(part.bi * stride + at);
      if (best > this.rest[part.bi]) { this.rest[part.bi] = best; this.restAt[part.bi] = from; }
      else if (best === this.rest[part.bi]) this.restAt[part.bi] = Math.min(this.restAt[part.bi], from);
    }
  };
  /* Load the next tier in each of the buckets (a Set of bucket indexes; null: every bucket)
     that has one: how many were loaded. */
  List.prototype.more = function (buckets) {
    /* one at a time: a list may serve two parts of a query, or two queries */
    const self = this;
    this.busy = (this.busy || Promise.resolve()).then(function () { return self.next(buckets); });
    return this.busy;
  };
  List.prototype.next = async function (buckets) {
    const e = this.e, f = this.field, self = this;
    const due = this.parts.filter(function (part) { return part.bound !== null && (!buckets || buckets.has(part.bi)); });
    await Promise.all(due.map(async function (part) {
      const name = part.b + "/" + part.dir + "/" + part.fid + "-" + part.next;
      const got = await Promise.all([e.get(name), self.wp ? e.get(part.b + "/" + f + "x/" + part.fid + "-" + part.next) : null]);
      const last = !Array.isArray(got[0]);
      const text = last ? got[0] : got[0][0];
      part.size = text.length + (got[1] ? got[1].length : 0);
      part.chars = (part.chars || 0) + part.size;
      e.spent += part.size;
      self.add(part, entriesOf(text, f === "h", self.pair), got[1]);
      part.bound = last ? null : got[0][1];
      part.next += 1;
    }));
    this.bound();
    return due.length;
  };
  /* What loading the next tier in the buckets (as more()) may cost, in characters: each
     tier holds GROWTH times the postings of the one before (the first, TIER / HEAD times the head). */
  List.prototype.cost = function (buckets) {
    const t = this.e.meta.tiers;
    let n = 0;
    for (const part of this.parts) {
      if (part.bound !== null && (!buckets || buckets.has(part.bi))) n += (part.size || 0) * (part.next === 1 ? t[1] / t[0] : t[2]);
    }
    return n;
  };
  /* About what the rest of the list in bucket bi weighs, in characters (0: loaded whole). */
  List.prototype.remaining = function (bi) {
    let n = 0;
    for (const part of this.parts) {
      if (part.bi === bi && part.bound !== null && part.records) n += Math.max(0, part.records - part.got) * part.chars / Math.max(1, part.got);
    }
    return n;
  };
  List.prototype.all = async function () {
    while (await this.more(null)) { /* every tier, a round at a time */ }
  };
  List.prototype.complete = function () { return this.rest.every(function (r) { return r < 0; }); };

  /* A phrase of two words in one field, from the postings of the pair itself (search_index:
     <b>/p/ shards, tiers in <b>/tp/ or <b>/hp/), written in every bucket where one of the
     two words has a long list: the phrase is found without the words' positions, best first
     as a word is. Where both words' lists are short (whole in their shards), it is found
     from their positions. Scores: the two words' scores, as the phrase's words add up. */
  const CLASS = /^[a-z0-9]$/;
  function pairClass(word) { const c = word.charAt(0); return CLASS.test(c) ? c : "_"; }
  function PairList(engine, field, a, b) {
    List.call(this, engine, field, a + " " + b, false);
    this.a = a;
    this.b = b;
    this.pair = true;
  }
  PairList.prototype = Object.create(List.prototype);
  PairList.prototype.start = async function () {
    const e = this.e, meta = e.meta, f = this.field, a = this.a, b = this.b, self = this;
    const [la, lb] = await Promise.all([e.word(f, a), e.word(f, b)]);
    const nr = meta.ranks.length;
    this.scorers = {};
    for (const c of ["p", "o"]) {
      const sa = la.scorers[c], sb = lb.scorers[c];
      if (!sa || !sb) continue;
      this.scorers[c] = function (key) {
        const fa = Math.floor(key / PAIR), pb = key % PAIR;
        return sa(fa * 256 * nr + pb % (256 * nr)) + sb(pb);
      };
    }
    const partsB = new Map(lb.parts.map(function (p) { return [p.b, p]; }));
    const heading = f === "h";
    await Promise.all(la.parts.map(async function (pa) {
      const pb = partsB.get(pa.b);
      if (!pb) return;
      const part = { b: pa.b, bi: pa.bi, coll: pa.coll, fid: null, bound: null, next: 1, dir: f + "p" };
      if (pa.inline && pb.inline) {
        /* both lists whole in their shards: the phrase from the words' positions */
        const [xa, xb] = await Promise.all([e.get(pa.b + "/x/" + shardOf(a)), e.get(pa.b + "/x/" + shardOf(b))]);
        const posB = new Map();
        const eb = entriesOf(pb.shard[f][b], heading), db = decode(xb[f][b]);
        let k = 0;
        for (const [place, , packed] of eb) { const n = db[k]; posB.set(place, [packed, positionsOf(db, k)]); k += n + 1; }
        const ea = entriesOf(pa.shard[f][a], heading), da = decode(xa[f][a]);
        const found = [];
        k = 0;
        for (const [place, count, packed] of ea) {
          const n = da[k], pos = positionsOf(da, k);
          k += n + 1;
          const other = posB.get(place);
          if (other && pos.some(function (p) { return other[1].includes(p + 1); })) {
            found.push([place, count, (Math.floor(packed / (256 * nr))) * PAIR + other[0]]);
            self.df[part.coll] += count;
          }
        }
        self.parts.push(part);
        self.add(part, found, null);
        return;
      }
      const classes = (pa.shard["p" + f] || {})[a];
      if (!classes || !classes.includes(pairClass(b))) return;   /* not one record with the phrase */
      const data = await e.get(pa.b + "/p/" + shardOf(a) + "-" + pairClass(b));
      const v = data[f][a + " " + b];
      if (v === undefined) return;
      let head;
      if (typeof v === "string") {
        head = entriesOf(v, heading, true);
        for (const x of head) self.df[part.coll] += x[1];
      } else {
        part.fid = v[0];
        self.df[part.coll] += v[1];
        part.size = v[2].length;
        head = entriesOf(v[2], heading, true);
        part.bound = v.length > 3 ? v[3] : null;
      }
      self.parts.push(part);
      self.add(part, head, null);
    }));
    this.bound();
  };
  function positionsOf(flat, k) {
    const out = [];
    let x = 0;
    for (let i = 1; i <= flat[k]; i++) { x += flat[k + i]; out.push(x); }
    return out;
  }
  /* A word's list for its statistics, not loaded further by the query asking (a pair's words). */
  Engine.prototype.word = async function (field, term) {
    const key = field + " " + term;
    if (!this.lists.has(key)) this.lists.set(key, new List(this, field, term, false));
    const l = this.lists.get(key);
    await l.init();
    return l;
  };
  Engine.prototype.pair = async function (field, a, b, into) {
    const key = field + " " + a + " " + b + " pair";
    if (!this.lists.has(key)) this.lists.set(key, new PairList(this, field, a, b));
    const l = this.lists.get(key);
    await l.init();
    if (!into.includes(l)) into.push(l);
    return l;
  };

  Engine.prototype.list = async function (field, term, withPositions, into) {
    const key = field + " " + term + (withPositions ? " p" : "");
    if (!this.lists.has(key)) this.lists.set(key, new List(this, field, term, withPositions));
    const l = this.lists.get(key);
    await l.init();
    if (!into.includes(l)) into.push(l);
    return l;
  };
  /* The words (and prefixes) a query's compile looks up, NOT's included. */
  function wordsOf(node, out) {
    if ("term" in node) out.push(node.term);
    else if ("prefix" in node) { if (Array.from(node.prefix).length >= 2) out.push(node.prefix); }
    else if ("phrase" in node) for (const w of node.phrase) out.push(w);
    else if ("or" in node) for (const x of node.or) wordsOf(x, out);
    else if ("and" in node) for (const x of node.and) wordsOf("not" in x ? x.not : x, out);
    return out;
  }
  function fieldsOf(node) { return node.field ? [node.field === "heading" ? "h" : "t"] : ["t", "h"]; }

  /* Evaluating with bounds. A result is {m: {rec: [lo, hi, yes]}, rest: [per bucket index]}:
     a record in m matches for certain (yes) or may match, and scores at least lo (what
     it certainly matches) and at most hi; a record not in m may match only if rest of its
     bucket is 0 or more, and then scores at most that. With every list loaded, lo = hi
     and yes for every record: the full evaluation. */
  function bucketOfRec(meta, rec) { return Math.floor(rec / meta.stride); }
  /* A record not loaded scores the sum of the parts' rests only if it scores each part's
     rest in it: it comes at or after the last of their restAt. */
  function orOf(meta, parts) {
    const m = new Map();
    const rest = new Array(meta.nb + 1).fill(-1), restAt = new Array(meta.nb + 1).fill(0);
    for (let bi = 0; bi <= meta.nb; bi++) {
      for (const R of parts) {
        if (R.rest[bi] >= 0) { rest[bi] = Math.max(rest[bi], 0) + R.rest[bi]; restAt[bi] = Math.max(restAt[bi], R.restAt[bi]); }
      }
    }
    for (const R of parts) {
      for (const rec of R.m.keys()) {
        if (m.has(rec)) continue;
        const bi = bucketOfRec(meta, rec);
        let lo = 0, hi = 0, yes = false;
        for (const S of parts) {
          const v = S.m.get(rec);
          if (v) { if (v[2]) lo += v[0]; hi += v[1]; yes = yes || v[2]; } else if (S.rest[bi] >= 0) hi += S.rest[bi];
        }
        m.set(rec, [lo, hi, yes]);
      }
    }
    return { m: m, rest: rest, restAt: restAt };
  }
  function andOf(meta, pos, neg, check, guard) {
    /* check(rec): false when the records' positions rule it out (phrases), given every part holds it.
       guard (words after NOT, paged searches): guard.cleared holds the passages whose own record
       was read (true: it holds a word after NOT); a passage every other part certainly holds but
       whose lists after NOT are not loaded whole in its bucket goes into guard.pending,
       for the search to read its record rather than those lists. */
    const np = meta.nb * meta.stride;
    const m = new Map();
    const rest = new Array(meta.nb + 1).fill(-1), restAt = new Array(meta.nb + 1).fill(0);
    for (let bi = 0; bi <= meta.nb; bi++) {
      if (pos.every(function (R) { return R.rest[bi] >= 0; })) {
        rest[bi] = pos.reduce(function (a, R) { return a + R.rest[bi]; }, 0);
        restAt[bi] = pos.reduce(function (a, R) { return Math.max(a, R.restAt[bi]); }, 0);
      }
    }
    const seen = new Set();
    for (const R of pos) {
      for (const rec of R.m.keys()) {
        if (seen.has(rec)) continue;
        seen.add(rec);
        const bi = bucketOfRec(meta, rec);
        let lo = 0, hi = 0, yes = true, out = false, all = true;
        for (const S of pos) {
          const v = S.m.get(rec);
          if (v) { lo += v[0]; hi += v[1]; yes = yes && v[2]; } else if (S.rest[bi] >= 0) { hi += S.rest[bi]; yes = false; all = false; } else { out = true; break; }
        }
        if (out || (all && check && !check(rec))) continue;
        const read = guard && rec < np ? guard.cleared.get(rec) : undefined;
        if (read === true) continue;
        if (read === undefined) {
          const held = yes;
          for (const N of neg) {
            const v = N.m.get(rec);
            if (v && v[2]) { out = true; break; }
            if (v || N.rest[bi] >= 0) yes = false;
          }
          if (!out && held && !yes && guard && rec < np) guard.pending.add(rec);
        }
        if (!out) m.set(rec, [yes ? lo : 0, hi, yes]);
      }
    }
    return { m: m, rest: rest, restAt: restAt };
  }
  /* The query as a function of the lists' current state (() => result), its lists in
     `lists` (those under NOT in `neg`: loaded whole), and how many records it matches
     at least by the lists' sizes alone ({p, o}: words joined by OR). */
  Engine.prototype.compile = async function (node, lists, neg, guards) {
    const self = this, meta = this.meta;
    const ofList = function (l) { return { m: l.map, rest: l.rest, restAt: l.restAt }; };
    const maxDf = function (ls) {
      const d = { p: 0, o: 0 };
      for (const l of ls) { d.p = Math.max(d.p, l.df.p); d.o = Math.max(d.o, l.df.o); }
      return d;
    };
    if ("term" in node) {
      const ls = await Promise.all(fieldsOf(node).map(function (f) { return self.list(f, node.term, false, lists); }));
      return { ev: function () { return orOf(meta, ls.map(ofList)); }, df: maxDf(ls) };
    }
    if ("prefix" in node) {
      const ls = [];
      if (Array.from(node.prefix).length >= 2) {
        const shards = await this.shards(node.prefix);
        const stems = new Set(Q.shorterStems(node.prefix));
        for (const f of fieldsOf(node)) {
          const words = new Set();
          for (const [, shard] of shards) for (const w of Object.keys(shard[f])) words.add(w);
          for (const word of Array.from(words).sort()) {
            if (word.startsWith(node.prefix) || stems.has(word)) ls.push(await this.list(f, word, false, lists));
          }
        }
      }
      return { ev: function () { return orOf(meta, ls.map(ofList)); }, df: maxDf(ls) };
    }
    if ("phrase" in node && node.phrase.length === 2) {
      /* two words: the pair's own postings */
      const ls = await Promise.all(fieldsOf(node).map(function (f) { return self.pair(f, node.phrase[0], node.phrase[1], lists); }));
      return { ev: function () { return orOf(meta, ls.map(ofList)); }, df: maxDf(ls) };
    }
    if ("phrase" in node) {
      const per = [];
      for (const f of fieldsOf(node)) {
        per.push(await Promise.all(node.phrase.map(function (w) { return self.list(f, w, true, lists); })));
      }
      return {
        ev: function () {
          return orOf(meta, per.map(function (ls) {
            const check = function (rec) {
              /* some position of the first word with each next word at the next position */
              return ls[0].map.get(rec)[3].some(function (p0) {
                return ls.every(function (l, i) { return l.map.get(rec)[3].includes(p0 + i); });
              });
            };
            return andOf(meta, ls.map(ofList), [], check);
          }));
        },
        df: { p: 0, o: 0 },
      };
    }
    if ("or" in node) {
      const parts = [];
      for (const x of node.or) parts.push(await this.compile(x, lists, neg, guards));
      const d = { p: 0, o: 0 };
      for (const c of parts) { d.p = Math.max(d.p, c.df.p); d.o = Math.max(d.o, c.df.o); }
      return { ev: function () { return orOf(meta, parts.map(function (c) { return c.ev(); })); }, df: d };
    }
    if ("and" in node) {
      const pos = [], negs = [], nots = [];
      for (const x of node.and) {
        if ("not" in x) { negs.push(await this.compile(x.not, neg, neg)); nots.push(x.not); }
        else pos.push(await this.compile(x, lists, neg, guards));
      }
      const guard = nots.length && guards ? { nots: nots, cleared: new Map(), pending: new Set() } : null;
      if (guard) guards.push(guard);
      return {
        ev: function () {
          if (guard) guard.pending.clear();
          return andOf(meta, pos.map(function (c) { return c.ev(); }), negs.map(function (c) { return c.ev(); }), null, guard);
        },
        df: { p: 0, o: 0 },
      };
    }
    throw new Q.QueryError("NOT only leaves things out: give a word or phrase to look for as well");
  };
  /* The first `want` results of one kind (passages: rec < np; the rest), from a bounded
     result: {hits: [[rec, score], ...] best first, known: how many match for certain,
     done: whether the hits are those of the full evaluation, threats: the buckets where a record
     not loaded could still overtake them}. */
  function firstOf(meta, R, allowed, isSide, buckets, want) {
    const exact = [], loose = [];
    let known = 0;
    for (const [rec, v] of R.m) {
      if (!isSide(rec) || (allowed && !allowed(rec))) continue;
      if (v[2]) known += 1;
      (v[2] && v[0] === v[1] ? exact : loose).push([rec, v[0], v[1]]);
    }
    const order = meta.order;
    exact.sort(function (a, b) { return b[1] - a[1] || order(a[0]) - order(b[0]); });
    let unseen = -1;
    for (const bi of buckets) unseen = Math.max(unseen, R.rest[bi]);
    const complete = loose.length === 0 && unseen < 0;
    if (complete || exact.length < want) {
      /* too few certain: load on first in the buckets of the best records not yet certain
         (the next page's candidates), all of them when there are none */
      let threats = complete ? [] : buckets;
      if (!complete && loose.length) {
        loose.sort(function (a, b) { return b[2] - a[2] || order(a[0]) - order(b[0]); });
        threats = Array.from(new Set(loose.slice(0, want - exact.length).map(function (h) { return bucketOfRec(meta, h[0]); })));
      }
      return { hits: complete ? exact.slice(0, want).map(function (h) { return [h[0], h[1]]; }) : [], known: known, done: complete,
        threats: threats, complete: complete };
    }
    const last = exact[want - 1];
    const threats = new Set();
    const lastAt = order(last[0]);
    for (const [rec, , hi] of loose) if (hi > last[1] || (hi === last[1] && order(rec) < lastAt)) threats.add(bucketOfRec(meta, rec));
    /* a record not loaded scores at most its bucket's rest; at a tie the record a whole build numbers lower comes first */
    for (const bi of buckets) {
      const r = R.rest[bi];
      if (r > last[1] || (r === last[1] && R.restAt[bi] < lastAt)) threats.add(bi);
    }
    return { hits: exact.slice(0, want).map(function (h) { return [h[0], h[1]]; }), known: known, done: threats.size === 0,
      threats: Array.from(threats), complete: false };
  }
  /* The first `want` records of one kind that certainly match, by the score they are known to
     have so far (their whole score where every list holding them is loaded there), best first:
     the page shown when the budget is spent before the first page is proven. */
  function bestFound(meta, R, allowed, isSide, want) {
    const hits = [], order = meta.order;
    for (const [rec, v] of R.m) if (v[2] && isSide(rec) && (!allowed || allowed(rec))) hits.push([rec, v[0]]);
    hits.sort(function (a, b) { return b[1] - a[1] || order(a[0]) - order(b[0]); });
    return hits.slice(0, want);
  }
  /* Ranked results, best first: {passages: [[rec, score], ...], others: (claims and stakeholders),
     count: {p, o} records matching, exact: {p, o} whether the counts are exact or lower bounds}.
     want = {passages: n, others: m}: only the first n and m, exactly those of the full
     evaluation, loading each word's postings best first until nothing not loaded can
     overtake them; without want, every posting and every result. Past the engine's budget
     (characters of tiers loaded by this search), the first n and m are the best of the matches
     found so far (bestFound) and ranked says so: {p, o} false. */
  Engine.prototype.search = async function (node, allowed, want) {
    const meta = await this.init();
    const start = this.spent, readStart = this.read;
    const budget = this.budget === null ? meta.budget : this.budget;
    const lists = [], neg = [], guards = [];
    /* every word's index files asked for at once: compile takes the words one after another,
       and would otherwise wait for one word's files before asking for the next one's */
    for (const t of wordsOf(node, [])) this.shards(t).catch(function () {});
    const q = await this.compile(node, lists, neg, want ? guards : null);
    const np = meta.nb * meta.stride;
    /* The words after NOT, in a passages' bucket where the rest of their lists weighs more than
       a few record files (a common word's whole list, loaded only to leave records out): a
       paged search does not load their tiers there; it reads the records of the passages that
       could enter the page (guards: andOf) and looks for the words in them, as the index
       analyses them. Elsewhere, and in the claims' and stakeholders' bucket (whose records show
       only part of what is indexed), they load as the other words do, where a record could
       still enter the page. */
    const only = neg.filter(function (l) { return !lists.includes(l); });
    const self = this;
    const byRecords = function (bi) {
      return bi < meta.nb && only.reduce(function (a, l) { return a + l.remaining(bi); }, 0) > self.readAt * self.fileWeight();
    };
    const everyBucket = Array.from({ length: meta.nb + 1 }, function (_, i) { return i; });
    const load = function (l, buckets) {
      if (!want || !only.includes(l)) return buckets;
      return new Set((buckets ? Array.from(buckets) : everyBucket).filter(function (b) { return !byRecords(b); }));
    };
    const every = lists.concat(only);
    if (!want) await Promise.all(every.map(function (l) { return l.all(); }));
    const pb = Array.from({ length: meta.nb }, function (_, i) { return i; });
    let stalled = false;
    const spent = function () { return self.spent - start + self.read - readStart; };
    for (;;) {
      let R = q.ev();
      let read = 0, starved = false;
      if (guards.length) {
        const todo = toRead(meta, R, guards, allowed, want.passages, byRecords);
        if (todo.length && spent() + this.readCost(todo) <= budget) {
          await this.readNots(guards, todo);
          read = todo.length;
          R = q.ev();
        } else if (todo.length) {
          starved = true;   /* records to read past the budget: the page shows what is certain */
        }
      }
      const p = firstOf(meta, R, allowed, function (r) { return r < np; }, pb, want ? want.passages : Infinity);
      const o = firstOf(meta, R, allowed, function (r) { return r >= np; }, [meta.nb], want ? want.others : Infinity);
      const threats = new Set(p.threats.concat(o.threats));
      const over = want && !(p.done && o.done) && (starved || spent() + every.reduce(function (a, l) {
        return a + l.cost(load(l, threats));
      }, 0) > budget);
      if ((p.done && o.done) || over) {
        const df = allowed ? { p: 0, o: 0 } : q.df;
        const np = function (r) { return r < meta.nb * meta.stride; };
        const no = function (r) { return !np(r); };
        return { passages: p.done ? p.hits : bestFound(meta, R, allowed, np, want.passages),
          others: o.done ? o.hits : bestFound(meta, R, allowed, no, want.others),
          count: { p: Math.max(p.known, p.complete ? 0 : df.p), o: Math.max(o.known, o.complete ? 0 : df.o) },
          exact: { p: p.complete, o: o.complete }, ranked: { p: p.done, o: o.done } };
      }
      /* the next tier of every list in the buckets where a record could still overtake the
         results found (else in every bucket) */
      let n = (await Promise.all(every.map(function (l) { return l.more(load(l, threats)); }))).reduce(function (a, b) { return a + b; }, 0);
      if (!n) n = (await Promise.all(every.map(function (l) { return l.more(load(l, null)); }))).reduce(function (a, b) { return a + b; }, 0);
      n += read;
      /* Nothing left to load. The lists are shared with the other searches of this page (a
         search typed, then submitted; the next page of results): one of them may have loaded
         the last tiers since R was evaluated, so evaluate once more before giving up. */
      if (!n) {
        if (stalled) throw new Error("the search index is inconsistent: results are not complete with every file loaded");
        stalled = true;
      } else {
        stalled = false;
      }
    }
  };
  /* The passages whose records a paged search reads next (guards: andOf): those every part
     but NOT certainly holds that could enter the first `want` (scoring at most no less than
     the `want`-th best score a matching record is sure of, or any while fewer are sure to
     match), the highest first, `want` at most. */
  function toRead(meta, R, guards, allowed, want, byRecords) {
    const np = meta.nb * meta.stride;
    const sure = [];
    for (const [rec, v] of R.m) if (rec < np && v[2] && (!allowed || allowed(rec))) sure.push(v[0]);
    sure.sort(function (a, b) { return b - a; });
    const bar = sure.length >= want ? sure[want - 1] : -1;
    const found = new Map();
    for (const g of guards) {
      for (const rec of g.pending) {
        if ((allowed && !allowed(rec)) || !byRecords(bucketOfRec(meta, rec))) continue;
        /* the most it can score in the whole query (a part of an OR adds the others' scores) */
        const v = R.m.get(rec);
        if (v && v[1] >= bar) found.set(rec, v[1]);
      }
    }
    return Array.from(found).sort(function (a, b) { return b[1] - a[1] || meta.order(a[0]) - meta.order(b[0]); })
      .slice(0, want).map(function (h) { return h[0]; });
  }
  /* Whether a record holds what `node` (a query's part after NOT) looks for, in the fields
     the index gives it: its text and its headings ("hf" where they are more than "h"). */
  function holds(node, rec) {
    if ("or" in node) return node.or.some(function (x) { return holds(x, rec); });
    if ("and" in node) {
      return node.and.every(function (x) { return "not" in x ? !holds(x.not, rec) : holds(x, rec); });
    }
    const fields = fieldsOf(node).map(function (f) {
      return Q.analyse(f === "t" ? rec.x || "" : ("hf" in rec ? rec.hf : rec.h || ""));
    });
    if ("term" in node) return fields.some(function (ws) { return ws.includes(node.term); });
    if ("prefix" in node) {
      if (Array.from(node.prefix).length < 2) return false;
      const stems = new Set(Q.shorterStems(node.prefix));
      return fields.some(function (ws) { return ws.some(function (w) { return w.startsWith(node.prefix) || stems.has(w); }); });
    }
    if ("phrase" in node) {
      const ph = node.phrase;
      return fields.some(function (ws) {
        for (let i = 0; i + ph.length <= ws.length; i++) if (ph.every(function (w, k) { return ws[i + k] === w; })) return true;
        return false;
      });
    }
    throw new Error("a query part the search cannot look for in a record");
  }
  /* The files of records `recs` not read yet to look for words after NOT. */
  Engine.prototype.unread = function (recs) {
    const self = this;
    return Array.from(new Set(recs.map(function (r) { return recordFile(self.meta, r); })))
      .filter(function (f) { return !self.readFiles.has(f); });
  };
  /* What a record file read to settle words after NOT weighs: those read so far, on average. */
  Engine.prototype.fileWeight = function () {
    return this.readFiles.size ? this.read / this.readFiles.size : 4096;
  };
  /* What reading the record files of `recs` may cost. */
  Engine.prototype.readCost = function (recs) {
    return this.unread(recs).length * this.fileWeight();
  };
  /* Read the record files of `recs` and note in each guard whether each of their records
     (every record of a file: the others come free) holds its words after NOT. */
  Engine.prototype.readNots = async function (guards, recs) {
    const meta = this.meta, self = this;
    /* a file read by an earlier search of this engine is loaded already (and counted once) */
    const files = Array.from(new Set(recs.map(function (r) { return recordFile(meta, r); })));
    const got = await Promise.all(files.map(function (f) { return self.get(f); }));
    files.forEach(function (f, k) {
      if (!self.readFiles.has(f)) {
        self.readFiles.add(f);
        self.read += JSON.stringify(got[k]).length;
      }
      const [b, , n] = f.split("/");
      const first = bucketIndex(meta, b) * meta.stride + layerStart(meta, b) + Number(n) * meta.chunk;
      got[k].forEach(function (rec, i) {
        for (const g of guards) g.cleared.set(first + i, g.nots.some(function (x) { return holds(x, rec); }));
      });
    });
  };
  /* Where a layer's records start in its bucket (0: a bucket's own). */
  function layerStart(meta, name) { return name.charAt(0) === "x" ? meta.layers[name][0] : 0; }
  /* A record's bucket (or layer) and its place there. */
  function recordPlace(meta, r) {
    const b = Math.floor(r / meta.stride), place = r % meta.stride;
    const name = b === meta.nb ? "o" : b.toString(16);
    const layer = meta.layers && meta.layers["x" + name];
    return layer && place >= layer[0] ? ["x" + name, place - layer[0]] : [name, place];
  }
  function recordFile(meta, r) {
    const [name, place] = recordPlace(meta, r);
    return name + "/r/" + Math.floor(place / meta.chunk);
  }
  Engine.prototype.records = async function (recs) {
    const meta = this.meta;
    const self = this;
    const fileOf = function (r) { return recordFile(meta, r); };
    const files = await Promise.all(Array.from(new Set(recs.map(fileOf)))
      .map(function (f) { return self.get(f).then(function (d) { return [f, d]; }); }));
    const byFile = new Map(files);
    return recs.map(function (r) { return byFile.get(fileOf(r))[recordPlace(meta, r)[1] % meta.chunk]; });
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
  Engine.prototype.hasDoc = async function (doc) {   /* a document with passages in the index */
    const ranges = await this.get("dr/" + (docHash(doc) % this.meta.dr));
    return Object.prototype.hasOwnProperty.call(ranges, doc);
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
  const countAll = document.getElementById("count-all");
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
  /* The results of the current query: its first `passages` and `others` exactly, the counts
     exact or lower bounds ("at least"); want null: every result, and the exact counts. */
  async function fetchResults(c, want) {
    const res = await engine.search(c.node, c.allowed, want);
    c.passages = res.passages;
    c.others = res.others;
    c.count = res.count;
    c.exact = res.exact;
    c.ranked = res.ranked;
  }
  function say() {
    const c = current;
    const np = c.count.p, no = c.count.o;
    const least = c.exact.p ? "" : "at least ";
    let text = np ? least + plural(np, "passage", "passages") + " match" + (np === 1 && c.exact.p ? "es" : "")
      : c.exact.p ? "No passage matches" : "No passage found to match so far (not every passage checked)";
    text = text.charAt(0).toUpperCase() + text.slice(1);
    if (np) text += np > c.shown || !c.exact.p ? "; showing 1–" + c.shown : "";
    if (np && !c.ranked.p) text += ", the best of the matches found so far (not yet ranked against every match)";
    if (no) text += " · " + (c.exact.o ? "" : "at least ") + plural(no, "claim or stakeholder", "claims and stakeholders");
    status.textContent = text + ".";
    more.hidden = c.exact.p && c.shown >= np;
    const left = np - c.shown;
    more.textContent = c.exact.p ? "Show " + Math.min(PAGE, left) + " more (of " + left + " not shown)"
      : left > 0 ? "Show more (at least " + left + " not shown)" : "Show more";
    countAll.hidden = c.exact.p && c.exact.o;
    countAll.textContent = c.ranked.p && c.ranked.o ? "Count every match" : "Rank and count every match";
  }
  async function showMore(gen, first) {
    const c = current;
    /* the results hold the first page asked for (the count may be exact all the same); the
       first page shows what its search found (a page the budget stopped short is not searched
       again, with a budget of its own, before anyone asks for more) */
    if (!first && c.passages.length < c.shown + PAGE && (!c.exact.p || c.passages.length < c.count.p)) {
      await fetchResults(c, { passages: c.shown + PAGE, others: Math.max(OTHERS, c.shownOthers) });
      if (gen !== generation) return;
    }
    /* the next results not shown yet (the same as the next slice, unless the page shown was
       the best found so far and more loading found better ones) */
    const next = c.passages.map(function (h) { return h[0]; }).filter(function (r) { return !c.seen.has(r); }).slice(0, PAGE);
    const recs = await engine.records(next);
    if (gen !== generation) return;
    for (const rec of recs) list.appendChild(item(rec, c.q, c.found));
    for (const r of next) c.seen.add(r);
    c.shown += recs.length;
    say();
  }
  async function showOthers(all, gen) {
    const c = current;
    if (all && (!c.exact.o || c.others.length < c.count.o)) {
      await fetchResults(c, { passages: Math.max(PAGE, c.shown), others: Infinity });
      if (gen !== generation) return;
    }
    const n = all ? c.others.length : Math.min(OTHERS, c.others.length);
    const recs = await engine.records(c.others.slice(0, n).map(function (h) { return h[0]; }));
    if (gen !== generation) return;
    otherList.replaceChildren();
    for (const rec of recs) otherList.appendChild(item(rec, c.q, c.found));
    c.shownOthers = recs.length;
    otherBox.hidden = !recs.length;
    const btn = document.getElementById("more-others");
    btn.hidden = c.exact.o && n >= c.count.o;
    btn.textContent = c.exact.o ? "Show all " + c.count.o : "Show all";
    say();
  }
  async function countEverything(gen) {
    const c = current, ranked = c.ranked;
    await fetchResults(c, null);
    if (gen !== generation) return;
    if (!ranked.p) {    /* the page shown was the best found so far: show the first page of the ranking */
      const shown = Math.max(PAGE, c.shown);
      list.replaceChildren();
      c.seen = new Set();
      c.shown = 0;
      while (c.shown < shown && c.shown < c.passages.length) {
        await showMore(gen);
        if (gen !== generation) return;
      }
    }
    if (!ranked.o) await showOthers(c.shownOthers > OTHERS, gen);
    if (gen === generation) say();
  }
  function filters() {
    return { doc: form.elements.doc.value.trim(), kind: form.elements.kind.value, sh: form.elements.sh.value };
  }
  function clear() {
    list.replaceChildren();
    otherList.replaceChildren();
    otherBox.hidden = true;
    more.hidden = true;
    countAll.hidden = true;
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
      const doc = filters().doc;
      if (doc && !(await engine.hasDoc(doc))) {   /* a mistyped id: say so, not "no passage matches" */
        if (gen === generation) {
          status.textContent = "No document with the id “" + doc + "” has passages in the search (each document's page links here with its id filled in).";
          clear();
        }
        return;
      }
      const allowed = await engine.allowed(filters());
      const c = { q: q, node: node, allowed: allowed, found: Q.positiveTerms(node), shown: 0, shownOthers: 0, seen: new Set() };
      await fetchResults(c, { passages: PAGE, others: OTHERS });
      if (gen !== generation) return;
      current = c;
      clear();
      await Promise.all([showMore(gen, true), showOthers(false, gen)]);
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
  countAll.addEventListener("click", function () { countEverything(generation); });
  document.getElementById("more-others").addEventListener("click", function () { showOthers(true, generation); });
  for (const name of ["doc", "kind", "sh"]) form.elements[name].addEventListener("change", function () { remember(); if (input.value.trim()) run(); });

  const params = new URLSearchParams(window.location.search);
  for (const name of ["q", "doc", "kind", "sh"]) if (params.get(name)) form.elements[name].value = params.get(name);
  if (input.value.trim()) run();
})();
