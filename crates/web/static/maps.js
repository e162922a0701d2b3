// Rencana's maps, each an addition to a page that works without it:
// - #map: picks a proposal's point into the latitude and longitude fields (the form);
// - #point-map: a proposal's point (the proposal page, which names the place and writes the
//   coordinates as text);
// - #cycle-map: the points the explorer's filters match, clustered, loaded only when the reader
//   opens the map (Leaflet and thousands of points are the heaviest part of any page).
// Leaflet is fetched when a map is shown. Tiles come from the server's tile setting; when they
// cannot load, the map says so in words and still shows its points on a plain background.
(function () {
  'use strict';
  var VENDOR = '/static/vendor/';
  var pending = {};

  function load(src) {
    if (!pending[src]) {
      pending[src] = new Promise(function (resolve, reject) {
        var node;
        if (/\.css$/.test(src)) {
          node = document.createElement('link');
          node.rel = 'stylesheet';
          node.href = src;
        } else {
          node = document.createElement('script');
          node.src = src;
        }
        node.onload = resolve;
        node.onerror = reject;
        document.head.appendChild(node);
      });
    }
    return pending[src];
  }

  function leaflet() {
    return Promise.all([load(VENDOR + 'leaflet/leaflet.css'), load(VENDOR + 'leaflet/leaflet.js')]);
  }

  // The map's notes (what is shown, what failed) side by side, each said once.
  var said = [];
  function say(text) {
    var note = document.getElementById('map-note');
    if (!note || !text || said.indexOf(text) >= 0) { return; }
    said.push(text);
    note.textContent = said.join(' ');
  }

  // A map in `element` with the server's tiles, if any; a failed tile is said once, in words.
  function baseMap(element, options) {
    element.textContent = '';
    var map = L.map(element, options || {});
    var tiles = element.dataset.tiles;
    if (!tiles) {
      say(element.dataset.noTiles);
      return map;
    }
    var told = false;
    L.tileLayer(tiles, { maxZoom: 19, attribution: '&copy; OpenStreetMap' })
      .on('tileerror', function () {
        if (!told) { told = true; say(element.dataset.tileError); }
      })
      .addTo(map);
    return map;
  }

  function picker(element) {
    var lat = document.getElementById(element.dataset.latInput);
    var lon = document.getElementById(element.dataset.lonInput);
    var start = [3.5952, 98.6722];
    var typed = lat.value && lon.value && !isNaN(parseFloat(lat.value)) && !isNaN(parseFloat(lon.value));
    if (typed) { start = [parseFloat(lat.value), parseFloat(lon.value)]; }
    var map = baseMap(element).setView(start, 14);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
    }
    if (typed) { place(L.latLng(start[0], start[1])); }
    map.on('click', function (event) { place(event.latlng); });
  }

  function point(element) {
    var at = [Number(element.dataset.lat) / 1e6, Number(element.dataset.lon) / 1e6];
    var map = baseMap(element).setView(at, 16);
    L.marker(at, { keyboard: false }).addTo(map);
  }

  function cluster(element) {
    return Promise.all([
      load(VENDOR + 'markercluster/MarkerCluster.css'),
      load(VENDOR + 'markercluster/MarkerCluster.Default.css'),
      load(VENDOR + 'markercluster/leaflet.markercluster.js'),
      fetch(element.dataset.points, { headers: { Accept: 'application/json' } }).then(function (reply) {
        if (!reply.ok) { throw new Error(String(reply.status)); }
        return reply.json();
      })
    ]).then(function (loaded) {
      var data = loaded[3];
      var map = baseMap(element, { preferCanvas: true });
      var group = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      var markers = data.points.map(function (p) {
        var link = document.createElement('a');
        link.href = '/proposals/' + p[2];
        link.textContent = element.dataset.openLabel;
        return L.circleMarker([p[0] / 1e6, p[1] / 1e6], { radius: 7, weight: 2 }).bindPopup(link);
      });
      group.addLayers(markers);
      map.addLayer(group);
      if (markers.length > 0) {
        map.fitBounds(group.getBounds(), { maxZoom: 16, padding: [16, 16] });
      } else {
        map.setView([3.5952, 98.6722], 12);
      }
      var shown = (element.dataset.shown || '').replace('{count}', markers.length.toLocaleString(document.documentElement.lang || 'id'));
      say(data.truncated ? shown + ' ' + element.dataset.truncated : shown);
    });
  }

  var form = document.getElementById('map');
  var single = document.getElementById('point-map');
  var many = document.getElementById('cycle-map');
  if (form) { leaflet().then(function () { picker(form); }); }
  if (single) { leaflet().then(function () { point(single); }); }
  if (many) {
    var details = document.getElementById('map-details');
    var started = false;
    var start = function () {
      if (started || !details.open) { return; }
      started = true;
      leaflet().then(function () { return cluster(many); }).catch(function () { say(many.dataset.failed); started = false; });
    };
    details.addEventListener('toggle', start);
    if (location.hash === '#peta') { details.open = true; }
    start();
  }
})();
