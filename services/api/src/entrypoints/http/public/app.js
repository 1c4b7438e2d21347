// ETL Monitor page behaviour. Served from the app (CSP: script-src 'self'; no inline script).
(function () {
  'use strict';
  // Forms with data-confirm ask first (stop a run, delete a schedule or catalog item).
  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // The viewer's time zone, for the server to render times in (pages/viewer-zone.ts). When the
  // page was rendered in another zone, reload once (only when the cookie changes: no loop even if
  // the server does not know the zone).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var current = (document.cookie.match(/(?:^|; )tz=([^;]*)/) || [])[1];
    if (zone && decodeURIComponent(current || '') !== zone) {
      document.cookie = 'tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; SameSite=Lax';
      var rendered = document.body.getAttribute('data-zone');
      var stored = (document.cookie.match(/(?:^|; )tz=([^;]*)/) || [])[1];
      if (rendered && rendered !== zone && decodeURIComponent(stored || '') === zone) window.location.reload();
    }
  } catch (e) { /* no Intl zone: the server keeps UTC */ }

  // The dashboard's rows refresh in place every 5 s: changed rows are replaced, new ones appear
  // on top, rows that left the page are removed; unchanged rows (and focus in them) stay as they are.
  var container = document.getElementById('executions-container');
  if (container) {
    var url = container.getAttribute('data-fragment-url');
    var refresh = function () {
      if (document.hidden) return;
      fetch(url, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          var body = document.getElementById('executions-body');
          if (!html || !body) return;
          var template = document.createElement('template');
          template.innerHTML = '<table><tbody>' + html + '</tbody></table>';
          var fresh = template.content.querySelectorAll('tr[data-id]');
          var keep = {};
          var anchor = null;
          for (var i = fresh.length - 1; i >= 0; i--) {
            var row = fresh[i];
            var id = row.getAttribute('data-id');
            keep[id] = true;
            var existing = body.querySelector('tr[data-id="' + id + '"]');
            if (existing && existing.innerHTML === row.innerHTML) row = existing;
            else if (existing) { existing.replaceWith(row); row.classList.add('row-updated'); }
            else row.classList.add('row-updated');
            body.insertBefore(row, anchor || null);
            anchor = row;
          }
          Array.prototype.slice.call(body.querySelectorAll('tr[data-id]')).forEach(function (tr) {
            if (!keep[tr.getAttribute('data-id')]) tr.remove();
          });
        })
        .catch(function () { /* next tick retries */ });
    };
    setInterval(refresh, 5000);
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
