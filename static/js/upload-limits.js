// Check an image's size in the browser before it is uploaded, so nobody waits for a file the server will refuse.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
  var file = input.files && input.files[0];
  var message = file && file.size > Number(input.dataset.maxBytes) ? input.dataset.tooLarge : "";
  input.setCustomValidity(message);
  var note = document.getElementById(input.id + "-size-error");
  if (!note) {
    note = document.createElement("small");
    note.id = input.id + "-size-error";
    note.className = "error-text";
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", message ? "true" : "false");
});
document.addEventListener("submit", function (event) {
  var tooLarge = event.target.querySelector("input[type=file][data-max-bytes]:invalid");
  if (tooLarge) { event.preventDefault(); tooLarge.focus(); }
});
