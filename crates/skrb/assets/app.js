// Skrb's own script: small progressive enhancements. Everything works without it.
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
// The service navigation folds behind a "Menu" button on a phone (GOV.UK Frontend's
// service navigation pattern); without this script every link simply shows.
(function () {
  "use strict";
  document.body.classList.add("js-enabled", "govuk-frontend-supported");
  var toggle = document.querySelector(".govuk-service-navigation__toggle");
  var list = document.getElementById("navigation");
  if (!toggle || !list) { return; }
  var phone = window.matchMedia("(max-width: 40.0525em)");
  var open = false;
  function sync() {
    if (phone.matches) {
      toggle.hidden = false;
      list.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    } else {
      toggle.hidden = true;
      list.hidden = false;
      toggle.removeAttribute("aria-expanded");
    }
  }
  toggle.addEventListener("click", function () { open = !open; sync(); });
  if (phone.addEventListener) { phone.addEventListener("change", sync); }
  sync();
})();
// A table wider than the screen scrolls inside itself; keyboard users reach it with Tab
// (it becomes focusable only while it does scroll).
(function () {
  "use strict";
  function mark() {
    var ts = document.querySelectorAll("table.list, table.matrix");
    for (var i = 0; i < ts.length; i++) {
      var t = ts[i];
      if (t.scrollWidth > t.clientWidth + 1) {
        t.setAttribute("tabindex", "0");
      } else if (t.getAttribute("tabindex") === "0") {
        t.removeAttribute("tabindex");
      }
    }
  }
  mark();
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSwap", mark);
})();
