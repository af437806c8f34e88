// Progressive enhancement for the contact form: preselects ?plan=, and posts as JSON so the
// endpoint's 422 answer can show one message beside each field. Without JavaScript the form
// posts normally and the endpoint answers with a page.
(function () {
  var form = document.querySelector("[data-contact-form]");
  if (!form) return;
  var plan = new URLSearchParams(location.search).get("plan");
  var select = form.querySelector("select[name=plan]");
  if (plan && select) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === plan) select.selectedIndex = i;
    }
  }
  var status = form.querySelector("[data-form-status]");
  var button = form.querySelector("[type=submit]");
  var sending = false;
  function esc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/[^\w-]/g, ""); }

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    status.textContent = "";
  }

  form.addEventListener("submit", function (ev) {
    if (!window.fetch) return;
    ev.preventDefault();
    if (sending) return;
    clearErrors();
    sending = true;
    if (button) button.setAttribute("aria-disabled", "true");
    form.setAttribute("aria-busy", "true");
    var data = {};
    new FormData(form).forEach(function (v, k) { data[k] = v; });
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(data)
    }).then(function (res) {
      sending = false;
      if (button) button.removeAttribute("aria-disabled");
      form.removeAttribute("aria-busy");
      if (res.status === 201) { location.href = "/contact/thanks/"; return; }
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.status === 422 && body.errors) {
          var first = null, other = [];
          Object.keys(body.errors).forEach(function (field) {
            var msg = form.querySelector('[data-error-for="' + esc(field) + '"]');
            var input = form.querySelector('[name="' + esc(field) + '"]');
            if (msg) msg.textContent = body.errors[field]; else other.push(body.errors[field]);
            if (input) { input.setAttribute("aria-invalid", "true"); if (!first) first = input; }
          });
          status.textContent = "Please correct the highlighted fields." + (other.length ? " " + other.join(" ") : "");
          if (first) first.focus();
        } else {
          status.textContent = body.error || "Sorry, the message could not be sent (" + res.status + "). Please try again.";
        }
      });
    }).catch(function () {
      sending = false;
      if (button) button.removeAttribute("aria-disabled");
      form.removeAttribute("aria-busy");
      status.textContent = "The message could not be sent. Check your connection and try again.";
    });
  });
})();
