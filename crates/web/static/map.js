// Picks a proposal's location on a Leaflet map and writes it into the latitude and longitude
// fields. The form works without this script (the fields can be typed), and the map works
// without tiles (a plain grid to click on), so a slow or missing tile server never blocks a
// proposal.
(function () {
  'use strict';
  var element = document.getElementById('map');
  if (!element || typeof L === 'undefined') { return; }
  var lat = document.getElementById(element.dataset.latInput);
  var lon = document.getElementById(element.dataset.lonInput);
  var start = [3.5952, 98.6722];
  if (lat.value && lon.value && !isNaN(parseFloat(lat.value)) && !isNaN(parseFloat(lon.value))) {
    start = [parseFloat(lat.value), parseFloat(lon.value)];
  }
  var map = L.map(element, { attributionControl: true }).setView(start, 14);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: '&copy; OpenStreetMap' }).addTo(map);
  }
  var marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
  }
  if (lat.value && lon.value) { place(L.latLng(start[0], start[1])); }
  map.on('click', function (event) { place(event.latlng); });
})();
