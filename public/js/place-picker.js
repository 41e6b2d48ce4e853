// Atlas des communs — the editor's map of a place. A click puts the
// marker, a drag moves it, and the latitude and longitude fields follow;
// typing in the fields moves the marker back. The fields stay the truth:
// without JavaScript or without Leaflet they are all the form has, and the
// map stays hidden. When the host set an address search service
// (ATLAS_GEOCODER_URL), a search box queries it from this browser; its
// answers are read as data and shown as text, never as HTML.
(function () {
  "use strict";
  var box = document.querySelector("[data-place-picker]");
  var el = document.getElementById("place-map");
  var latField = document.getElementById("lat");
  var lonField = document.getElementById("lon");
  if (!box || !el || !latField || !lonField || typeof L === "undefined") {
    return;
  }
  box.hidden = false;

  // The form accepts a French decimal comma, so the map does too.
  function number(field) {
    var v = field.value.trim().replace(",", ".");
    if (v === "") {
      return NaN;
    }
    return Number(v);
  }
  function typed() {
    var lat = number(latField);
    var lon = number(lonField);
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      return L.latLng(lat, lon);
    }
    return null;
  }
  // Six decimals are about ten centimetres: more would be noise.
  function round(x) {
    return String(Math.round(x * 1e6) / 1e6);
  }

  var start = typed();
  var map = L.map(el, { scrollWheelZoom: false, zoomControl: false })
    .setView(start || [48.39, -4.49], start ? 16 : 10);
  L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
  L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);

  var marker = null;
  function place(latlng, pan) {
    if (!marker) {
      // pmIgnore: the drawing tools leave the marker to this script.
      marker = L.marker(latlng, { draggable: true, title: el.dataset.marker, alt: el.dataset.marker, autoPan: true, pmIgnore: true }).addTo(map);
      marker.on("dragend", function () {
        fill(marker.getLatLng());
      });
    } else {
      marker.setLatLng(latlng);
    }
    if (pan) {
      map.panTo(latlng);
    }
  }
  // fill writes the marker's place into the fields, and tells the other
  // scripts of the form (the draft keeper) that they changed.
  var filling = false;
  function fill(latlng) {
    var ll = latlng.wrap();
    latField.value = round(ll.lat);
    lonField.value = round(ll.lng);
    filling = true;
    [latField, lonField].forEach(function (f) {
      f.dispatchEvent(new Event("input", { bubbles: true }));
      f.dispatchEvent(new Event("change", { bubbles: true }));
    });
    filling = false;
  }
  if (start) {
    place(start, false);
  }
  var drawn = 0; // when a drawing tool last finished, see drawing()
  map.on("click", function (e) {
    if (drawing()) {
      return;
    }
    place(e.latlng, false);
    fill(e.latlng);
  });
  function follow() {
    if (filling) {
      return; // our own fill, already shown
    }
    var ll = typed();
    if (ll) {
      place(ll, true);
    }
  }
  latField.addEventListener("change", follow);
  lonField.addEventListener("change", follow);

  // The place fieldset may be laid out after the map was made (fonts,
  // the preview): Leaflet needs to measure it again then.
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(function () { map.invalidateSize(); }).observe(el);
  }

  // drawing tells whether a click on the map belongs to the drawing
  // tools (a vertex, a shape being edited) rather than to the marker.
  function drawing() {
    var pm = map.pm;
    return Date.now() - drawn < 400 || (pm && (pm.globalDrawModeEnabled() || pm.globalEditModeEnabled() ||
      pm.globalRemovalModeEnabled() || pm.globalDragModeEnabled()));
  }
  shapes();

  // shapes offers Leaflet-Geoman's tools for the place's outline or route,
  // kept in the GeoJSON field: drawn shapes are written there, and a text
  // typed there is drawn. A place holds lines or areas, not both (the
  // contract's geometry has one type, or its Multi form): a shape of the
  // other kind replaces those drawn before.
  function shapes() {
    var text = document.getElementById("place_geometry");
    if (!text || !map.pm) {
      return;
    }
    var group = L.featureGroup().addTo(map);
    var style = { color: "#155e63", weight: 3, fillOpacity: 0.15 };
    map.pm.setLang(document.documentElement.lang === "fr" ? "fr" : "en");
    map.pm.setPathOptions(style);
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawCircle: false, drawText: false,
      cutPolygon: false, rotateMode: false, drawRectangle: true, drawPolygon: true, drawPolyline: true,
      editMode: true, dragMode: true, removalMode: true
    });
    function kind(layer) {
      return layer instanceof L.Polygon ? "Polygon" : "LineString";
    }
    function read() {
      group.clearLayers();
      var data;
      try {
        data = JSON.parse(text.value);
      } catch (e) {
        return; // the server names what is wrong on saving
      }
      if (!data || !/^(Multi)?(LineString|Polygon)$/.test(data.type)) {
        return;
      }
      L.geoJSON(data, { style: function () { return style; } }).eachLayer(function (l) {
        group.addLayer(l);
      });
      var bounds = group.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(marker ? bounds.extend(marker.getLatLng()) : bounds, { padding: [20, 20], maxZoom: 18 });
      }
    }
    function write() {
      var parts = [];
      var type = "";
      group.eachLayer(function (l) {
        var g = l.toGeoJSON(6).geometry;
        type = g.type.replace(/^Multi/, "");
        parts = parts.concat(/^Multi/.test(g.type) ? g.coordinates : [g.coordinates]);
      });
      var geometry = null;
      if (parts.length === 1) {
        geometry = { type: type, coordinates: parts[0] };
      } else if (parts.length > 1) {
        geometry = { type: "Multi" + type, coordinates: parts };
      }
      text.value = geometry ? JSON.stringify(geometry) : "";
      text.dispatchEvent(new Event("input", { bubbles: true }));
    }
    read();
    text.addEventListener("change", read);
    map.on("pm:create", function (e) {
      drawn = Date.now();
      group.eachLayer(function (l) {
        if (kind(l) !== kind(e.layer)) {
          group.removeLayer(l);
          map.removeLayer(l);
        }
      });
      group.addLayer(e.layer);
      write();
    });
    map.on("pm:drawend", function () { drawn = Date.now(); });
    map.on("pm:remove", function (e) {
      group.removeLayer(e.layer);
      write();
    });
    group.on("layeradd", function (e) {
      e.layer.on("pm:edit pm:dragend", write);
    });
  }

  var search = box.querySelector("[data-geocoder]");
  if (!search) {
    return;
  }
  var input = search.querySelector("input[type=search]");
  var button = search.querySelector("[data-place-search]");
  var status = search.querySelector("[data-place-status]");
  var results = search.querySelector("[data-place-results]");
  var address = document.getElementById("place_address");

  // answers reads the two shapes address services give: GeoJSON features
  // (the French national address base, Photon, Nominatim's format=geojson)
  // or Nominatim's list of {lat, lon, display_name}.
  function answers(data) {
    var out = [];
    if (data && Array.isArray(data.features)) {
      data.features.forEach(function (f) {
        var c = f && f.geometry && f.geometry.type === "Point" && f.geometry.coordinates;
        var p = (f && f.properties) || {};
        var label = p.label || p.display_name || p.name;
        if (c && typeof label === "string") {
          out.push({ lat: Number(c[1]), lon: Number(c[0]), label: label });
        }
      });
    } else if (Array.isArray(data)) {
      data.forEach(function (r) {
        if (r && typeof r.display_name === "string") {
          out.push({ lat: Number(r.lat), lon: Number(r.lon), label: r.display_name });
        }
      });
    }
    return out.filter(function (a) {
      return isFinite(a.lat) && isFinite(a.lon) && Math.abs(a.lat) <= 90 && Math.abs(a.lon) <= 180;
    }).slice(0, 5);
  }

  function show(list) {
    results.textContent = "";
    status.textContent = list.length ? "" : search.dataset.none;
    list.forEach(function (a) {
      var li = document.createElement("li");
      var pick = document.createElement("button");
      pick.type = "button";
      pick.className = "link-button";
      pick.textContent = a.label;
      pick.setAttribute("aria-label", search.dataset.pick.replace("%s", a.label));
      pick.addEventListener("click", function () {
        var ll = L.latLng(a.lat, a.lon);
        place(ll, false);
        map.setView(ll, 17);
        fill(ll);
        if (address && address.value.trim() === "") {
          address.value = a.label;
          address.dispatchEvent(new Event("input", { bubbles: true }));
        }
        results.textContent = "";
        status.textContent = "";
      });
      li.appendChild(pick);
      results.appendChild(li);
    });
  }

  function run() {
    var q = input.value.trim();
    if (q.length < 3) {
      return;
    }
    var url;
    try {
      url = new URL(search.dataset.geocoder, location.href);
    } catch (e) {
      return;
    }
    url.searchParams.set("q", q);
    url.searchParams.set("limit", "5");
    status.textContent = search.dataset.searching;
    results.textContent = "";
    fetch(url.toString(), { credentials: "omit", referrerPolicy: "no-referrer", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error(String(r.status));
        }
        return r.json();
      })
      .then(function (data) { show(answers(data)); })
      .catch(function () { status.textContent = search.dataset.failed; });
  }
  button.addEventListener("click", run);
  // Enter in the search box searches rather than saving the sheet.
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      run();
    }
  });
})();
