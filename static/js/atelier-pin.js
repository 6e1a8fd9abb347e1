// The atelier form's map: a click places (or moves) a draggable pin and fills in #latitude and #longitude, typing in
// those fields moves the pin, and «Remove pin» clears both. Built from the data attributes of #atelier-pin; without
// JavaScript or Leaflet the map stays hidden and the fields are typed as before.
(function () {
  "use strict";

  var box = document.getElementById("atelier-pin");
  var latitudeField = document.getElementById("latitude");
  var longitudeField = document.getElementById("longitude");
  if (!box || !latitudeField || !longitudeField || typeof L === "undefined") {
    return;
  }
  // The middle of Vestregionen, for an atelier that has no pin yet.
  var REGION_CENTRE = [59.75, 10.1];
  var REGION_ZOOM = 9;
  var PIN_ZOOM = 15;
  var DECIMALS = 5; // about a metre: enough to find the door

  var decimalMark = box.dataset.decimalMark || ".";
  var removeButton = document.getElementById("atelier-pin-remove");
  var status = document.getElementById("atelier-pin-status");
  var pin = null;

  function written(value) {
    return value.toFixed(DECIMALS).replace(".", decimalMark);
  }

  function read(field, limit) {
    // The server reads «59,6042» and «59.6042» alike, and spaces people type between digits.
    var text = field.value.replace(/[\s\u00a0\u202f\u2009]/g, "").replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(text)) {
      return null;
    }
    var value = Number(text);
    return Math.abs(value) <= limit ? value : null;
  }

  function typedPosition() {
    var latitude = read(latitudeField, 90);
    var longitude = read(longitudeField, 180);
    return latitude === null || longitude === null ? null : L.latLng(latitude, longitude);
  }

  function say(text) {
    status.textContent = text;
  }

  function showPin(position) {
    if (pin === null) {
      var label = box.dataset.pinLabel;
      pin = L.marker(position, { draggable: true, title: label, alt: label, autoPan: true }).addTo(map);
      pin.on("dragend", function () {
        fillFields(pin.getLatLng());
      });
    } else {
      pin.setLatLng(position);
    }
    removeButton.hidden = false;
  }

  function hidePin() {
    if (pin !== null) {
      map.removeLayer(pin);
      pin = null;
    }
    removeButton.hidden = true;
  }

  function fillFields(position) {
    position = position.wrap();
    latitudeField.value = written(position.lat);
    longitudeField.value = written(position.lng);
    say(box.dataset.placed.replace("{latitude}", latitudeField.value).replace("{longitude}", longitudeField.value));
  }

  box.hidden = false;
  var map = L.map("atelier-pin-map", { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);

  var start = typedPosition();
  if (start !== null) {
    map.setView(start, PIN_ZOOM);
    showPin(start);
  } else {
    map.setView(REGION_CENTRE, REGION_ZOOM);
  }

  map.on("click", function (event) {
    showPin(event.latlng);
    fillFields(event.latlng);
  });

  function followFields() {
    var position = typedPosition();
    if (position === null) {
      hidePin();
      return;
    }
    showPin(position);
    if (!map.getBounds().contains(position)) {
      map.panTo(position);
    }
  }
  latitudeField.addEventListener("input", followFields);
  longitudeField.addEventListener("input", followFields);

  removeButton.addEventListener("click", function () {
    latitudeField.value = "";
    longitudeField.value = "";
    hidePin();
    say(box.dataset.removed);
    latitudeField.focus();
  });
})();
