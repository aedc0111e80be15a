// The import page: posts the same multipart form with XMLHttpRequest so a progress bar can show the upload, then
// shows the server's answer (the bad lines, or the replay summary) in place. Without script the form posts as usual.
(() => {
  "use strict";
  const form = document.querySelector("[data-import-form]");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;
  const bar = form.querySelector("[data-import-progress]");
  const status = form.querySelector("[data-import-status]");
  const button = form.querySelector("button[type=submit]");
  // The words in the reader's language, from the same #ui-text the layout hands site.js (UiText.ScriptWords lists
  // them); the English key when a word is missing.
  const words = (() => {
    try { return JSON.parse(document.getElementById("ui-text")?.textContent || "{}"); } catch { return {}; }
  })();
  const tr = (key, ...args) => (words[key] || key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

  form.addEventListener("submit", (event) => {
    const file = form.querySelector("input[type=file]");
    if (!file || !file.files || file.files.length === 0) return; // let the server say what is missing
    event.preventDefault();
    // Over the server's limit: said at once, rather than after uploading it all to be refused.
    const maxBytes = Number(form.dataset.maxBytes);
    if (maxBytes > 0 && file.files[0].size > maxBytes) {
      status.textContent = tr("The file is too large to import at once; split it.");
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = tr("Uploading…");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.upload.onload = () => {
      // Uploaded: the server now reads, checks and writes the file. An indeterminate bar until it answers.
      bar.removeAttribute("value");
      status.textContent = tr("Checking and importing…");
    };
    xhr.onload = () => {
      button.disabled = false;
      bar.hidden = true;
      if (xhr.status !== 200) {
        status.textContent = xhr.status === 413
          ? tr("The file is too large to import at once; split it.")
          : tr("The import failed (HTTP {0}). Nothing was imported.", xhr.status);
        return;
      }
      const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const answer = page.getElementById("import-result");
      const errors = page.querySelector(".import-form .errors");
      const formErrors = form.querySelector(".errors");
      if (formErrors && errors) formErrors.replaceWith(document.importNode(errors, true));
      const result = document.getElementById("import-result"); // looked up each time: the last answer replaced it
      if (answer && result) result.replaceWith(document.importNode(answer, true));
      status.textContent = tr("Done.");
    };
    xhr.onerror = () => {
      button.disabled = false;
      bar.hidden = true;
      status.textContent = tr("The connection failed. Nothing was imported unless the page says so.");
    };
    xhr.send(new FormData(form));
  });
})();
