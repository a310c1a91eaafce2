// Small maps: a report's place, a plan's area, a district's hotspots. Each reads its data from
// data- attributes (no inline script: the Content-Security-Policy allows none).
(function () {
  'use strict';
  if (!window.L) return;
  function tiles(map) { L.tileLayer('/tiles/districts/{z}/{x}/{y}.png', { maxZoom: 19 }).addTo(map); }

  var report = document.getElementById('report-map');
  if (report) {
    var at = [Number(report.dataset.lat), Number(report.dataset.lon)];
    var m = L.map(report).setView(at, 16);
    tiles(m);
    L.marker(at).addTo(m);
  }

  var plan = document.getElementById('plan-map');
  if (plan && plan.dataset.area) {
    var pm = L.map(plan);
    tiles(pm);
    var area = L.geoJSON(JSON.parse(plan.dataset.area), { style: { color: '#7a3e9d', weight: 2 } }).addTo(pm);
    pm.fitBounds(area.getBounds());
    L.tileLayer('/tiles/plan-comments/{z}/{x}/{y}.png', { maxZoom: 19 }).addTo(pm);
    // Clicking the area map sets the comment's optional pin.
    var lat = document.getElementById('c-lat'), lon = document.getElementById('c-long'), pin = null;
    if (lat && lon) {
      pm.on('click', function (e) {
        lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6);
        if (pin) pin.setLatLng(e.latlng); else pin = L.marker(e.latlng).addTo(pm);
      });
    }
  }

  // A petition's optional place, or a signer's address: a click fills the two fields (which
  // also take typed numbers, so the form works without the map).
  var sign = document.getElementById('sign-map');
  if (sign) {
    var sm = L.map(sign);
    tiles(sm);
    var slat = document.getElementById('s-lat'), slon = document.getElementById('s-long'), spin = null;
    var place = function (latlng) { if (spin) spin.setLatLng(latlng); else spin = L.marker(latlng).addTo(sm); };
    fetch('/web/districts.geojson').then(function (r) { return r.json(); }).then(function (all) {
      var outline = L.geoJSON(all, { style: { color: '#0b5394', weight: 1, fillOpacity: 0 } }).addTo(sm);
      if (outline.getBounds().isValid()) sm.fitBounds(outline.getBounds()); else sm.setView([0, 0], 2);
      if (slat.value && slon.value) place([Number(slat.value), Number(slon.value)]);
    });
    sm.on('click', function (e) {
      slat.value = e.latlng.lat.toFixed(6); slon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
  }

  var hot = document.getElementById('hotspot-map');
  if (hot) {
    var hm = L.map(hot);
    tiles(hm);
    fetch('/web/districts.geojson').then(function (r) { return r.json(); }).then(function (all) {
      var mine = all.features.filter(function (f) { return f.properties.code === hot.dataset.district; });
      var outline = L.geoJSON({ type: 'FeatureCollection', features: mine }, { style: { color: '#0b5394', weight: 2, fillOpacity: 0 } }).addTo(hm);
      hm.fitBounds(outline.getBounds());
      return fetch(hot.dataset.hotspots);
    }).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, { style: { color: '#c0392b', weight: 2, fillOpacity: 0.3 } }).addTo(hm);
    });
  }
})();
