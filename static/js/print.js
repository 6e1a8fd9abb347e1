// Buttons marked data-print open the browser's print dialogue; without JavaScript they stay hidden.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
