// Progressive enhancement for the contact form. Without JavaScript the form posts as it is and
// the provider answers with a page. With it: ?plan= preselects a plan, every field is checked in
// the browser first (one message beside each field), and the form is sent the way its provider
// expects (data-send, set by site.yaml's contact.provider), so the provider's own per-field
// errors appear beside the fields too, and success ends on the thank-you page (data-thanks).
//   stub       folio serve's /api/contact: JSON in; 201, or 422 {"errors": {field: message}}
//   netlify    Netlify Forms: urlencoded with form-name, to the form's action; success is thanks
//   formspree  Formspree: JSON, Accept JSON; 200 {"ok": true}, or {"errors": [{field, message}]}
//   json       a custom endpoint answering JSON: 2xx, or errors as an object or a list
//   native     a custom endpoint that redirects by itself: checked here, then posted as it is
//   preview    a staging build (`folio build --env staging`): nothing is sent
(function () {
  var form = document.querySelector("[data-contact-form]");
  if (!form) return;
  var send = form.getAttribute("data-send") || "stub";
  var thanks = form.getAttribute("data-thanks") || "/contact/thanks/";
  var plan = new URLSearchParams(location.search).get("plan");
  var select = form.querySelector("select");
  if (plan && select) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === plan) select.selectedIndex = i;
    }
  }
  var status = form.querySelector("[data-form-status]");
  var button = form.querySelector("[type=submit]");
  var sending = false;
  function esc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/[^\w-]/g, ""); }
  function labelOf(input) {
    var label = input.id && form.querySelector('label[for="' + esc(input.id) + '"]');
    return label ? label.firstChild.textContent.trim() : input.name;
  }

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    status.textContent = "";
  }

  // Shows {wire name: message}; returns whether there was anything to show.
  function showErrors(errors) {
    var first = null, other = [];
    Object.keys(errors).forEach(function (field) {
      var msg = form.querySelector('[data-error-for="' + esc(field) + '"]');
      var input = form.querySelector('[name="' + esc(field) + '"]');
      if (msg) msg.textContent = errors[field]; else other.push(errors[field]);
      if (input) { input.setAttribute("aria-invalid", "true"); if (!first) first = input; }
    });
    if (!first && !other.length) return false;
    status.textContent = "Please correct the highlighted fields." + (other.length ? " " + other.join(" ") : "");
    if (first) first.focus();
    return true;
  }

  // The browser's own checks (required, email, length), in plain words.
  function browserErrors() {
    var errors = {};
    form.querySelectorAll("input:not([type=hidden]), textarea, select").forEach(function (input) {
      if (!input.name || input.closest("[aria-hidden=true]") || input.validity.valid) return;
      var v = input.validity;
      if (v.valueMissing) errors[input.name] = "Please fill in “" + labelOf(input) + "”.";
      else if (v.typeMismatch && input.type === "email") errors[input.name] = "Please enter an email address like name@example.com.";
      else if (v.tooLong) errors[input.name] = "Please shorten this to " + input.maxLength + " characters.";
      else errors[input.name] = input.validationMessage;
    });
    return errors;
  }

  // A provider's errors as {wire name: message}: an object, or a list of {field, message}.
  function errorsOf(body) {
    var errors = body && body.errors, out = {};
    if (Array.isArray(errors)) {
      errors.forEach(function (e) { if (e && e.field) out[e.field] = e.message; });
      if (!Object.keys(out).length && errors.length) out["?"] = errors.map(function (e) { return e.message; }).join(" ");
      return out;
    }
    return errors && typeof errors === "object" ? errors : out;
  }

  function done() {
    sending = false;
    if (button) button.removeAttribute("aria-disabled");
    form.removeAttribute("aria-busy");
  }

  form.addEventListener("submit", function (ev) {
    clearErrors();
    if (send === "preview") {
      ev.preventDefault();
      status.textContent = "This is a preview of the site: the form sends nothing.";
      return;
    }
    if (showErrors(browserErrors())) { ev.preventDefault(); return; }
    if (send === "native" || !window.fetch) return;
    ev.preventDefault();
    if (sending) return;
    sending = true;
    if (button) button.setAttribute("aria-disabled", "true");
    form.setAttribute("aria-busy", "true");
    var data = new FormData(form), request;
    if (send === "netlify") {
      request = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(data).toString() };
    } else {
      var fields = {};
      data.forEach(function (v, k) { fields[k] = v; });
      request = { method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(fields) };
    }
    fetch(form.action, request).then(function (res) {
      done();
      return res.text().then(function (text) {
        var body = {};
        try { body = JSON.parse(text); } catch (e) { body = {}; }
        var ok = send === "formspree" ? res.ok && body.ok !== false : res.ok;
        if (ok) { location.href = thanks; return; }
        if (!showErrors(errorsOf(body))) {
          status.textContent = body.error || "Sorry, the message could not be sent (" + res.status + "). Please try again.";
        }
      });
    }).catch(function () {
      done();
      status.textContent = "The message could not be sent. Check your connection and try again.";
    });
  });
})();
