// The visit counter on a phone. Every tap shows on screen at once and waits in a queue in localStorage, so it
// survives a lost signal and a reload; the queue is sent in batches and a tap leaves it only when the server has
// confirmed it. Each tap carries an id made here, so a tap sent twice (a retry, a reload mid-request) counts once.
// Without JavaScript the same buttons are plain forms that post one tap each.
(function () {
  "use strict";

  var root = document.getElementById("counter");
  if (!root || !window.fetch || !window.localStorage || !window.JSON) { return; }

  var BATCH_SIZE = 200;
  var MAX_RETRY_DELAY = 30000;
  var texts = root.dataset;
  var queueKey = root.dataset.queueKey;
  var lastKey = queueKey + ".last";
  var totalOutput = document.getElementById("counter-total");
  var queueNote = document.getElementById("counter-queue");
  var message = document.getElementById("counter-message");
  var undoButton = document.getElementById("counter-undo");

  var serverTotal = Number(root.dataset.total) || 0;
  var isFlushing = false;
  var isStopped = false;
  var failures = 0;
  var retryTimer = null;

  function read(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function write(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  function pending() {
    return read(queueKey, []);
  }

  // crypto.randomUUID needs a secure context; getRandomValues makes the same kind of id anywhere.
  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // With nothing queued the server knows best what can be undone; otherwise the phone does.
  var serverLast = root.dataset.lastTapId
    ? {client_id: root.dataset.lastTapId, visitors: Number(root.dataset.lastTapVisitors) || 0} : null;
  var lastTap = pending().length && localStorage.getItem(lastKey) !== null ? read(lastKey, null) : serverLast;

  function rememberLast(tap) {
    lastTap = tap;
    write(lastKey, tap);
  }

  function render() {
    var queue = pending();
    var waiting = queue.reduce(function (sum, entry) { return sum + entry.delta; }, 0);
    totalOutput.textContent = String(serverTotal + waiting);
    if (queue.length) {
      queueNote.textContent = queue.length === 1 ? texts.textWaitingOne
        : texts.textWaitingMany.replace("{n}", String(queue.length));
      if (navigator.onLine === false) { queueNote.textContent += " " + texts.textOffline; }
      queueNote.classList.add("is-waiting");
    } else {
      queueNote.textContent = texts.textAllSent;
      queueNote.classList.remove("is-waiting");
    }
    undoButton.disabled = !lastTap;
  }

  function enqueue(entry) {
    var queue = pending();
    queue.push(entry);
    write(queueKey, queue);
    message.textContent = "";
    if (navigator.vibrate) { navigator.vibrate(15); }
    render();
    flush();
  }

  function countVisitors(visitors, groupLabel) {
    var tap = {client_id: newClientId(), visitors: visitors, tapped_at: new Date().toISOString(),
               group_label: groupLabel || ""};
    enqueue({tap: tap, delta: visitors});
    rememberLast({client_id: tap.client_id, visitors: visitors});
    render();
  }

  function undoLastTap() {
    if (!lastTap) {
      message.textContent = texts.textNothingToUndo;
      return;
    }
    var undone = lastTap;
    rememberLast(null);
    enqueue({tap: {client_id: newClientId(), tapped_at: new Date().toISOString(), undoes: undone.client_id},
             delta: -undone.visitors});
  }

  function removeFromQueue(clientIds) {
    write(queueKey, pending().filter(function (entry) { return !clientIds[entry.tap.client_id]; }));
  }

  function scheduleRetry() {
    if (retryTimer || isStopped) { return; }
    var delay = Math.min(MAX_RETRY_DELAY, 1000 * Math.pow(2, Math.min(failures, 5)));
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, delay);
  }

  function confirmed(batch, answer) {
    var sent = {};
    batch.forEach(function (entry) { sent[entry.tap.client_id] = true; });
    removeFromQueue(sent);
    serverTotal = Number(answer.today_total) || 0;
  }

  // The server refused one tap and stored nothing of the batch: drop that tap, say why, send the rest again.
  function refused(answer) {
    message.textContent = texts.textRefused + " " + (answer.error || "");
    if (!answer.client_id) {
      isStopped = true;
      return;
    }
    var dropped = {};
    dropped[answer.client_id] = true;
    removeFromQueue(dropped);
    if (lastTap && lastTap.client_id === answer.client_id) { rememberLast(null); }
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  function flush() {
    if (isFlushing || isStopped) { return; }
    var batch = pending().slice(0, BATCH_SIZE);
    if (!batch.length) {
      failures = 0;
      return;
    }
    if (navigator.onLine === false) {
      failures += 1;
      scheduleRetry();
      return;
    }
    isFlushing = true;
    fetch(root.dataset.tapsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": root.dataset.csrfToken},
      body: JSON.stringify({taps: batch.map(function (entry) { return entry.tap; })})
    }).then(function (response) {
      if (response.ok && !response.redirected && isJson(response)) {
        return response.json().then(function (answer) { confirmed(batch, answer); });
      }
      if (response.status === 422 && isJson(response)) {
        return response.json().then(refused);
      }
      if (response.status >= 500) { throw new Error("server error " + response.status); }
      // An expired session or CSRF token, or no longer assigned: retrying will not help, reloading may.
      isStopped = true;
      message.textContent = texts.textSession;
      return null;
    }).then(function () {
      isFlushing = false;
      failures = 0;
      render();
      flush();
    }, function () {
      isFlushing = false;
      failures += 1;
      render();
      scheduleRetry();
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("counter-form")) { return; }
    event.preventDefault();
    if (form.hasAttribute("data-undo")) {
      undoLastTap();
      return;
    }
    if (form.hasAttribute("data-group")) {
      var size = form.elements.visitors;
      // Digits only, spaces of any width allowed: Number() would also take "1e1", "0x19" or "2.5".
      var typed = size.value.replace(/[\s\u00a0\u202f\u2009]/g, "");
      var visitors = /^[0-9]{1,6}$/.test(typed) ? Number(typed) : NaN;
      if (!Number.isInteger(visitors) || visitors < 1 || visitors > Number(size.dataset.max)) {
        size.setAttribute("aria-invalid", "true");
        size.focus();
        return;
      }
      size.removeAttribute("aria-invalid");
      countVisitors(visitors, form.elements.group_label.value.trim());
      form.reset();
      return;
    }
    countVisitors(Number(form.dataset.tap), "");
  });

  window.addEventListener("online", function () {
    window.clearTimeout(retryTimer);
    retryTimer = null;
    failures = 0;
    render();
    flush();
  });
  window.addEventListener("offline", render);
  // Another tab on the same counter shares the queue.
  window.addEventListener("storage", function (event) {
    if (event.key === queueKey) { render(); }
  });

  render();
  flush();
}());
