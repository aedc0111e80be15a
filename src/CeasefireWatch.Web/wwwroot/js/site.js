// CeasefireWatch: countdowns, clocks and the dashboard's refresh. No inline script anywhere (CSP).
(() => {
  "use strict";

  const HOUR = 3600 * 1000;
  const main = document.getElementById("main");

  // The server's clock, corrected for this browser's: two screens showing the same deadline agree
  // even when their own clocks do not.
  let clockOffset = 0;
  const syncClock = (serverIso) => {
    const server = Date.parse(serverIso);
    if (!Number.isNaN(server)) clockOffset = server - Date.now();
  };
  if (main && main.dataset.serverNow) syncClock(main.dataset.serverNow);
  const now = () => Date.now() + clockOffset;

  const pad = (n) => String(n).padStart(2, "0");

  // Same format as the server's Countdown.Format: "2d 03:04:05", "03:04:05", or "due".
  const formatRemaining = (ms) => {
    if (ms <= 0) return "due";
    const total = Math.ceil(ms / 1000);
    const days = Math.floor(total / 86400);
    const clock = `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
    return days > 0 ? `${days}d ${clock}` : clock;
  };

  const formatElapsed = (ms) => {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    return `${Math.floor(minutes / 1440)}d ${pad(Math.floor(minutes / 60) % 24)}h ${pad(minutes % 60)}m`;
  };

  const kyiv = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Kyiv", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });

  const tick = () => {
    const t = now();
    document.querySelectorAll("[data-countdown][data-due]").forEach((el) => {
      const remaining = Date.parse(el.dataset.due) - t;
      const text = formatRemaining(remaining);
      if (el.textContent !== text) el.textContent = text;
      const holder = el.closest("[data-incident-id]") || el;
      holder.classList.toggle("imminent", remaining > 0 && remaining <= HOUR);
      holder.classList.toggle("overdue", remaining <= 0);
    });
    document.querySelectorAll("[data-since]").forEach((el) => {
      const until = el.dataset.until ? Date.parse(el.dataset.until) : t;
      el.textContent = formatElapsed(until - Date.parse(el.dataset.since));
    });
    document.querySelectorAll(".timebar[data-t0]").forEach((bar) => {
      const fraction = Math.min(1, Math.max(0, (t - Date.parse(bar.dataset.t0)) / (72 * HOUR)));
      const fill = bar.querySelector(".fill");
      if (fill) fill.style.width = `${(fraction * 100).toFixed(2)}%`;
    });
    const clock = document.querySelector("[data-clock]");
    if (clock) {
      const d = new Date(t);
      clock.textContent = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC · ${kyiv.format(d)} Kyiv`;
    }
  };

  // The dashboard's live part is fetched again and swapped in place. Periodic for now; pushed later.
  const live = document.getElementById("dashboard-live");
  let refreshing = false;
  const refresh = async () => {
    if (!live || refreshing) return;
    refreshing = true;
    try {
      const response = await fetch(live.dataset.liveSource, { headers: { Accept: "text/html" }, cache: "no-store" });
      if (response.ok) {
        const html = await response.text();
        const template = document.createElement("template");
        template.innerHTML = html;
        const stamp = template.content.querySelector("[data-server-now]");
        if (stamp) syncClock(stamp.dataset.serverNow);
        live.replaceChildren(template.content);
        tick();
      }
    } finally {
      refreshing = false;
    }
  };

  window.ceasefireWatch = { refresh, now };
  tick();
  setInterval(tick, 1000);
  if (live) setInterval(refresh, 15000);
})();
