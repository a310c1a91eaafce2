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
