// The dashboard's two charts. Their data travels in the live region (#chart-data), so a pushed
// refresh updates them in place.
(() => {
  "use strict";
  if (!window.Chart) return;
  const colours = ["#0057b7", "#b35c00", "#a8141f"];
  let perDay = null;
  let resolution = null;

  const render = () => {
    const source = document.getElementById("chart-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const dayCanvas = document.getElementById("chart-per-day");
    const resolutionCanvas = document.getElementById("chart-resolution");
    const datasets = data.tiers.map((t, i) => ({ label: t.label, data: t.counts, backgroundColor: colours[i] }));
    if (dayCanvas) {
      if (perDay) {
        perDay.data.labels = data.days;
        perDay.data.datasets.forEach((d, i) => { d.data = datasets[i].data; });
        perDay.update("none");
      } else {
        perDay = new Chart(dayCanvas, {
          type: "bar",
          data: { labels: data.days, datasets },
          options: { animation: false, responsive: true, maintainAspectRatio: false,
            scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
        });
      }
    }
    if (resolutionCanvas) {
      const labels = data.resolution.map((b) => b.label);
      const counts = data.resolution.map((b) => b.count);
      if (resolution) {
        resolution.data.labels = labels;
        resolution.data.datasets[0].data = counts;
        resolution.update("none");
      } else {
        resolution = new Chart(resolutionCanvas, {
          type: "bar",
          data: { labels, datasets: [{ label: data.resolvedLabel || "Resolved incidents", data: counts, backgroundColor: "#1d6b35" }] },
          options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
        });
      }
    }
  };

  render();
  document.addEventListener("cw:refreshed", render);
})();
