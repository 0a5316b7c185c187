"""A national-scale synthetic corpus for `make bench-scale`: our own words, seeded, cached.

Document ``i`` is a pure function of ``(VERSION, i)``, so a corpus of 500
documents is the first 500 of the 10,000-document one and every size shares
one cache (``bench/out/scale-corpus-v<VERSION>/``): a second run writes
nothing. The mix is meant to look like a policy office's shelf:

- lengths: 60% short notes and press releases (150-1,000 words), 32% briefings
  and consultations (1,000-4,000), 8% reports (4,000-12,000), about 1,800 words
  on average;
- formats: one document in 33 is a PDF (a few hundred of 10,000; reports are
  more often PDFs than notes are), the others Markdown (60%) and plain text;
- text: sentences assembled from our own phrase lists (bench.synth, plus the
  invented organisations and people below, so that the tagger finds mentions,
  claims and ties), with headings, lists and figures.

    from bench.scale_corpus import ensure_corpus, install
    corpus = ensure_corpus(2000)        # generates what is missing, returns a Corpus
    install(corpus, project_root)       # links the files into corpus/sources/, writes the manifest
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.synth import OBJECTS, SUBJECTS, TAILS, VERBS

VERSION = 1
HERE = Path(__file__).parent
CACHE = HERE / "out" / f"scale-corpus-v{VERSION}"

# Invented bodies and people (none of them real): what the tagger's names and ties find.
ORGANISATIONS = [
    "Northfield Mental Health Trust", "Riverside Community Care", "the Office for Workplace Wellbeing",
    "Calder Valley Council", "the National Therapy Standards Board", "Harbourline Health",
    "the Centre for Service Outcomes", "Westmere Housing Association", "the Pennine Recovery Network",
    "Ashgrove Assessments Ltd", "the Institute for Care Economics", "Lowmoor Peer Support",
    "the Department for Work and Skills", "the Regional Commissioning Unit", "Fairhaven Foundation",
]
PEOPLE = [
    "Amara Okafor", "Tomasz Wielgus", "Helen Marchbank", "Ravi Chandrasekar", "Siobhan Darragh",
    "Jonas Whitfield", "Priya Lal", "Gareth Penhallow", "Mei Tanaka", "Oluwaseun Adebayo",
]
ROLES = ["chief executive", "chair", "director of policy", "clinical lead", "trustee"]
PUBLISHERS = [
    "Department for Work and Skills", "Office for Workplace Wellbeing", "Northfield Mental Health Trust",
    "Regional Commissioning Unit", "National Therapy Standards Board", "Centre for Service Outcomes",
    "Institute for Care Economics", "Calder Valley Council",
]
KINDS = (("short", 0.60, 150, 1000), ("medium", 0.32, 1000, 4000), ("long", 0.08, 4000, 12000))
PDF_SHARE = {"short": 0.01, "medium": 0.04, "long": 0.12}   # about 1 in 33 overall
MD_SHARE = 0.60


def _sentence(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.12:
        person, org = rng.choice(PEOPLE), rng.choice(ORGANISATIONS)
        s = f"{person}, {rng.choice(ROLES)} of {org}, said the plan {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    elif r < 0.22:
        org = rng.choice(ORGANISATIONS)
        s = (f"{org[0].upper() + org[1:]} {rng.choice(['funded', 'commissioned', 'published', 'reviewed'])} "
             f"the {rng.choice(['evaluation', 'survey', 'pilot', 'review'])} of {rng.choice(OBJECTS)}")
    elif r < 0.32:
        n = rng.choice([12, 18, 25, 31, 40, 47, 52, 64])
        s = (f"In {rng.randint(2011, 2024)}, {n} per cent of people referred for {rng.choice(OBJECTS)} "
             f"waited more than {rng.choice([6, 12, 18])} weeks")
    else:
        s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        tail = rng.choice(TAILS)
        if tail:
            s += " " + tail
    return s + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out, n = [], 0
    while n < words:
        s = _sentence(rng)
        out.append(s)
        n += len(s.split())
    return " ".join(out)


@dataclass
class DocSpec:
    index: int
    doc_id: str
    kind: str            # short | medium | long
    fmt: str             # md | txt | pdf
    words: int           # target words
    title: str
    publisher: str
    date: str

    @property
    def file(self) -> str:
        return f"{self.doc_id}.{self.fmt}"


def spec(i: int) -> DocSpec:
    rng = random.Random(f"scale-{VERSION}-{i}")
    r, acc = rng.random(), 0.0
    for name, share, lo, hi in KINDS:
        acc += share
        if r < acc or name == KINDS[-1][0]:
            break
    words = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    if rng.random() < PDF_SHARE[name]:
        fmt = "pdf"
    else:
        fmt = "md" if rng.random() < MD_SHARE else "txt"
    subject = rng.choice(OBJECTS)
    kind_word = {"short": rng.choice(["Note on", "Statement on", "Update on"]),
                 "medium": rng.choice(["Briefing on", "Consultation on", "Guidance on"]),
                 "long": rng.choice(["Review of", "Report on", "Evaluation of"])}[name]
    return DocSpec(index=i, doc_id=f"d{i:05d}", kind=name, fmt=fmt, words=words,
                   title=f"{kind_word} {subject} ({i})", publisher=rng.choice(PUBLISHERS),
                   date=f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}")


def _sections(s: DocSpec):
    """(heading, [block, ...]) per section; a block is ("p", text) or ("li", text)."""
    rng = random.Random(f"scale-text-{VERSION}-{s.index}")
    per_section = rng.randint(250, 700)
    n = max(1, round(s.words / per_section))
    for k in range(1, n + 1):
        blocks, left = [], s.words // n
        while left > 0:
            if rng.random() < 0.12:
                items = [_paragraph(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 5))]
                blocks += [("li", it) for it in items]
                left -= sum(len(it.split()) for it in items)
            else:
                p = _paragraph(rng, min(left, rng.randint(40, 150)))
                blocks.append(("p", p))
                left -= len(p.split())
        yield f"{k}. {rng.choice(OBJECTS).capitalize()}", blocks


def _write(s: DocSpec, path: Path) -> int:
    """Write document ``s`` to ``path``; returns its pages (1 for flowing text)."""
    if s.fmt == "pdf":
        from bench.fixtures import ReportWriter

        w = ReportWriter(header=s.publisher, title=s.title)
        w.heading(s.title, 1)
        for head, blocks in _sections(s):
            w.heading(head, 2)
            for kind, text in blocks:
                (w.bullet if kind == "li" else w.paragraph)(text)
        w.save(path)
        return w.pdf.pages_count
    lines = []
    if s.fmt == "md":
        lines.append(f"# {s.title}\n")
        for head, blocks in _sections(s):
            lines.append(f"## {head}\n")
            for kind, text in blocks:
                lines.append(f"- {text}" if kind == "li" else text + "\n")
            lines.append("")
    else:
        lines.append(f"{s.title}\n")
        for head, blocks in _sections(s):
            lines.append(f"{head}\n")
            for kind, text in blocks:
                lines.append(f"* {text}" if kind == "li" else text + "\n")
            lines.append("")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)
    return 1


@dataclass
class Corpus:
    folder: Path              # the cache: files/ and catalogue.json
    docs: list[dict]          # per document: spec fields + file, pages, words, bytes

    @property
    def files(self) -> Path:
        return self.folder / "files"

    def summary(self) -> dict:
        fmt = {f: sum(1 for d in self.docs if d["fmt"] == f) for f in ("md", "txt", "pdf")}
        return {"documents": len(self.docs), "words": sum(d["words"] for d in self.docs),
                "pdf_pages": sum(d["pages"] for d in self.docs if d["fmt"] == "pdf"),
                "bytes": sum(d["bytes"] for d in self.docs), **{f"{k}_files": v for k, v in fmt.items()}}


def ensure_corpus(n: int, folder: Path = CACHE, progress=print) -> Corpus:
    """The first ``n`` documents, generating (and cataloguing) those not cached yet."""
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    cat_path = folder / "catalogue.json"
    catalogue = json.loads(cat_path.read_text()) if cat_path.is_file() else {}
    t0, made = time.perf_counter(), 0
    docs = []
    for i in range(n):
        s = spec(i)
        entry = catalogue.get(s.doc_id)
        path = files / s.file
        if entry is None or not path.is_file() or path.stat().st_size != entry["bytes"]:
            pages = _write(s, path)
            text_words = s.words  # the target; counted below from the file for flowing text
            if s.fmt != "pdf":
                text_words = len(path.read_text(encoding="utf-8").split())
            entry = {**asdict(s), "file": s.file, "pages": pages, "words": text_words,
                     "bytes": path.stat().st_size}
            catalogue[s.doc_id] = entry
            made += 1
            if made % 500 == 0:
                progress(f"   corpus: {made} documents generated ({time.perf_counter() - t0:.0f}s)")
                _save(cat_path, catalogue)
        docs.append(entry)
    if made:
        _save(cat_path, catalogue)
        progress(f"   corpus: {made} documents generated in {time.perf_counter() - t0:.0f}s "
                 f"(cached in {folder})")
    return Corpus(folder, docs)


def _save(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True))
    tmp.replace(path)


def manifest_table(d: dict) -> str:
    return (f'[documents.{d["doc_id"]}]\ntitle = "{d["title"]}"\npublisher = "{d["publisher"]}"\n'
            f'date = "{d["date"]}"\nsource = "{d["file"]}"\nlicence = "OGL-UK-3.0"\n')


KB_STAKEHOLDERS = "stakeholders:\n" + "".join(
    f"  - id: org-{k}\n    name: {name.removeprefix('the ')}\n    kind: organisation\n"
    f"    description: An invented body of the scale benchmark.\n"
    f"    sources:\n      - {{source: bench-notes, locator: list of bodies}}\n"
    for k, name in enumerate(ORGANISATIONS[:8]))
KB_SOURCES = json.dumps([{"id": "bench-notes", "type": "report", "title": "Scale benchmark notes",
                          "issued": {"date-parts": [[2024]]}}], indent=2)


def install(corpus: Corpus, root: Path, docs: list[dict] | None = None) -> None:
    """Put ``docs`` (default: the whole corpus) into the project at ``root``:
    hard links into corpus/sources/ (a copy across file systems), the manifest's
    tables, and a small knowledge base naming some of the invented bodies."""
    root = Path(root)
    sources = root / "corpus" / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    docs = corpus.docs if docs is None else docs
    for d in docs:
        dest = sources / d["file"]
        if not dest.exists():
            try:
                os.link(corpus.files / d["file"], dest)
            except OSError:
                shutil.copyfile(corpus.files / d["file"], dest)
    manifest = root / "corpus" / "manifest.toml"
    with manifest.open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(manifest_table(d) for d in docs))
    (root / "kb" / "stakeholders.yaml").write_text(KB_STAKEHOLDERS, encoding="utf-8")
    (root / "kb" / "sources.json").write_text(KB_SOURCES, encoding="utf-8")


# --- passages without reading files (the search benchmark's index) -------------------------

def passages(i: int):
    """Document ``i`` as the passages ingest makes of it, without writing or reading
    its file: its title and section headings, paragraphs and list items, with
    their heading paths (and, for a PDF, a page every ~450 words). The search
    benchmark indexes these directly (bench.bench_search): minutes for thousands
    of documents, where a build would tag them for hours."""
    from scrutiny.passages import Passage

    s = spec(i)
    paged = s.fmt == "pdf"
    out, words, page = [], 0, 1

    def add(kind, text, path):
        nonlocal words, page
        if paged:
            page = 1 + words // 450
        out.append(Passage(id=f"{s.doc_id}-{len(out):05d}", doc_id=s.doc_id, ord=len(out), kind=kind,
                           page=page, page_end=page, text=text, heading_path=list(path)))
        words += len(text.split())

    add("heading", s.title, [s.title])
    for head, blocks in _sections(s):
        path = [s.title, head]
        add("heading", head, path)
        for kind, text in blocks:
            add("list_item" if kind == "li" else "paragraph", text, path)
    return s, out


_TAG_WORDS = {
    "statistic": (" per cent", "£"),
    "commitment": ("will ", "has committed to", "plans to", "aims to", "intends to"),
    "recommendation": ("should ", "recommends", "must "),
    "assessment": ("has improved", "reported delays"),
}


def facets(passage) -> tuple[list[str], list[str]]:
    """(claim kinds, stakeholder ids) a passage is given in the search benchmark: what
    its words suggest (figures, pledges, calls to act; the invented bodies of
    the knowledge base, ``org-<k>``), so that --tag and --stakeholder filters
    have realistic shares of the corpus to narrow."""
    if passage.kind == "heading":
        return [], []
    text = passage.text
    tags = [k for k, words in _TAG_WORDS.items() if any(w in text for w in words)]
    people = [f"org-{k}" for k, name in enumerate(ORGANISATIONS[:8]) if name.removeprefix("the ") in text]
    return tags, people


if __name__ == "__main__":
    import sys

    c = ensure_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(json.dumps(c.summary(), indent=2))
