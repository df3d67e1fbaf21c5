// Draws a grid's centre and boundary with Leaflet; a base map only when a tile server is configured.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("area-map");
  const dataEl = document.getElementById("area-map-data");
  if (!el || !dataEl || typeof L === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  const map = L.map(el, { attributionControl: false });
  if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
  const layers = [];
  if (data.boundary) layers.push(L.geoJSON(data.boundary, { style: { color: "#c0392b", weight: 2 } }).addTo(map));
  if (data.center) layers.push(L.circleMarker(data.center, { radius: 7, color: "#1a5fb4" }).bindTooltip(data.name).addTo(map));
  const group = L.featureGroup(layers);
  if (data.boundary) map.fitBounds(group.getBounds(), { padding: [16, 16] });
  else map.setView(data.center, 16);
});
