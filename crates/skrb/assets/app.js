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
