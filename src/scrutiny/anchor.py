"""Re-anchoring: where does an old passage id point after its source was revised?

When a re-ingest changes a document's text, the ids of edited, moved-and-edited
or deleted passages disappear (ids come from the text). Each old passage is
looked for in the new text, after the W3C Web Annotation TextQuoteSelector and
Hypothesis's anchoring: the quote first, then the quote with its context.

1. **word for word** -- the old text, normalised as passage ids are (NFKC, plain
   quotes and dashes, case-folded, white space collapsed), occurs in the new
   text: as a whole passage (method ``exact``, the only one that is "the same
   text"), inside a longer passage (``merged``), or across consecutive passages
   (``split``: the redirect points at the first and ``span`` lists them all, so
   that a citation quotes and pages the whole old text). When it occurs more than once the
   occurrence whose neighbours best match the old neighbours wins. A short text
   (fewer than ``MIN_CONTAINED_WORDS`` words) only matches a whole passage: a
   heading "Outcomes" is not re-anchored to a paragraph that uses the word.
   Nor is any text re-anchored *inside* a passage that was already there
   unchanged (``existing_ids``): those words belonged to something else; and a
   heading only ever matches a whole heading (exactly or fuzzily).
2. **fuzzy** -- the old text is aligned word by word with each candidate window
   (one new passage, or two consecutive ones). ``quote`` is the alignment's
   similarity (2 x matched words / (old words + words of the matched span), the
   difflib ratio restricted to the span, so a merge does not count against it);
   ``prefix``/``suffix`` compare the old neighbouring passages with the new
   neighbours. The match is accepted when

   * no edited word changes what the text says: a number, a number word,
     a negation, a modal verb, a quantifier or a word of direction (``21,000``
     -> ``12,000``, ``will`` -> ``may``, ``partly`` -> ``entirely``,
     ``rise`` -> ``fall``: a change in any of them makes an orphan);
   * no content word is replaced by another word (``east`` -> ``west``,
     ``doubled`` -> ``cut``): a replaced word must be a function word
     (``that`` -> ``which``) or a respelling of itself (``organisation`` ->
     ``organization``, spelling similarity >= 0.8); words may be added or
     dropped; and
   * ``quote >= QUOTE_THRESHOLD`` (0.85: at most about one word in seven
     edited), or ``quote >= QUOTE_WITH_CONTEXT`` (0.75) when both neighbours
     are still there (``min(prefix, suffix) >= CONTEXT_THRESHOLD``, 0.9).

   Why these numbers: in tests/test_anchor.py an edit of two function words
   scores 0.88, a one-word respelling 0.92-0.96, a paragraph rewritten to say
   something else 0.74 (and is refused for its replaced words whatever the
   score), an unrelated paragraph 0.17. The band 0.75-0.85 (two or three small
   edits in a short paragraph) is trusted only where the paragraph stayed put. Hypothesis accepts far weaker
   matches (up to half the characters wrong); a citation must be stricter
   than a highlight.
3. **orphan** -- anything else. An orphan keeps its old text in
   ``passage_redirects`` and is listed, never pointed at other text.

The reported ``score`` is Hypothesis's weighting
``(50 quote + 20 prefix + 20 suffix + 2 position) / 92`` over the parts
available, 1.0 for an unambiguous exact match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from scrutiny.passages import Passage, normalise
from scrutiny.store import Redirect

QUOTE_THRESHOLD = 0.85
QUOTE_WITH_CONTEXT = 0.75
CONTEXT_THRESHOLD = 0.9
MIN_CONTAINED_WORDS = 6
CANDIDATES = 8  # new passages kept per old passage after the cheap word-overlap filter

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|\w+(?:'\w+)*|[%\u00a3$\u20ac]")

# Words whose change changes what a sentence says (kept lower-case).
_NUMBER_WORDS = set(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion half halves third thirds quarter quarters double
    doubled twice triple tripled percent per cent k m bn first second last""".split()
)
_MEANING_WORDS = set(
    """not no nor never none neither nothing nobody without cannot can't won't don't doesn't didn't
    isn't aren't wasn't weren't shouldn't wouldn't couldn't mustn't hasn't haven't hadn't
    will would shall should must may might can could ought need needs required require
    all every each any some most many much few fewer less least more only partly partially
    entirely fully wholly mostly largely always sometimes rarely often
    increase increased increases increasing decrease decreased decreases decreasing
    rise rose risen rising fall fell fallen falling grow grew grown growth cut cuts reduce
    reduced reduction higher lower above below over under before after up down gain loss
    better worse improve improved improvement worsen worsened deteriorate deteriorated
    success successful failure failed fail agree agrees agreed disagree disagrees rejects reject
    rejected accept accepts accepted support supports oppose opposes true false""".split()
)


# Function words: swapping one for another ("that" -> "which", "the" -> "this") is
# an edit of style. Any other word may only be replaced by a respelling of itself.
_FUNCTION_WORDS = set(
    """a an the this that these those which who whom whose what it its they them their there
    here of in on at by for from with to into onto upon as and or but so than then also too
    very just is are was were be been being has have had do does did we our us you your he
    she his her i my me one ones such same other another about around within across through
    during while whilst when where how why if whether""".split()
)
SPELLING_SIMILARITY = 0.8  # organisation/organization 0.92, recieve/receive 0.86, east/west 0.75


def _respelt(a: str, b: str) -> bool:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SPELLING_SIMILARITY


def _substitutions(old_words: list[str], new_words: list[str]) -> list[tuple[str, str]]:
    """Replaced content words that are not respellings: (old, new) pairs that may change the sense."""
    bad = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag != "replace":
            continue
        olds = [w for w in old_words[i1:i2] if w not in _FUNCTION_WORDS]
        news = [w for w in new_words[j1:j2] if w not in _FUNCTION_WORDS]
        for w in olds:
            if news and not any(_respelt(w, n) for n in news):
                bad.append((w, news[0]))
        for n in news:
            if olds and not any(_respelt(w, n) for w in olds):
                bad.append((olds[0], n))
    return bad


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def _significant(word: str) -> bool:
    return (
        any(c.isdigit() for c in word)
        or word in _NUMBER_WORDS
        or word in _MEANING_WORDS
        or word in "%\u00a3$\u20ac"
        or word.endswith("n't")
    )


@dataclass(frozen=True)
class Anchoring:
    """Where :func:`reanchor` found an old passage's text (``new_id`` None: an orphan)."""

    old_id: str
    new_id: str | None
    method: str                   # exact | merged | split | fuzzy | orphan
    score: float | None           # None for an orphan
    span: list[str]               # the new passages the old text occupies, in reading order
    reason: str | None = None     # for fuzzy matches and orphans
    quote: float | None = None    # fuzzy matches: the similarity of the quote alone


@dataclass(frozen=True)
class OldText:
    """An old passage to re-anchor: its id and text and, where known, its kind, its
    position in the old version (``ord``), its page, and the text of the passages
    before and after it (``prefix``/``suffix``: "" at the start or end of the
    document; None when not recorded, as for a stored redirect's text)."""

    id: str
    text: str
    kind: str | None = None
    ord: int | None = None
    page: int | None = None
    prefix: str | None = None
    suffix: str | None = None


@lru_cache(maxsize=4096)
def _ratio(a: str, b: str) -> float:
    """Word-level similarity of two neighbour texts (difflib's ratio over tokens)."""
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, _tokens(a), _tokens(b), autojunk=False).ratio()


class _NewText:
    """The new passages, normalised and joined with single spaces, with a map
    from character offset to passage index."""

    def __init__(self, passages: list[Passage]):
        self.passages = list(passages)
        self.norm = [normalise(p.text) for p in self.passages]
        self.words = [_tokens(p.text) for p in self.passages]
        self.starts = []
        pos = 0
        for n in self.norm:
            self.starts.append(pos)
            pos += len(n) + 1
        self.joined = " ".join(self.norm)
        self.by_norm: dict[str, list[int]] = {}
        for i, n in enumerate(self.norm):
            self.by_norm.setdefault(n, []).append(i)
        self.word_sets = [set(w) for w in self.words]

    def index_at(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def text(self, i: int) -> str:
        return self.passages[i].text if 0 <= i < len(self.passages) else ""


def _context(old: OldText, new: _NewText, i: int) -> tuple[float | None, float | None]:
    """How well the old neighbours match the neighbours of new passage i
    (None where the old passage had no recorded context). An empty prefix or
    suffix means "first/last passage" when the old position (``ord``) is known,
    and "unknown" otherwise (a redirect's stored text carries no neighbours)."""
    prefix, suffix = old.prefix, old.suffix
    if old.ord is None:
        prefix, suffix = prefix or None, suffix or None
    pre = _ratio(prefix, new.text(i - 1)) if prefix is not None and (prefix or i > 0) else None
    suf = (
        _ratio(suffix, new.text(i + 1))
        if suffix is not None and (suffix or i < len(new.passages) - 1) else None
    )
    if prefix == "" and i == 0:
        pre = 1.0  # both at the start
    if suffix == "" and i == len(new.passages) - 1:
        suf = 1.0  # both at the end
    return pre, suf


def _position(old: OldText, new: _NewText, i: int, old_count: int | None) -> float | None:
    ord_ = old.ord
    if ord_ is None or not old_count or len(new.passages) < 2:
        return None
    return 1.0 - abs(ord_ / max(old_count - 1, 1) - i / (len(new.passages) - 1))


def _score(quote, pre, suf, pos) -> float:
    parts = [(50, quote), (20, pre), (20, suf), (2, pos)]
    total = sum(w for w, v in parts if v is not None)
    return round(sum(w * v for w, v in parts if v is not None) / total, 4)


def _exact(old: OldText, new: _NewText, old_count, skip: set[int] = frozenset()) -> dict | None:
    text = normalise(old.text)
    if not text:
        return None
    hits = [(i, i) for i in new.by_norm.get(text, [])]  # (first, last) passage of each occurrence
    heading = old.kind == "heading"
    if not hits and not heading and len(_tokens(text)) >= MIN_CONTAINED_WORDS:
        start = new.joined.find(text)
        while start != -1:
            end = start + len(text)
            bounded = (start == 0 or not new.joined[start - 1].isalnum()) and (
                end == len(new.joined) or not new.joined[end].isalnum()
            )
            first, last = new.index_at(start), new.index_at(end - 1)
            # inside a passage that was already there unchanged, the words were part of
            # something else before the revision: not this passage's successor
            if bounded and not any(k in skip for k in range(first, last + 1)):
                hits.append((first, last))
            start = new.joined.find(text, start + 1)
        hits = sorted(set(hits))
    if not hits:
        return None
    if len(hits) == 1:
        first, last = hits[0]
        return {"new_index": first, "last_index": last, "score": 1.0}
    ranked = []
    for first, last in hits:
        pre, suf = _context(old, new, first)[0], _context(old, new, last)[1]
        ranked.append((_score(1.0, pre, suf, _position(old, new, first, old_count)), -first, first, last))
    ranked.sort(reverse=True)
    return {"new_index": ranked[0][2], "last_index": ranked[0][3], "score": ranked[0][0]}


def _align(old_words: list[str], window: list[str]):
    """Align old words in a window: (quote similarity, matching blocks, changed words)."""
    blocks = [b for b in SequenceMatcher(None, old_words, window, autojunk=False).get_matching_blocks()
              if b.size]
    if not blocks:
        return 0.0, [], set(), []  # quote, blocks, changed words, aligned span
    matched = sum(b.size for b in blocks)
    lo, hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    if len(old_words) < MIN_CONTAINED_WORDS:
        lo, hi = 0, len(window)  # a short text must match a whole passage, not a phrase in one
    quote = 2 * matched / (len(old_words) + (hi - lo))
    changed = set()
    span = window[lo:hi]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, span, autojunk=False).get_opcodes():
        if tag != "equal":
            changed.update(old_words[i1:i2])
            changed.update(span[j1:j2])
    return quote, blocks, changed, span


def _fuzzy(old: OldText, new: _NewText, old_count, skip: set[int]) -> tuple[dict | None, str]:
    words = _tokens(old.text)
    if not words:
        return None, "empty text"
    wset = set(words)
    if old.kind == "heading":  # a heading is only ever re-anchored to a heading
        skip = skip | {i for i, p in enumerate(new.passages) if p.kind != "heading"}
    overlap = sorted(
        ((len(wset & ws) / len(wset | ws), i) for i, ws in enumerate(new.word_sets)
         if i not in skip and ws and wset & ws),
        reverse=True,
    )[:CANDIDATES]
    best, reason, best_rejected = None, "no similar passage in the new text", -1.0
    seen = set()
    for _, i in overlap:
        for lo, hi in ((i, i + 1), (i, i + 2), (i - 1, i + 1)):
            if (lo, hi) in seen or lo < 0 or hi > len(new.passages):
                continue
            seen.add((lo, hi))
            if any(k in skip for k in range(lo, hi)):
                continue
            offsets = [0]
            for k in range(lo, hi):
                offsets.append(offsets[-1] + len(new.words[k]))
            window = [w for k in range(lo, hi) for w in new.words[k]]
            quote, blocks, changed, span = _align(words, window)
            if quote < QUOTE_WITH_CONTEXT and quote <= best_rejected:
                continue  # cannot be accepted, nor explain an orphan better
            counts = [0] * (hi - lo)
            for b in blocks:
                for j in range(b.b, b.b + b.size):
                    counts[next(x for x in range(hi - lo) if j < offsets[x + 1])] += 1
            if hi - lo > 1 and min(counts) == 0:
                continue  # a split must use both passages; the single one is tried on its own
            target = lo + max(range(hi - lo), key=lambda x: counts[x])
            pre = _context(old, new, lo)[0]
            suf = _context(old, new, hi - 1)[1]
            swaps = _substitutions(words, span) if quote >= QUOTE_WITH_CONTEXT else []
            bad = sorted(w for w in changed if _significant(w)) + sorted(f"{a}->{b}" for a, b in swaps)
            ctx_ok = pre is not None and suf is not None and min(pre, suf) >= CONTEXT_THRESHOLD
            accepted = not bad and (
                quote >= QUOTE_THRESHOLD or (quote >= QUOTE_WITH_CONTEXT and ctx_ok)
            )
            score = _score(quote, pre, suf, _position(old, new, target, old_count))
            if accepted:
                if best is None or (score, quote) > (best["score"], best["quote"]):
                    best = {"new_index": target, "score": score, "quote": round(quote, 4),
                            "span": list(range(lo, hi))}
            elif quote > best_rejected:
                best_rejected = quote
                if bad and quote >= QUOTE_WITH_CONTEXT:
                    shown = ", ".join(w if "->" in w else repr(w) for w in bad[:4])
                    reason = f"the closest passage (similarity {quote:.2f}) changes {shown}"
                else:
                    reason = f"the closest passage is too different (similarity {quote:.2f})"
    return best, reason


def reanchor(old_passages: list[OldText], new_passages: list[Passage], *, existing_ids=None) -> list[Anchoring]:
    """Re-anchor passages whose ids are gone after a re-ingest.

    ``old_passages``: what each old passage was (:class:`OldText`).
    ``new_passages``: the new version's passages, in reading order.
    ``existing_ids``: ids of passages that were already in the old version
    unchanged; a match never lands on one of them (that text was a different
    passage before the revision, so it is not this one's successor).

    Returns one :class:`Anchoring` per old passage, in order: ``span`` holds the
    ids of the new passages the old text now occupies, in reading order,
    ``new_id`` among them and first for a split (empty for an orphan). ``method`` is

    * ``exact``: the new passage's text is the old text (normalised): the only
      redirect that may be called "the same text";
    * ``merged``: the old text, word for word, is part of a longer new passage;
    * ``split``: the old text, word for word, runs across the consecutive new
      passages in ``span`` (``new_id`` is the first);
    * ``fuzzy``: an edited version (``span`` has two ids when it was also split);
    * ``orphan``.
    """
    new = _NewText(new_passages)
    existing = set(existing_ids or ())
    skip = {i for i, p in enumerate(new.passages) if p.id in existing}
    ords = [p.ord for p in old_passages if p.ord is not None]
    old_count = (max(ords) + 1) if ords else None
    out = []
    for old in old_passages:
        old_id = old.id
        hit = _exact(old, new, old_count, skip) if new.passages else None
        if hit:
            first, last = hit["new_index"], hit["last_index"]
            if first != last:
                method = "split"
            elif new.norm[first] == normalise(old.text):
                method = "exact"
            else:
                method = "merged"
            out.append(Anchoring(old_id, new.passages[first].id, method, hit["score"],
                                 [new.passages[k].id for k in range(first, last + 1)]))
            continue
        match, reason = _fuzzy(old, new, old_count, skip) if new.passages else (None, "the document is empty")
        if match:
            out.append(Anchoring(old_id, new.passages[match["new_index"]].id, "fuzzy", match["score"],
                                 [new.passages[k].id for k in match["span"]],
                                 reason=f"quote similarity {match['quote']:.2f}", quote=match["quote"]))
        else:
            out.append(Anchoring(old_id, None, "orphan", None, [], reason=reason))
    return out


# --- where an old text stands now (read side: cite, show, the site) ------------------

_SPAN_WINDOW = 40  # passages read after a redirect's target when looking for the rest of a split


class Span:
    """Where an old passage's text stands in the current version: consecutive
    ``passages`` (in reading order) and character offsets, ``start`` into the
    first passage's text and ``end`` (exclusive) into the last's.

    ``text`` is the current text of that span, taken from the stored passages
    (what a quotation may show); ``page``/``page_end`` are the pages of its first
    and last character (``page_breaks`` of each passage decide)."""

    def __init__(self, passages: list[Passage], start: int, end: int, method: str):
        self.passages, self.start, self.end, self.method = passages, start, end, method

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.passages]

    @property
    def text(self) -> str:
        if len(self.passages) == 1:
            return self.passages[0].text[self.start:self.end]
        first, *middle, last = self.passages
        return " ".join([first.text[self.start:], *(p.text for p in middle), last.text[:self.end]])

    @property
    def page(self) -> int:
        return self.passages[0].page_at(self.start)

    @property
    def page_end(self) -> int:
        last = self.passages[-1]
        if self.end >= len(last.text):
            return last.page_end
        return last.page_at(max(self.end - 1, 0), end=True)

    @property
    def whole(self) -> bool:
        """The span is exactly the passages (nothing before or after it in them)."""
        return self.start == 0 and self.end == len(self.passages[-1].text)

    def as_passage(self) -> Passage:
        """The first passage (its id, hence its permalink) with the span's text and
        pages: what a citation of the old id cites."""
        return replace(self.passages[0], text=self.text, page=self.page, page_end=self.page_end,
                       page_breaks=[], span=self.ids,
                       reanchored=None if self.method == "exact" else self.describe())

    def describe(self) -> str:
        """How the old text relates to the current passages, for a notice."""
        if self.method == "exact":
            return "the same text"
        if self.method == "fuzzy":
            where = f"passages {', '.join(self.ids)}" if len(self.ids) > 1 else "it"
            return f"an edited version of the text: a fuzzy match; check {where} before citing"
        if len(self.passages) > 1:
            return (f"the text was split: it now runs across passages {', '.join(self.ids)}; "
                    "the citation covers all of them")
        return f"the text is now part of the longer passage {self.ids[0]}; the citation quotes that part"


def _norm_map(raw: str) -> list[int] | None:
    """For each character of ``normalise(raw)``, the index of the raw character it
    comes from (None in the rare case the character-wise normalisation differs)."""
    import unicodedata

    from scrutiny.passages import _TRANSLATE

    out, where, prev_space = [], [], True
    for i, ch in enumerate(raw):
        for c in unicodedata.normalize("NFKC", ch).translate(_TRANSLATE):
            if c.isspace():
                if not prev_space:
                    out.append(" ")
                    where.append(i)
                prev_space = True
            else:
                for f in c.casefold():
                    out.append(f)
                    where.append(i)
                prev_space = False
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return where if "".join(out) == normalise(raw) else None


def locate(old_text: str, passages: list[Passage], method: str = "exact") -> Span | None:
    """Find ``old_text`` word for word (normalised) at the start of the consecutive
    ``passages`` -- beginning in the first, possibly running on into the next ones.
    None when it is not there."""
    if not passages:
        return None
    new = _NewText(passages)
    text = normalise(old_text)
    if not text:
        return None
    first_end = new.starts[0] + len(new.norm[0])
    start = new.joined.find(text)
    while start != -1 and start < first_end:
        end = start + len(text)
        bounded = (start == 0 or not new.joined[start - 1].isalnum()) and (
            end == len(new.joined) or not new.joined[end].isalnum())
        if bounded:
            last = new.index_at(end - 1)
            span = passages[: last + 1]
            a = _raw_offset(passages[0].text, new.norm[0], start, at_end=False)
            b = _raw_offset(passages[last].text, new.norm[last], end - new.starts[last], at_end=True)
            return Span(span, a, b, method)
        start = new.joined.find(text, start + 1)
    return None


def _raw_offset(raw: str, norm: str, offset: int, *, at_end: bool) -> int:
    where = _norm_map(raw)
    if where is None:  # cannot map: take the whole passage
        return len(raw) if at_end else 0
    if at_end:
        return len(raw) if offset >= len(where) else where[offset - 1] + 1
    return where[offset] if offset < len(where) else len(raw)


def redirect_span(store, redirect: Redirect) -> Span | None:
    """Where a redirect's old text stands in the current version, checked now.

    For ``exact``, ``merged`` and ``split`` redirects (and older rows that called
    every word-for-word match ``exact``) the old text must still be found word
    for word from the target passage on; None when it is not (the document
    changed again without the redirect being re-anchored: treat the old id as
    needing review, never cite the target as if it were the old text). For a
    ``fuzzy`` redirect the span is the target passage, or it and its neighbour
    when the old text's words fall in both (a split and an edit).
    """
    if not redirect or not redirect.new_id:
        return None
    target = store.passage(redirect.new_id)
    if target is None:
        return None
    following = store.passages_from(target, _SPAN_WINDOW)
    method = redirect.method or "exact"
    if method != "fuzzy":
        span = locate(redirect.old_text, following)
        if span is None:
            return None
        if len(span.passages) > 1:
            span.method = "split"
        elif span.start == 0 and span.end == len(target.text):
            span.method = "exact"
        else:
            span.method = "merged"
        return span
    before, _ = store.neighbours(target, 1)
    window = before + following[:2]
    new = _NewText(window)
    match, _ = _fuzzy(OldText(id=redirect.old_id, text=redirect.old_text), new, None, set())
    ids = [window[k].id for k in match["span"]] if match else []
    if target.id not in ids:
        ids = [target.id]
    passages = [p for p in window if p.id in ids]
    return Span(passages, 0, len(passages[-1].text), "fuzzy")


def stale_redirects(redirects: list[Redirect], new_passages: list[Passage]) -> list[Redirect]:
    """The stored redirects of one document that a new version of the document
    breaks, and that must be re-anchored with it: those whose target passage is
    gone, and those whose old text no longer stands word for word from the
    target on (the second half of a split was edited, say). Fuzzy redirects are
    checked on their target only. Orphans are not stale."""
    index = {p.id: i for i, p in enumerate(new_passages)}
    out = []
    for r in redirects:
        if not r.new_id:
            continue
        i = index.get(r.new_id)
        if i is None:
            out.append(r)
        elif r.method != "fuzzy" and locate(r.old_text, new_passages[i:i + _SPAN_WINDOW]) is None:
            out.append(r)
    return out
