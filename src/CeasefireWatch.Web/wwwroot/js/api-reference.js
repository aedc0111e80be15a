// Starts the Scalar API reference on /api-reference from the OpenAPI document. A file, not an inline script (CSP).
(() => {
  "use strict";
  const target = document.getElementById("api-reference");
  if (!target || !window.Scalar || typeof window.Scalar.createApiReference !== "function") return;
  window.Scalar.createApiReference("#api-reference", {
    url: target.dataset.openapiUrl,
    withDefaultFonts: false, // the default fonts come from a CDN; nothing leaves this server
    hideClientButton: true,
    telemetry: false,
  });
})();
