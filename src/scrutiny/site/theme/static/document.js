/* Document page: cite and copy-link controls, and highlighting of a search match. */
"use strict";
(function () {
  const article = document.querySelector("article.document");
  if (!article) return;
  const root = document.body.dataset.root || "";
  let citeData = null;
  let current = null;   /* the passage element being cited */

  function siteBase() {
    return new URL(root || "./", window.location.href).href.replace(/\/$/, "");
  }
  function permalink(pid) {
    const base = (citeData && citeData.base) ? citeData.base.replace(/\/$/, "") : siteBase();
    return base + "/p/" + pid + "/";
  }
  async function loadCite() {
    if (citeData) return citeData;
    const resp = await fetch(article.dataset.cite);
    if (!resp.ok) throw new Error("citation data not found");
    citeData = await resp.json();
    return citeData;
  }
  function citation(el, style) {
    const entry = citeData.locators[el.dataset.loc || ""] || citeData.locators[""];
    const text = entry[style];
    const base = citeData.base ? citeData.base.replace(/\/$/, "") : siteBase();
    const out = text.split(citeData.basemark).join(base).split(citeData.pid).join(el.dataset.pid);
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

  for (const el of article.querySelectorAll(".psg[data-pid]")) {
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
        await copy(permalink(el.dataset.pid), note);
      });
    }
  }
  if (panel) {
    for (const radio of panel.querySelectorAll("input[name=cite-style]")) radio.addEventListener("change", fill);
    document.getElementById("cite-copy").addEventListener("click", function () { copy(area.value, status); });
    document.getElementById("cite-close").addEventListener("click", closePanel);
    panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closePanel(); });
  }

  /* ?q=... (from a search result): highlight the matching words in the target passage. */
  const params = new URLSearchParams(window.location.search);
  const q = params.get("q");
  if (q && window.location.hash.startsWith("#p-")) {
    const terms = window.scrutiny.tokenize(q);
    let target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && target.classList.contains("alias-anchor")) target = target.parentElement;
    if (target && terms.length) {
      const textEl = target.querySelector(".psg-text") || target;
      const walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      for (const node of nodes) {
        const frag = document.createDocumentFragment();
        window.scrutiny.appendMarked(frag, node.nodeValue, terms);
        node.parentNode.replaceChild(frag, node);
      }
      target.classList.add("target-hit");
      target.scrollIntoView({ block: "center" });
    }
  }
})();
