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
  // Same rendering as the server's (pages/format.ts parseLogLine): time severity message.
  function formatLogLine(line) {
    // The logs API returns parsed lines ({ time, severity, message }).
    if (line && typeof line === 'object') return [line.time, line.severity, line.message].filter(Boolean).join(' ');
    try {
      var entry = JSON.parse(line);
      if (entry && typeof entry.message === 'string') {
        return [entry.time, entry.severity, entry.message].filter(Boolean).join(' ');
      }
      if (entry && entry.summary === true) return 'SUMMARY ' + line;
    } catch (e) { /* plain text */ }
    return line;
  }
  // Execution page: while the run is active, append new log lines every 2 s; reload when it ends.
  var log = document.getElementById('log');
  if (log && log.getAttribute('data-follow-url')) {
    var next = Number(log.getAttribute('data-line-count')) || 0;
    var follow = log.getAttribute('data-follow-url');
    var statusUrl = follow.replace(/\/logs(\?.*)?$/, '');
    var timer = setInterval(function () {
      fetch(follow + (follow.indexOf('?') < 0 ? '?' : '&') + 'since=' + next, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body || !body.ok) return;
          body.lines.forEach(function (line) { log.appendChild(document.createTextNode(formatLogLine(line) + '\n')); });
          next = body.next;
          return fetch(statusUrl, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; });
        })
        .then(function (execution) {
          if (execution && execution.status !== 'pending' && execution.status !== 'running') {
            clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { /* next tick retries */ });
    }, 2000);
  }
})();
