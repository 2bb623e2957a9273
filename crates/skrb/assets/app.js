// Skrb's own script: small progressive enhancements. Everything works without it.
(function () {
  "use strict";
  // The language list submits itself when changed (the button stays for keyboards
  // and for browsers without JavaScript).
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.hasAttribute && t.hasAttribute("data-autosubmit") && t.form) {
      t.form.submit();
    }
  });
})();
// htmx requests carry the CSRF token as a header (plain forms carry it as a field).
document.addEventListener("htmx:configRequest", function (e) {
  var m = document.querySelector('meta[name="csrf-token"]');
  if (m && e.detail && e.detail.headers) {
    e.detail.headers["X-CSRF-Token"] = m.getAttribute("content");
  }
});
