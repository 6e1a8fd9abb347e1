// The figures dashboard during the weekends: fetch the page again every minute and swap in the new figures.
// A pause button stops it (WCAG 2.2.2); without JavaScript the page has a plain "Refresh" link.
(function () {
  "use strict";

  var content = document.getElementById("figures-content");
  var stamp = document.getElementById("figures-updated");
  var button = document.getElementById("figures-pause");
  var note = document.getElementById("figures-refresh-note");
  if (!content || !stamp || !button || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Number(content.dataset.refreshSeconds) || 60;
  var timer = null;

  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var freshContent = page.getElementById("figures-content");
        var freshStamp = page.getElementById("figures-updated");
        // Not the dashboard (logged out, an error page): keep the figures we have.
        if (!freshContent || !freshStamp) {
          return;
        }
        content.replaceChildren.apply(content, Array.prototype.map.call(freshContent.childNodes, function (node) {
          return document.importNode(node, true);
        }));
        stamp.textContent = freshStamp.textContent;
        stamp.setAttribute("datetime", freshStamp.getAttribute("datetime"));
      })
      .catch(function () {
        // Offline for a moment: try again at the next tick.
      });
  }

  function start() {
    timer = window.setInterval(refresh, seconds * 1000);
    button.textContent = button.dataset.pauseLabel;
    note.textContent = button.dataset.runningNote;
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
    button.textContent = button.dataset.resumeLabel;
    note.textContent = button.dataset.pausedNote;
  }

  button.addEventListener("click", function () {
    if (timer === null) {
      refresh();
      start();
    } else {
      stop();
    }
  });
  button.hidden = false;
  note.hidden = false;
  start();
})();
