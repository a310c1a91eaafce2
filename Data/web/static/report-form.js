// The report form's enhancements: pick the place on a map or by the device's location (the
// form works without them: district, address and coordinates can be typed).
(function () {
  'use strict';
  document.querySelectorAll('.js-only').forEach(function (e) { e.classList.add('on'); });
  var choose = document.getElementById('choose-service');
  if (choose) choose.elements.service_code.addEventListener('change', function () { choose.submit(); });
  var el = document.getElementById('pick-map');
  var lat = document.getElementById('lat'), lon = document.getElementById('long');
  if (!el || !window.L || !lat || !lon) return;
  el.classList.add('on');
  // The configured first view (map.center, map.zoom), else the districts' extent.
  var c = (el.dataset.center || '').split(',').map(Number);
  var configured = c.length === 2 && c.every(isFinite);
  var map = L.map(el).setView(configured ? c : [0, 0], configured ? Number(el.dataset.zoom) || 12 : 2);
  L.tileLayer('/tiles/districts/{z}/{x}/{y}.png', { maxZoom: 19 }).addTo(map);
  fetch('/web/districts.geojson').then(function (r) { return r.json(); }).then(function (data) {
    var b = L.geoJSON(data).getBounds();
    if (b.isValid() && !lat.value && !configured) map.fitBounds(b);
  });
  var marker = null;
  function place(latlng, zoom) {
    lat.value = latlng.lat.toFixed(6); lon.value = latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    if (zoom) map.setView(latlng, 17);
  }
  if (lat.value && lon.value && isFinite(lat.value) && isFinite(lon.value)) place(L.latLng(Number(lat.value), Number(lon.value)), true);
  map.on('click', function (e) { place(e.latlng, false); });
  var locate = document.getElementById('locate'), status = document.getElementById('locate-status');
  if (locate && navigator.geolocation) {
    locate.addEventListener('click', function () {
      status.textContent = '…';
      navigator.geolocation.getCurrentPosition(function (p) {
        place(L.latLng(p.coords.latitude, p.coords.longitude), true); status.textContent = '✓';
      }, function () { status.textContent = locate.dataset.failed; });
    });
  }
})();
