/* scrutiny: shared behaviour for every page (no inline scripts anywhere). */
"use strict";
document.documentElement.classList.add("js");
