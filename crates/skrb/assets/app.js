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
// Autosave of long notes: what is typed is kept in this browser at once and on the server
// every few seconds, so that neither a session timeout nor a closed tab loses it. The
// server's copy comes back into the form on the next visit; a newer copy in this browser
// (typed while the session had expired) wins, and says so.
(function () {
  "use strict";
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  function setup(t) {
    var url = t.getAttribute("data-autosave");
    var key = "skrb-draft:" + url;
    var status = document.getElementById(t.getAttribute("data-status") || "");
    var say = function (s) { if (status) { status.textContent = s; } };
    var store = window.localStorage;
    if (t.hasAttribute("data-clear-local")) {
      store.removeItem(key);
    }
    var local = store.getItem(key);
    if (local && local !== t.value) {
      t.value = local;
      say(t.getAttribute("data-restored") || "");
    }
    var saved = t.value;
    var timer = null;
    function save() {
      timer = null;
      var body = t.value;
      if (body === saved) { return; }
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf() },
        body: "body=" + encodeURIComponent(body)
      }).then(function (r) {
        if (r.ok) {
          saved = body;
          return r.text().then(say);
        }
        say(t.getAttribute("data-unsaved") || "");
      }).catch(function () { say(t.getAttribute("data-unsaved") || ""); });
    }
    t.addEventListener("input", function () {
      store.setItem(key, t.value);
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 1500);
    });
    t.addEventListener("blur", function () { if (timer) { clearTimeout(timer); save(); } });
  }
  function init() {
    var list = document.querySelectorAll("textarea[data-autosave]");
    for (var i = 0; i < list.length; i++) { setup(list[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
