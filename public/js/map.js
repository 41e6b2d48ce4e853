// Atlas des communs — turns the map page's list of places into a map.
// The list stays in the page for readers without JavaScript; this script
// only adds to it. Popups are built with DOM nodes, never HTML strings, so
// sheet titles cannot inject markup.
(function () {
  "use strict";
  var el = document.getElementById("atlas-map");
  if (!el || typeof L === "undefined") {
    return;
  }
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false, zoomControl: false }).setView([48.39, -4.49], 10);
  // Leaflet's own buttons speak English; the page gives their words.
  L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
  L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);

  function card(props) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.title;
    box.appendChild(link);
    if (props.category_names && props.category_names.length) {
      var cats = document.createElement("p");
      cats.textContent = props.category_names.join(" · ");
      box.appendChild(cats);
    }
    return box;
  }

  fetch(el.dataset.source, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      // A place with a shape (a garden's outline, a walk's route) is
      // drawn, and keeps its marker where properties.marker says.
      var markers = L.layerGroup().addTo(map);
      var layer = L.geoJSON(data, {
        style: function () { return { color: "#155e63", weight: 3, fillOpacity: 0.15 }; },
        onEachFeature: function (feature, shape) {
          shape.bindPopup(card(feature.properties));
          var at = feature.properties && feature.properties.marker;
          if (feature.geometry && feature.geometry.type !== "Point" && Array.isArray(at) && at.length === 2) {
            L.marker([at[1], at[0]]).bindPopup(card(feature.properties)).addTo(markers);
          }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
      }
    });
})();
