// The share of closed cases settled at each level, as an ECharts pie.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("level-chart");
  if (!el || typeof echarts === "undefined") return;
  const chart = echarts.init(el);
  const d = el.dataset;
  chart.setOption({
    tooltip: { trigger: "item", formatter: "{b}：{c}%" },
    legend: { bottom: 0 },
    series: [{
      type: "pie", radius: ["40%", "70%"],
      data: [
        { name: "网格/村级化解", value: Number(d.village) },
        { name: "镇级化解", value: Number(d.town) },
        { name: "县级化解", value: Number(d.county) },
      ],
    }],
  });
  window.addEventListener("resize", () => chart.resize());
});
