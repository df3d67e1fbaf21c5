// Plots cases from the scoped GeoJSON endpoint with Leaflet; overdue cases in red.
document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("case-map");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el, { attributionControl: false }).setView([30.71, 112.59], 10);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  const response = await fetch(el.dataset.points, { credentials: "same-origin" });
  const data = await response.json();
  const layer = L.geoJSON(data, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: f.properties.overdue ? "#c0392b" : "#1a5fb4" }),
    onEachFeature: (f, marker) => {
      const link = document.createElement("a");
      link.href = f.properties.url;
      link.textContent = `${f.properties.number} ${f.properties.title}（${f.properties.status}）`;
      marker.bindPopup(link);
    },
  }).addTo(map);
  if (data.features.length) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 15 });
  document.getElementById("case-map-count").textContent = `共 ${data.features.length} 件有定位的事件`;
});
