// The public map: Miestas's own tiles as layers, live filters, a popup from WMS
// GetFeatureInfo on click, district outlines on hover with a link to the district page.
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || !window.L) return;
  document.getElementById('layers').classList.add('on');
  var map = L.map(el, { keyboard: true });
  window.miestasMap = map;
  // The configured first view (map.center, map.zoom), else the districts' extent, else the world.
  var c = (el.dataset.center || '').split(',').map(Number);
  var b = (el.dataset.bounds || '').split(',').map(Number);
  if (c.length === 2 && c.every(isFinite)) map.setView(c, Number(el.dataset.zoom) || 12);
  else if (b.length === 4 && b.every(isFinite)) map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  else map.setView([0, 0], 2);
  if (el.dataset.base) L.tileLayer(el.dataset.base, { attribution: el.dataset.attribution || '', maxZoom: 19 }).addTo(map);

  var form = document.getElementById('filters');
  function filters() {
    var p = [], f = form.elements;
    if (f.service_code.value) p.push('service_code=' + encodeURIComponent(f.service_code.value));
    if (f.status.value) p.push('status=' + encodeURIComponent(f.status.value));
    if (f.from.value || f.to.value) p.push('time=' + encodeURIComponent((f.from.value || '..') + '/' + (f.to.value || '..')));
    return p;
  }
  // The checked layers are drawn by the server into one picture per tile, bottom first, so that
  // district names keep off the cluster circles under them (names are placed per picture).
  var order = ['district-density', 'heatmap', 'districts', 'plans', 'clusters', 'reports'];
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#layers input[name=layer]'));
  function checked() {
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    return order.filter(function (n) { return on.indexOf(n) >= 0; })
      .concat(on.filter(function (n) { return order.indexOf(n) < 0; }));
  }
  function tileURL() {
    var p = filters();
    return '/tiles/' + checked().join(',') + '/{z}/{x}/{y}.png' + (p.length ? '?' + p.join('&') : '');
  }
  var tiles = L.tileLayer(tileURL(), { maxZoom: 19, className: 'layer-tiles' });
  // When the layers shown at first have all their visible tiles loaded, the map is usable: the
  // time since navigation start is kept for the e2e test and the benchmark.
  tiles.once('load', function () { window.miestasTilesPainted = performance.now(); });
  if (checked().length) tiles.addTo(map);
  // Live filters and layer choices: the tiles follow the form without a reload.
  function update() {
    if (!checked().length) { map.removeLayer(tiles); return; }
    tiles.setUrl(tileURL());
    if (!map.hasLayer(tiles)) tiles.addTo(map);
  }
  boxes.forEach(function (box) { box.addEventListener('change', update); });
  form.addEventListener('change', update);

  var hovered = null;
  fetch('/web/districts.geojson').then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      style: { weight: 1, opacity: 0, fillOpacity: 0, color: '#0b5394' },
      onEachFeature: function (feature, layer) {
        layer.on('mouseover', function () { layer.setStyle({ opacity: 1, weight: 3 }); hovered = feature.properties; });
        layer.on('mouseout', function () { layer.setStyle({ opacity: 0, weight: 1 }); });
        layer.on('click', function () { hovered = feature.properties; });
      }
    }).addTo(map);
  });

  function link(href, text) {
    var a = document.createElement('a');
    a.href = href; a.textContent = text;
    return a;
  }
  map.on('click', function (e) {
    var size = map.getSize(), bounds = map.getBounds();
    var sw = L.CRS.EPSG3857.project(bounds.getSouthWest()), ne = L.CRS.EPSG3857.project(bounds.getNorthEast());
    var point = map.latLngToContainerPoint(e.latlng);
    var q = ['SERVICE=WMS', 'VERSION=1.3.0', 'REQUEST=GetFeatureInfo', 'LAYERS=reports,districts', 'QUERY_LAYERS=reports,districts', 'STYLES=',
      'CRS=EPSG:3857', 'BBOX=' + [sw.x, sw.y, ne.x, ne.y].join(','), 'WIDTH=' + size.x, 'HEIGHT=' + size.y,
      'I=' + Math.round(point.x), 'J=' + Math.round(point.y), 'INFO_FORMAT=application/json', 'FEATURE_COUNT=5', 'FORMAT=image/png'];
    var names = JSON.parse(el.dataset.names || '{}');
    fetch('/wms?' + q.concat(filters()).join('&')).then(function (r) { return r.json(); }).then(function (data) {
      var box = document.createElement('div');
      var list = document.createElement('ul'), district = null;
      (data.features || []).forEach(function (f) {
        var p = f.properties;
        if (p.layer === 'districts') { if (!district) district = p; return; }
        var li = document.createElement('li');
        li.appendChild(link('/reports/' + p.report_id, el.dataset.reportLabel + ' #' + p.report_id));
        li.appendChild(document.createTextNode(' ' + (names[p.service_code] || p.service_code) + ', ' +
          (names['status_' + p.status] || p.status) + ', ' + String(p.requested_at).slice(0, 10)));
        list.appendChild(li);
      });
      district = district || hovered;
      if (list.children.length) box.appendChild(list);
      else box.appendChild(document.createTextNode(el.dataset.nothing));
      if (district) {
        var p = document.createElement('p');
        p.appendChild(document.createTextNode(el.dataset.districtLabel + ': ' + district.name + ' — '));
        p.appendChild(link('/districts/' + encodeURIComponent(district.code), el.dataset.openDistrict));
        box.appendChild(p);
      }
      L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
    });
  });
})();
