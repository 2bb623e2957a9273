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
// (typed while the session had expired) wins, and says so. A text several people write
// (an annual report's section) carries the version it was read at (data-version): the
// server refuses a save over someone else's (409, data-conflict is shown and the text
// stays in this browser), and a saved text is no longer kept here.
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
      var version = t.getAttribute("data-version");
      var form = "body=" + encodeURIComponent(body);
      if (version !== null) { form += "&version=" + encodeURIComponent(version); }
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf() },
        body: form
      }).then(function (r) {
        if (r.ok) {
          saved = body;
          if (version !== null) {
            t.setAttribute("data-version", r.headers.get("X-Version") || version);
            if (store.getItem(key) === body) { store.removeItem(key); }
          }
          return r.text().then(say);
        }
        if (r.status === 409) {
          say(t.getAttribute("data-conflict") || "");
          return;
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
// A carer's visits on a phone (/visits): what is typed into a visit is kept in this
// browser until it is sent; a visit recorded without a connection waits here and goes when
// the phone is online again (on the "online" event, and every few seconds). Each form
// carries an idempotency key, so a visit sent twice is saved once.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.visit-form");
  var QUEUE = "skrb-visits-queue";
  var store = window.localStorage;
  function queue() {
    try { return JSON.parse(store.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function setQueue(q) { store.setItem(QUEUE, JSON.stringify(q)); }
  var offline = document.getElementById("offline");
  var queued = document.getElementById("queued");
  function show() {
    if (offline) { offline.hidden = navigator.onLine; }
    if (queued) { queued.hidden = queue().length === 0; }
  }
  function two(n) { return ("0" + n).slice(-2); }
  function typed(f) {
    var o = {};
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || el.type === "hidden") { return; }
      if (el.type === "checkbox") { o[el.name + "=" + el.value] = el.checked; } else { o[el.name] = el.value; }
    });
    return o;
  }
  function restore(f, o) {
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || el.type === "hidden") { return; }
      if (el.type === "checkbox") {
        var k = el.name + "=" + el.value;
        if (k in o) { el.checked = o[k]; }
      } else if (el.name in o) { el.value = o[el.name]; }
    });
  }
  // Sends one visit: "sent" when the server answered (saved, or refused with reasons on
  // the page), "wait" when there is no connection or the session has to be renewed.
  function send(item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: item.body
    }).then(function (r) {
      if (r.redirected && r.url.indexOf("/login") >= 0) { return { state: "wait" }; }
      return r.text().then(function (html) { return { state: "sent", ok: r.ok, url: r.url, html: html }; });
    }, function () { return { state: "wait" }; });
  }
  var flushing = false;
  function flush() {
    var q = queue();
    if (flushing || q.length === 0) { show(); return; }
    flushing = true;
    var item = q[0];
    send(item).then(function (res) {
      flushing = false;
      if (res.state !== "sent") { show(); return; }
      setQueue(queue().slice(1));
      if (res.ok) { store.removeItem("skrb-visit:" + item.visit); }
      // Saved, or refused with the reasons (what was typed is kept): the answer is
      // the page to show, once the queue is empty.
      if (queue().length > 0 && res.ok) { flush(); } else { showPage(res); }
    });
  }
  function showPage(res) {
    // Saved: the day's page afresh (the visit shows as done, with its times).
    if (res.ok && res.url) { window.location.replace(res.url); return; }
    document.open();
    document.write(res.html);
    document.close();
  }
  document.querySelectorAll("button.now").forEach(function (b) {
    b.addEventListener("click", function () {
      var input = document.getElementById(b.getAttribute("data-for"));
      if (!input) { return; }
      var d = new Date();
      input.value = two(d.getHours()) + ":" + two(d.getMinutes());
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
  forms.forEach(function (f) {
    var key = "skrb-visit:" + f.getAttribute("data-visit");
    var kept = store.getItem(key);
    if (kept) { try { restore(f, JSON.parse(kept)); } catch (e) { store.removeItem(key); } }
    var waiting = queue().some(function (i) { return i.visit === f.getAttribute("data-visit"); });
    if (waiting) { f.classList.add("waiting"); }
    f.addEventListener("input", function () { store.setItem(key, JSON.stringify(typed(f))); });
    f.addEventListener("change", function () { store.setItem(key, JSON.stringify(typed(f))); });
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      store.setItem(key, JSON.stringify(typed(f)));
      var item = { url: f.action, body: new URLSearchParams(new FormData(f)).toString(), visit: f.getAttribute("data-visit") };
      send(item).then(function (res) {
        if (res.state === "sent") {
          if (res.ok) { store.removeItem(key); }
          showPage(res);
          return;
        }
        var q = queue().filter(function (i) { return i.visit !== item.visit; });
        q.push(item);
        setQueue(q);
        f.classList.add("waiting");
        show();
      });
    });
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  show();
  if (queue().length > 0) { flush(); }
  setInterval(function () { if (queue().length > 0) { flush(); } }, 5000);
})();
