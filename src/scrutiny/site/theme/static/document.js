/* Document page: cite and copy-link controls, the page navigator, links into the other
   parts of a long document, and highlighting of a search match.
   Data files are scripts loaded with <script> (never fetch): all of it works when the site
   is opened from a folder (file://) as over HTTP. */
"use strict";
(function () {
  const article = document.querySelector("article.document");
  if (!article) return;
  const root = document.body.dataset.root || "";
  const fromFolder = window.location.protocol === "file:";
  let citeData = null;
  let current = null;   /* the passage element being cited */

  function script(src, global) {
    /* load a data script that calls window[global](data); resolves with the data */
    return new Promise(function (resolve, reject) {
      window[global] = function (data) { resolve(data); };
      const s = document.createElement("script");
      s.src = src;
      s.onerror = function () { reject(new Error(src + " could not be loaded")); };
      document.head.appendChild(s);
    });
  }
  function siteBase() {
    return new URL(root || "./", window.location.href).href.replace(/\/$/, "");
  }
  /* A passage's permanent address: on the site's public address when it has one; opened
     from a folder, the file itself (a folder's address would show a file listing). */
  function permalink(pid) {
    if (citeData && citeData.base) return citeData.base.replace(/\/$/, "") + "/p/" + pid + "/";
    return siteBase() + "/p/" + pid + "/" + (fromFolder ? "index.html" : "");
  }
  let citeLoading = null;
  function loadCite() {
    if (!citeLoading) {
      citeLoading = script(article.dataset.cite, "__scrutinyCite").then(function (d) { citeData = d; return d; });
      citeLoading.catch(function () { citeLoading = null; });
    }
    return citeLoading;
  }
  /* The reader's accessed date (today unless changed), in the style's form: the build
     learned each style's form from the style itself ("{D} {MMMM} {Y}"). */
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"];
  function today() {
    const d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function accessedDate(form) {
    const input = document.getElementById("cite-accessed");
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec((input && input.value) || today()) || /^(\d{4})-(\d{2})-(\d{2})$/.exec(today());
    const y = m[1], mo = Number(m[2]), d = Number(m[3]), month = MONTHS[mo - 1];
    return form.replace("{Y}", y).replace("{MMMM}", month).replace("{MMM}", month.slice(0, 3))
      .replace("{MM}", m[2]).replace("{DD}", m[3]).replace("{M}", String(mo)).replace("{D}", String(d));
  }
  function citation(el, style) {
    const entry = citeData.locators[el.dataset.loc || ""] || citeData.locators[""];
    const text = entry[style];
    const base = citeData.base ? citeData.base.replace(/\/$/, "") : siteBase();
    let out = text.split(citeData.basemark).join(base).split(citeData.pid).join(el.id.slice(2));
    const form = citeData.accessed && citeData.accessed[style];
    if (form) out = out.split(citeData.accessedmark).join(accessedDate(form));
    const ocr = el.dataset.ocr;  /* text recognised by OCR: said as `scrutiny cite` says it */
    if (!ocr) return out;
    return style === "bibtex" ? out.replace(/\n\}\n?$/, ",\n  annote = {" + ocr.replace(/%/g, "\\%") + "}\n}\n")
      : out + " " + ocr;
  }

  const panel = document.getElementById("cite-panel");
  const area = document.getElementById("cite-text");
  const status = document.getElementById("cite-status");
  function style() {
    const checked = panel.querySelector("input[name=cite-style]:checked");
    return checked ? checked.value : "harvard";
  }
  function fill() {
    if (current && citeData) area.value = citation(current, style());
  }
  async function openPanel(el, button) {
    try {
      await loadCite();
    } catch (err) {
      status.textContent = "The citation data could not be loaded.";
    }
    if (current && current !== el) {
      const old = current.querySelector(".cite-btn");
      if (old) old.setAttribute("aria-expanded", "false");
    }
    current = el;
    el.appendChild(panel);
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    status.textContent = "";
    fill();
    area.focus();
    area.select();
  }
  function closePanel() {
    panel.hidden = true;
    if (current) {
      const b = current.querySelector(".cite-btn");
      if (b) { b.setAttribute("aria-expanded", "false"); b.focus(); }
    }
  }
  async function copy(text, where) {
    try {
      await navigator.clipboard.writeText(text);
      where.textContent = "Copied.";
    } catch (err) {
      where.textContent = "Copy failed: select the text and copy it by hand.";
    }
  }

  for (const el of article.querySelectorAll(".psg[id^='p-']")) {
    const cite = el.querySelector(".cite-btn");
    const link = el.querySelector(".copy-btn");
    if (cite) {
      cite.hidden = false;
      cite.addEventListener("click", function () { openPanel(el, cite); });
    }
    if (link) {
      link.hidden = false;
      link.addEventListener("click", async function () {
        let note = el.querySelector(".copy-note");
        if (!note) {
          note = document.createElement("span");
          note.className = "copy-note";
          note.setAttribute("role", "status");
          link.after(note);
        }
        if (!citeData) { try { await loadCite(); } catch (err) { /* site base is enough */ } }
        await copy(permalink(el.id.slice(2)), note);
      });
    }
  }
  if (panel) {
    for (const radio of panel.querySelectorAll("input[name=cite-style]")) radio.addEventListener("change", fill);
    const accessed = document.getElementById("cite-accessed");
    if (accessed) {
      accessed.value = today();
      accessed.addEventListener("change", fill);
      accessed.addEventListener("input", fill);
    }
    document.getElementById("cite-copy").addEventListener("click", function () { copy(area.value, status); });
    document.getElementById("cite-close").addEventListener("click", closePanel);
    panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closePanel(); });
  }

  /* Printed, each passage shows its permanent address (print.css prints data-permalink). */
  for (const el of article.querySelectorAll(".psg[id^='p-']")) {
    const a = el.querySelector(".psg-tools a.permalink");
    if (a && !a.dataset.permalink) a.dataset.permalink = permalink(el.id.slice(2));
  }

  /* Go to page N: the page as printed (a label such as "12" or "iv"). */
  for (const form of article.querySelectorAll("form.goto-page")) {
    const pages = JSON.parse(form.dataset.pages || "{}");
    const note = form.querySelector("[role=status]");
    const hint = note.textContent;
    form.hidden = false;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      const want = form.elements.page.value.trim().replace(/^p(age|\.)?\s*/i, "").toLowerCase();
      const href = pages[want];
      if (!href) { note.textContent = "No page " + (want || "?") + " in this document; " + hint + "."; return; }
      note.textContent = hint;
      window.location.href = href;
    });
  }

  /* A link made before a long document was split into parts, or before a revision moved a
     passage: the anchor is on another part; parts.js says which. */
  const hash = decodeURIComponent(window.location.hash.slice(1));
  if (hash && !document.getElementById(hash) && article.dataset.parts && /^(p|page)-/.test(hash)) {
    script(article.dataset.parts, "__scrutinyParts").then(function (data) {
      const n = data.anchors[hash];
      if (n !== undefined) window.location.replace(data.files[n] + window.location.search + "#" + hash);
    }).catch(function () { /* stay on this part */ });
  }

  /* ?q=... (from a search result): mark the words the query looks for in the target passage. */
  const params = new URLSearchParams(window.location.search);
  const q = params.get("q");
  if (q && window.location.hash.startsWith("#p-") && window.scrutinyQuery) {
    let found = null;
    try {
      const node = window.scrutinyQuery.parse(q);
      found = node ? window.scrutinyQuery.positiveTerms(node) : null;
    } catch (err) { found = null; }
    let target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && target.classList.contains("alias-anchor")) target = target.parentElement;
    if (target && found) {
      const textEl = target.querySelector(".psg-text") || target;
      const walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      for (const node of nodes) {
        const frag = document.createDocumentFragment();
        window.scrutinyQuery.appendMarked(frag, node.nodeValue, found);
        node.parentNode.replaceChild(frag, node);
      }
      target.classList.add("target-hit");
      target.scrollIntoView({ block: "center" });
    }
  }
})();
