// Starts the Scalar API reference on /api-reference from the OpenAPI document. A file, not an inline script (CSP).
(() => {
  "use strict";
  const target = document.getElementById("api-reference");
  if (!target || !window.Scalar || typeof window.Scalar.createApiReference !== "function") return;
  window.Scalar.createApiReference("#api-reference", {
    url: target.dataset.openapiUrl,
    // The default fonts come from a CDN: off, and the system's fonts named, so nothing is asked of another server.
    withDefaultFonts: false,
    customCss: ":root { --scalar-font: system-ui, sans-serif; --scalar-font-code: ui-monospace, monospace; }",
    hideClientButton: true,
    telemetry: false,
  });
})();
