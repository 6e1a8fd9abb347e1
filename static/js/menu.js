// The phone menu: with scripts on, the header is one row (the name and a «Menu» button) and the links open below.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var button = document.getElementById("menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) {
    return;
  }
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  });
})();
