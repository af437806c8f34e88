// folio serve: live reload and the build-error overlay. Injected into HTML by the dev server only,
// never into `folio build` output. Listens to /__folio/events (server-sent events):
//   hello  {generation, ok, errors}   on every (re)connect: the state of the build right now
//   reload {generation, css_only, …}  a rebuild succeeded: swap stylesheets or reload the page
//   errors {generation, ok, errors}   a rebuild failed: show the errors over the last good page
// Everything from the server is put in the page with textContent, never as HTML.
// A contact form whose provider is on another site (Formspree, a custom https endpoint) posts to
// folio serve's emulation of that provider instead (/__folio/forms), so testing the form locally
// sends nothing anywhere; the page's HTML is the same as `folio build` writes.
(function () {
  "use strict";
  if (window.__folio) return;
  var script = document.currentScript;
  var pageGeneration = script ? Number(script.getAttribute("data-folio-generation")) : NaN;
  // Read by the browser test (and handy in the console): is this page listening?
  var state = window.__folio = { connected: false, generation: pageGeneration };
  var OVERLAY_ID = "folio-error-overlay";

  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.setAttribute("style", style);
    if (text != null) e.textContent = String(text);
    return e;
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.parentNode.removeChild(old);
  }

  function location_(e) {
    var s = e.path || "";
    if (e.line) s += ":" + e.line;
    if (e.line && e.col) s += ":" + e.col;
    return s;
  }

  function showOverlay(errors) {
    hideOverlay();
    var root = el("div",
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(24,24,27,.96);color:#f4f4f5;" +
      "font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem;box-sizing:border-box;text-align:left");
    root.id = OVERLAY_ID;
    root.setAttribute("role", "alertdialog");
    root.setAttribute("aria-modal", "true");
    root.setAttribute("aria-labelledby", OVERLAY_ID + "-title");
    var box = el("div", "max-width:60rem;margin:0 auto");
    var title = el("h2", "font-size:1.3rem;margin:0 0 .5rem;color:#fca5a5",
      "Build failed: " + errors.length + (errors.length === 1 ? " error" : " errors"));
    title.id = OVERLAY_ID + "-title";
    box.appendChild(title);
    box.appendChild(el("p", "margin:0 0 1.5rem;color:#d4d4d8",
      "This page shows the last good build. Fix the file and save: the overlay goes away by itself."));
    errors.forEach(function (e) {
      var item = el("section", "border-left:4px solid #f87171;padding:.25rem 0 .25rem 1rem;margin:0 0 1.5rem");
      item.className = "folio-error";
      item.setAttribute("data-path", e.path || "");
      item.appendChild(el("div", "font-weight:bold;color:#fde68a", location_(e)));
      item.appendChild(el("div", "white-space:pre-wrap;margin:.25rem 0", e.message));
      if (e.snippet != null && e.line) {
        var gutter = String(e.line);
        var caret = "";
        for (var i = 1; i < (e.col || 1); i++) caret += e.snippet.charAt(i - 1) === "\t" ? "\t" : " ";
        var pad = gutter.replace(/./g, " ");
        item.appendChild(el("pre", "background:#09090b;color:#e4e4e7;padding:.75rem;margin:.5rem 0;overflow:auto;border-radius:4px",
          gutter + " | " + e.snippet + "\n" + pad + " | " + caret + "^"));
      }
      if (e.help) item.appendChild(el("div", "color:#86efac", "help: " + e.help));
      box.appendChild(item);
    });
    var close = el("button", "font:inherit;padding:.25rem .75rem;cursor:pointer", "Hide until the next change");
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    box.appendChild(close);
    root.appendChild(box);
    (document.body || document.documentElement).appendChild(root);
  }

  function swapStylesheets(generation) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("folio-reload", String(generation));
      links[i].href = url.pathname + url.search;
    }
  }

  function parse(ev) {
    try { return JSON.parse(ev.data); } catch (_) { return null; }
  }

  function routeFormsHere() {
    document.querySelectorAll("form[data-contact-form][data-off-site]").forEach(function (form) {
      form.setAttribute("data-production-action", form.getAttribute("action") || "");
      form.setAttribute("action", "/__folio/forms");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", routeFormsHere);
  else routeFormsHere();

  if (!window.EventSource) return;
  var source;
  var retryDelay = 1000;

  function handlers() {
    // The browser retries a dropped stream by itself, but gives up for good on an answer it
    // does not like (a 503 when too many pages are open): try again later, more slowly each time.
    source.addEventListener("error", function () {
      state.connected = false;
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    });
    source.addEventListener("hello", function (ev) {
      var s = parse(ev);
      if (!s) return;
      state.connected = true;
      retryDelay = 1000;
      if (s.errors && s.errors.length) { showOverlay(s.errors); return; }
      // A rebuild happened between this page's load and now (or the server restarted).
      if (s.generation !== pageGeneration) location.reload();
    });

    source.addEventListener("reload", function (ev) {
      var s = parse(ev);
      if (!s) return;
      var hadOverlay = !!document.getElementById(OVERLAY_ID);
      if (s.css_only && !hadOverlay && pageGeneration > 0) {
        swapStylesheets(s.generation);
        pageGeneration = state.generation = s.generation;
      } else {
        location.reload();
      }
    });

    source.addEventListener("errors", function (ev) {
      var s = parse(ev);
      if (s && s.errors) showOverlay(s.errors);
    });
  }

  function connect() {
    source = new EventSource("/__folio/events");
    handlers();
  }
  connect();
})();
