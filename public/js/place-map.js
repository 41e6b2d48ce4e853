// Atlas des communs — a sheet's small map of its place. It is made only
// when it comes into view, so a reader who never scrolls to it loads no
// tiles. The coordinates stay in the page, under the map, for readers
// without JavaScript.
(function () {
  "use strict";
  if (typeof L === "undefined") {
    return;
  }
  function draw(el) {
    var ll = L.latLng(Number(el.dataset.lat), Number(el.dataset.lon));
    // On a phone one finger scrolls the page, not the map.
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false, dragging: !L.Browser.mobile, tap: false })
      .setView(ll, 16);
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    L.marker(ll, { title: el.dataset.marker, alt: el.dataset.marker, keyboard: false }).addTo(map);
    // The place's shape, if it has one: the map then shows all of it.
    if (el.dataset.geometry) {
      try {
        var shape = L.geoJSON(JSON.parse(el.dataset.geometry), {
          style: function () { return { color: "#155e63", weight: 3, fillOpacity: 0.15 }; }
        }).addTo(map);
        var bounds = shape.getBounds().extend(ll);
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
        }
      } catch (e) {
        // A shape the browser cannot read leaves the marker alone.
      }
    }
  }
  var maps = document.querySelectorAll(".mini-map");
  Array.prototype.forEach.call(maps, function (el) {
    if (!isFinite(Number(el.dataset.lat)) || !isFinite(Number(el.dataset.lon))) {
      return;
    }
    el.hidden = false;
    if (typeof IntersectionObserver === "undefined") {
      draw(el);
      return;
    }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        seen.disconnect();
        draw(el);
      }
    }, { rootMargin: "200px" });
    seen.observe(el);
  });
})();
