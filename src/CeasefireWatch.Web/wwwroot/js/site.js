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
    // The bar spans T0 to tier 3; the tier-2 mark sits where the policy puts it (24 of 72 h by default).
    document.querySelectorAll(".timebar[data-t0]").forEach((bar) => {
      const tier3 = Number(bar.dataset.tier3Ms) || 72 * HOUR;
      const tier2 = Number(bar.dataset.tier2Ms) || 24 * HOUR;
      const percent = (ms) => `${(Math.min(1, Math.max(0, ms / tier3)) * 100).toFixed(2)}%`;
      const fill = bar.querySelector(".fill");
      if (fill) fill.style.width = percent(t - Date.parse(bar.dataset.t0));
      for (const el of bar.querySelectorAll(".m24, .t24, .zone")) {
        if (el.classList.contains("zone")) el.style.width = percent(tier2); else el.style.left = percent(tier2);
      }
    });
    const clock = document.querySelector("[data-clock]");
    if (clock) {
      const d = new Date(t);
      clock.textContent = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC · ${kyiv.format(d)} Kyiv`;
    }
  };

  // Live pages: every element marked data-live-region is fetched again (this very URL) and swapped
  // in place when the server pushes a change, so a screen shows what a reload would, without one.
  const liveRegions = () => Array.from(document.querySelectorAll("[data-live-region][id]"));
  let refreshing = null;
  let refreshQueued = false;
  const refresh = async () => {
    if (liveRegions().length === 0) return;
    if (refreshing) { refreshQueued = true; return refreshing; }
    refreshing = (async () => {
      try {
        const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, cache: "no-store", credentials: "same-origin" });
        if (response.redirected || !response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        const stamp = fresh.querySelector("[data-server-now]");
        if (stamp) syncClock(stamp.dataset.serverNow);
        for (const region of liveRegions()) {
          const replacement = fresh.getElementById(region.id);
          if (replacement) region.replaceWith(document.adoptNode(replacement));
        }
        tick();
        document.dispatchEvent(new CustomEvent("cw:refreshed"));
      } finally {
        refreshing = null;
        if (refreshQueued) { refreshQueued = false; refresh(); }
      }
    })();
    return refreshing;
  };

  // Only what changed: a region that shows one incident says which (data-live-incident), and the page is not
  // fetched for changes to others. A region that shows many (dashboard, wall, list) may be changed by any incident.
  const concerns = (ids) => {
    const regions = liveRegions();
    const watched = regions.map((r) => r.dataset.liveIncident).filter(Boolean);
    if (!Array.isArray(ids) || watched.length < regions.length) return true;
    return ids.some((id) => watched.includes(String(id)));
  };

  // Several changes in a burst (the engine entering tiers for many incidents) make one fetch, and under a steady
  // stream of reports (pipelines posting many a second) a screen fetches at most once a second: each fetch renders the
  // whole page on the server, and no one reads a wall faster than that.
  const minInterval = 1000;
  let pending = null;
  let lastRefresh = 0;
  const scheduleRefresh = (ids) => {
    if (pending || !concerns(ids)) return;
    const wait = Math.max(150, lastRefresh + minInterval - Date.now());
    pending = setTimeout(() => { pending = null; lastRefresh = Date.now(); refresh(); }, wait);
  };

  const status = document.getElementById("live-status");
  const showStatus = (text, state) => {
    if (!status) return;
    status.hidden = false;
    status.textContent = text;
    status.dataset.state = state;
  };


  // On-screen alerts: a tier entered is announced on every live page (dashboard, wall) by a banner that a
  // screen reader reads out, the tab title, an optional beep (off until the person turns it on) and, where
  // the person allowed it, the browser's own notification. The banner stays until dismissed.
  const alerts = (() => {
    if (liveRegions().length === 0) return null;
    const baseTitle = document.title;
    const region = document.createElement("section");
    region.id = "stage-alerts";
    region.className = "stage-alerts";
    region.setAttribute("aria-label", "Tier alerts");
    const list = document.createElement("div");
    list.setAttribute("role", "alert");
    list.setAttribute("aria-live", "assertive");
    region.append(list);
    main.prepend(region);

    const controls = document.createElement("span");
    controls.className = "alert-controls";
    const soundKey = "cw.alertSound";
    const sound = document.createElement("button");
    sound.type = "button";
    sound.className = "link";
    sound.id = "alert-sound";
    const soundOn = () => localStorage.getItem(soundKey) === "on";
    const showSound = () => {
      sound.textContent = soundOn() ? "Alert sound: on" : "Alert sound: off";
      sound.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    };
    sound.addEventListener("click", () => { localStorage.setItem(soundKey, soundOn() ? "off" : "on"); showSound(); if (soundOn()) beep(); });
    showSound();
    controls.append(sound);

    // The browser asks for permission only when the person clicks this, never on its own.
    if ("Notification" in window && Notification.permission === "default") {
      const ask = document.createElement("button");
      ask.type = "button";
      ask.className = "link";
      ask.id = "alert-desktop";
      ask.textContent = "Desktop alerts";
      ask.addEventListener("click", async () => { await Notification.requestPermission(); ask.remove(); });
      controls.append(ask);
    }
    if (status) status.after(controls); else document.querySelector(".topbar")?.append(controls);

    let audio = null;
    const beep = () => {
      try {
        audio = audio || new (window.AudioContext || window.webkitAudioContext)();
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.2, audio.currentTime);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
        tone.connect(gain).connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.6);
      } catch { /* no audio here: the banner and the title still tell */ }
    };

    const updateTitle = () => {
      const open = list.querySelectorAll(".stage-alert");
      document.title = open.length === 0 ? baseTitle : `(${open.length}) ${open[0].dataset.title} · ${baseTitle}`;
    };

    const show = (alert) => {
      const key = `${alert.incidentId}:${alert.stage}`;
      if (list.querySelector(`[data-alert-key="${CSS.escape(key)}"]`)) return;
      const banner = document.createElement("div");
      banner.className = `stage-alert tier-${alert.tier}`;
      banner.dataset.alertKey = key;
      // Not data-incident-id / data-stage: on the dashboard those mark the incident cards scripts read (CONTRACT.md).
      banner.dataset.alertIncidentId = String(alert.incidentId);
      banner.dataset.alertStage = alert.stage;
      banner.dataset.title = `${alert.reference} ${alert.stageLabel}`;
      const text = document.createElement("p");
      const link = document.createElement("a");
      link.href = `/Incidents/${encodeURIComponent(alert.incidentId)}`;
      link.textContent = alert.reference;
      const strong = document.createElement("strong");
      strong.textContent = `entered ${alert.stageLabel}`;
      text.append(link, " ", strong, ` — ${alert.title} (${alert.oblast})`);
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "dismiss";
      dismiss.textContent = "Dismiss";
      dismiss.setAttribute("aria-label", `Dismiss the alert for ${alert.reference}`);
      dismiss.addEventListener("click", () => { banner.remove(); updateTitle(); });
      banner.append(text, dismiss);
      list.prepend(banner);
      updateTitle();
      if (soundOn()) beep();
      if ("Notification" in window && Notification.permission === "granted") {
        try {
          new Notification(`${alert.reference} entered ${alert.stageLabel}`, { body: `${alert.title} (${alert.oblast})`, tag: key });
        } catch { /* some browsers allow notifications only from a service worker */ }
      }
    };
    return { show };
  })();

  const connect = () => {
    if (liveRegions().length === 0 || !window.signalR) return;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/live")
      // Never give up: a wall screen must come back by itself after any outage.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(10000, 500 * 2 ** Math.min(ctx.previousRetryCount, 5)) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    connection.on("incidentChanged", scheduleRefresh);
    connection.on("stageEntered", (alert) => { if (alerts) alerts.show(alert); });
    connection.onreconnecting(() => showStatus("Connection lost — reconnecting…", "lost"));
    connection.onreconnected(() => { showStatus("Live", "live"); refresh(); });
    connection.onclose(() => { showStatus("Disconnected — retrying…", "lost"); setTimeout(start, 5000); });
    const start = async () => {
      try {
        await connection.start();
        showStatus("Live", "live");
        refresh();
      } catch {
        showStatus("Cannot reach the server — retrying…", "lost");
        setTimeout(start, 5000);
      }
    };
    start();
  };

  window.ceasefireWatch = { refresh, now };
  tick();
  setInterval(tick, 1000);
  connect();
  // A safety net under the push: re-read the page now and then, in case a message was ever missed.
  if (liveRegions().length > 0) setInterval(refresh, 5 * 60 * 1000);
})();
