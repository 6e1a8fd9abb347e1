// The atelier guide's map: built from the data attributes of #guide-map. Without JavaScript, or without Leaflet
// or the tile server, the map stays hidden and the list alone is the guide.
(function () {
  "use strict";

  var container = document.getElementById("guide-map");
  if (!container || typeof L === "undefined") {
    return;
  }
  var markers = JSON.parse(container.dataset.markers || "[]");
  if (markers.length === 0) {
    return;
  }

  function popupContent(marker) {
    // Built from text nodes, never from HTML strings: the names come from the artists.
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = (marker.number ? marker.number + ". " : "") + marker.name;
    var address = document.createElement("div");
    address.textContent = marker.address;
    box.appendChild(title);
    box.appendChild(address);
    return box;
  }

  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(container.dataset.tileUrl, {
    maxZoom: 18,
    attribution: container.dataset.attribution,
  }).addTo(map);

  var bounds = [];
  markers.forEach(function (marker) {
    var label = (marker.number ? marker.number + ". " : "") + marker.name;
    L.marker([marker.lat, marker.lng], { title: label, alt: label })
      .bindPopup(popupContent(marker))
      .addTo(map);
    bounds.push([marker.lat, marker.lng]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
})();
