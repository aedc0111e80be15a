// CeasefireWatch: countdowns, clocks and the dashboard's refresh. No inline script anywhere (CSP).
(() => {
  "use strict";

  const HOUR = 3600 * 1000;
  const main = document.getElementById("main");

  // The page's words in the reader's language, handed over by the layout (#ui-text); the English key otherwise.
  const words = (() => {
    try { return JSON.parse(document.getElementById("ui-text")?.textContent || "{}"); } catch { return {}; }
  })();
  const tr = (key, ...args) => (words[key] || key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

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

  // Same format as the server's Countdown.Format: "2d 03:04:05", "03:04:05", or "due" (in the reader's language).
  const formatRemaining = (ms) => {
    if (ms <= 0) return tr("due");
    const total = Math.ceil(ms / 1000);
    const days = Math.floor(total / 86400);
    const clock = `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
    return days > 0 ? tr("{0}d {1}", days, clock) : clock;
  };

  const formatElapsed = (ms) => {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    return tr("{0}d {1}h {2}m", Math.floor(minutes / 1440), pad(Math.floor(minutes / 60) % 24), pad(minutes % 60));
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
      clock.textContent = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC · ${kyiv.format(d)} ${tr("Kyiv")}`;
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
    region.setAttribute("aria-label", tr("Tier alerts"));
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
      sound.textContent = soundOn() ? tr("Alert sound: on") : tr("Alert sound: off");
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
      ask.textContent = tr("Desktop alerts");
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
      strong.textContent = tr("entered {0}", alert.stageLabel);
      text.append(link, " ", strong, ` — ${alert.title} (${alert.oblast})`);
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "dismiss";
      dismiss.textContent = tr("Dismiss");
      dismiss.setAttribute("aria-label", tr("Dismiss the alert for {0}", alert.reference));
      // A banner comes and goes above the page's content; the wall fits its cards again at once (cw:layout), in
      // this same task, so a card is never left cut off at the foot of the screen nor a gap left where one would fit.
      dismiss.addEventListener("click", () => { banner.remove(); updateTitle(); document.dispatchEvent(new CustomEvent("cw:layout")); });
      banner.append(text, dismiss);
      list.prepend(banner);
      updateTitle();
      document.dispatchEvent(new CustomEvent("cw:layout"));
      if (soundOn()) beep();
      if ("Notification" in window && Notification.permission === "granted") {
        try {
          new Notification(tr("{0} entered {1}", alert.reference, alert.stageLabel), { body: `${alert.title} (${alert.oblast})`, tag: key });
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
    connection.onreconnecting(() => showStatus(tr("Connection lost — reconnecting…"), "lost"));
    connection.onreconnected(() => { showStatus(tr("Live"), "live"); refresh(); });
    connection.onclose(() => { showStatus(tr("Disconnected — retrying…"), "lost"); setTimeout(start, 5000); });
    const start = async () => {
      try {
        await connection.start();
        showStatus(tr("Live"), "live");
        refresh();
      } catch {
        showStatus(tr("Cannot reach the server — retrying…"), "lost");
        setTimeout(start, 5000);
      }
    };
    start();
  };

  // Forms: the error summary takes the focus, so a screen reader starts there; its links open and focus the field.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    for (const link of summary.querySelectorAll("a[href^='#']")) {
      const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) { link.replaceWith(document.createTextNode(link.textContent)); continue; }
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const details = target.closest("details");
        if (details) details.open = true;
        const field = target.matches("input, select, textarea, button") ? target : target.querySelector("input, select, textarea");
        (field || target).focus();
        (field || target).scrollIntoView({ block: "center" });
      });
    }
    summary.focus();
  }

  // Actions that cannot be taken back ask first (escalate, merge, disable, revoke): the form names what happens.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  }, true);

  // "Now" beside a time field: the current minute, in the zone the field's form has chosen, day-month-year.
  const formatIn = (zone, date) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
      timeZone: zone === "Kyiv" ? "Europe/Kyiv" : "UTC", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false,
    }).formatToParts(date).map((p) => [p.type, p.value]));
    return `${parts.day}.${parts.month}.${parts.year} ${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}`;
  };
  for (const button of document.querySelectorAll("[data-fill-now]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const input = document.getElementById(button.dataset.fillNow);
      const zone = button.closest(".field")?.querySelector("input[type=radio]:checked")?.value || document.body.dataset.zone;
      if (input) { input.value = formatIn(zone, new Date(now())); input.focus(); }
    });
  }

  // Copy buttons (the one-time API key): the clipboard where allowed, and a spoken confirmation either way.
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copyTarget);
      const status = document.getElementById(button.dataset.copyStatus || "");
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        if (status) status.textContent = tr("Copied");
      } catch {
        const range = document.createRange();
        range.selectNodeContents(source);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        if (status) status.textContent = tr("Copy failed: select the key and copy it by hand");
      }
    });
  }

  // Wall mode: as many of the most urgent cards as fit the screen, then the next ones in turn, every few seconds.
  // The cards stay in order of urgency; a refresh keeps the page of cards in view.
  const wall = document.body.classList.contains("wall") ? (() => {
    let start = 0;
    const place = () => {
      const list = document.querySelector("#wall-cards .cards");
      const indicator = document.getElementById("wall-rotation");
      if (!list) { if (indicator) indicator.textContent = ""; return; }
      const cards = Array.from(list.children);
      cards.forEach((c) => { c.hidden = false; });
      const bottom = window.innerHeight - 8;
      const fit = Math.max(1, cards.filter((c) => c.getBoundingClientRect().bottom <= bottom).length);
      if (start >= cards.length) start = 0;
      cards.forEach((c, i) => { c.hidden = !(i >= start && i < start + fit); });
      // Hidden ones above the window pulled the rest up: fill what is free now.
      let shown = cards.filter((c) => !c.hidden).length;
      for (let i = start + shown; i < cards.length; i++) {
        cards[i].hidden = false;
        if (cards[i].getBoundingClientRect().bottom > bottom) { cards[i].hidden = true; break; }
        shown++;
      }
      list.dataset.shown = String(shown);
      if (indicator) indicator.textContent = shown < cards.length ? tr("Showing {0}–{1} of {2}", start + 1, start + shown, cards.length) : "";
      return shown;
    };
    const advance = () => {
      const list = document.querySelector("#wall-cards .cards");
      const shown = Number(list?.dataset.shown || 0);
      const total = list ? list.children.length : 0;
      start = shown >= total ? 0 : (start + shown >= total ? 0 : start + shown);
      place();
    };
    return { place, advance };
  })() : null;

  window.ceasefireWatch = { refresh, now, wall };
  tick();
  setInterval(tick, 1000);
  if (wall) {
    wall.place();
    document.addEventListener("cw:refreshed", wall.place);
    document.addEventListener("cw:layout", wall.place);
    window.addEventListener("resize", wall.place);
    setInterval(wall.advance, 12000);
  }
  connect();
  // A safety net under the push: re-read the page now and then, in case a message was ever missed.
  if (liveRegions().length > 0) setInterval(refresh, 5 * 60 * 1000);
})();
