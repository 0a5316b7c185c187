/* Network map: drag to move around, and zoom between the map's own size (its names and
   tie labels 12 px) and the width of the page. Without JavaScript the frame scrolls. */
"use strict";
(function () {
  for (const frame of document.querySelectorAll(".netmap-scroll")) {
    const svg = frame.querySelector("svg.netmap");
    if (!svg) continue;
    const natural = parseFloat(svg.dataset.width);
    const ratio = svg.viewBox.baseVal.height / svg.viewBox.baseVal.width;
    const tools = frame.previousElementSibling;
    function size(width) {
      svg.setAttribute("width", String(Math.round(width)));
      svg.setAttribute("height", String(Math.round(width * ratio)));
    }
    if (tools && tools.classList.contains("netmap-tools")) {
      tools.hidden = false;
      for (const b of tools.querySelectorAll("button.zoom")) {
        b.addEventListener("click", function () {
          if (b.dataset.zoom === "fit") size(Math.min(natural, frame.clientWidth - 2));
          else size(natural);
        });
      }
    }
    /* drag with a mouse to pan (touch screens scroll the frame themselves) */
    let drag = null;
    frame.addEventListener("pointerdown", function (ev) {
      if (ev.pointerType !== "mouse" || ev.button !== 0 || ev.target.closest("a")) return;
      drag = { x: ev.clientX, y: ev.clientY, left: frame.scrollLeft, top: frame.scrollTop };
      frame.classList.add("dragging");
    });
    window.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      frame.scrollLeft = drag.left - (ev.clientX - drag.x);
      frame.scrollTop = drag.top - (ev.clientY - drag.y);
    });
    window.addEventListener("pointerup", function () { drag = null; frame.classList.remove("dragging"); });
  }
})();
