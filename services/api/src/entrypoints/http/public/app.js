// ETL Monitor page behaviour. Served from the app (CSP: script-src 'self'; no inline script).
(function () {
  'use strict';
  // Forms with data-confirm ask first (stop a run, delete a schedule or catalog item).
  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // The dashboard's table refreshes in place every 5 s.
  var container = document.getElementById('executions-container');
  if (container) {
    var url = container.getAttribute('data-fragment-url');
    setInterval(function () {
      fetch(url, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html) container.innerHTML = html; })
        .catch(function () { /* next tick retries */ });
    }, 5000);
  }
})();
