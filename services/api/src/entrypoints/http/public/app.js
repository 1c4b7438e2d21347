// ETL Monitor page behaviour. Served from the app (CSP: script-src 'self'; no inline script).
(function () {
  'use strict';
  // Forms with data-confirm ask first (stop a run, delete a schedule or catalog item).
  // Once a form is on its way (a Stop, say), background refreshes leave the page alone: a reload
  // then would race the form's own navigation and lose its result message.
  var submitting = false;
  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
    else submitting = true;
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

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text != null) el.textContent = text;
    return el;
  }

  // Script and destination lists follow the chosen source: each option names its sources in
  // data-sources; options of other sources are taken out of the list (not just hidden, so the
  // keyboard cannot reach them either) and come back when their source is chosen.
  Array.prototype.forEach.call(document.querySelectorAll('select[data-follows]'), function (select) {
    var source = document.getElementById(select.getAttribute('data-follows'));
    if (!source) return;
    var options = Array.prototype.slice.call(select.options);
    var sync = function () {
      var chosen = ' ' + source.value + ' ';
      var current = select.value;
      select.textContent = '';
      options.forEach(function (o) {
        if ((' ' + (o.getAttribute('data-sources') || '') + ' ').indexOf(chosen) >= 0) select.appendChild(o);
      });
      for (var i = 0; i < select.options.length; i++) if (select.options[i].value === current) select.selectedIndex = i;
    };
    source.addEventListener('change', sync);
    sync();
  });

  // Schedule form: the next runs of the cron expression in the chosen zone, with the warnings,
  // redrawn as the user types (GET /schedules/preview; same markup as views/mixins.pug cronPreview).
  var cronInput = document.getElementById('cron');
  var cronPreview = document.getElementById('cron-preview');
  if (cronInput && cronPreview && cronInput.getAttribute('data-preview-url')) {
    var zoneInput = document.getElementById('timeZone');
    var previewUrl = cronInput.getAttribute('data-preview-url');
    var asked = 0;
    var debounce = null;
    var draw = function (preview) {
      cronPreview.textContent = '';
      if (preview.ok) {
        var heading = element('p', 'small mb-1', 'Next ' + preview.runs.length + ' runs in ' + preview.timeZone + ':');
        heading.id = 'cron-heading';
        var list = element('ol', 'small mb-1');
        list.id = 'cron-runs';
        preview.runs.forEach(function (run) { list.appendChild(element('li', null, run.local)); });
        cronPreview.appendChild(heading);
        cronPreview.appendChild(list);
        preview.warnings.forEach(function (text) {
          var warning = element('div', 'alert alert-warning py-1 small mb-1 cron-warning', text);
          warning.setAttribute('role', 'status');
          cronPreview.appendChild(warning);
        });
      } else {
        var error = element('div', 'alert alert-danger py-1 small mb-1', preview.error);
        error.id = 'cron-error';
        error.setAttribute('role', 'status');
        cronPreview.appendChild(error);
      }
    };
    var ask = function () {
      var mine = ++asked;
      var query = '?cron=' + encodeURIComponent(cronInput.value) + '&timeZone=' + encodeURIComponent(zoneInput ? zoneInput.value : 'UTC');
      fetch(previewUrl + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (preview) { if (preview && mine === asked) draw(preview); }) // only the latest answer
        .catch(function () { /* the next keystroke asks again */ });
    };
    var later = function () {
      clearTimeout(debounce);
      debounce = setTimeout(ask, 250);
    };
    cronInput.addEventListener('input', later);
    if (zoneInput) {
      zoneInput.addEventListener('input', later);
      zoneInput.addEventListener('change', later);
    }
  }

  // The dashboard's rows refresh in place every 5 s: changed rows are replaced, new ones appear
  // on top, rows that left the page are removed; unchanged rows (and focus in them) stay as they are.
  var container = document.getElementById('executions-container');
  if (container) {
    var url = container.getAttribute('data-fragment-url');
    var refresh = function () {
      if (document.hidden || submitting) return;
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
    if (url) setInterval(refresh, 5000);
  }

  // Same rendering as the server's (pages/format.ts parseLogLine and formatLogTime): time in the
  // page's zone (data-zone on the log; the page names the zone once), severity, message.
  var logTimeFormat = null;
  function formatLogTime(time, zone) {
    if (typeof time !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(time)) return time;
    var date = new Date(time);
    if (isNaN(date.getTime())) return time;
    try {
      if (!logTimeFormat) {
        logTimeFormat = new Intl.DateTimeFormat('en-US', {
          timeZone: zone || 'UTC', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
          hour: '2-digit', minute: '2-digit', second: '2-digit',
        });
      }
      var part = {};
      logTimeFormat.formatToParts(date).forEach(function (p) { part[p.type] = p.value; });
      var wall = part.year + '-' + part.month + '-' + part.day + ' ' + part.hour + ':' + part.minute + ':' + part.second;
      return /T[\d:]+\.\d/.test(time) ? wall + '.' + String(date.getUTCMilliseconds()).padStart(3, '0') : wall;
    } catch (e) {
      return time; // a zone this browser does not know: the time as it came
    }
  }
  function formatLogLine(line, zone) {
    // The logs API returns parsed lines ({ time, severity, message }).
    if (line && typeof line === 'object') return [formatLogTime(line.time, zone), line.severity, line.message].filter(Boolean).join(' ');
    try {
      var entry = JSON.parse(line);
      if (entry && typeof entry.message === 'string') {
        return [formatLogTime(entry.time, zone), entry.severity, entry.message].filter(Boolean).join(' ');
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
    var logZone = log.getAttribute('data-zone') || 'UTC';
    var timer = setInterval(function () {
      fetch(follow + (follow.indexOf('?') < 0 ? '?' : '&') + 'since=' + next, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) return;
          if (body.ok) {
            body.lines.forEach(function (line) { log.appendChild(document.createTextNode(formatLogLine(line, logZone) + '\n')); });
            next = body.next;
            if (body.lines.length > 0) log.scrollTop = log.scrollHeight;
          }
          // The run ended: reload for its final status, rows and error (and no Stop button).
          if (body.active === false && !submitting) {
            clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { /* next tick retries */ });
    }, 2000);
  }
})();

// ---- BEGIN catalog checks (pages/catalog-checks.ts) ----------------------------------------------
(function () {
  'use strict';
  // A check takes a moment (Firebird login, the first rows): the button says so and cannot be pressed twice.
  document.addEventListener('submit', function (event) {
    if (event.defaultPrevented) return;
    var button = event.submitter;
    var busy = (button && button.getAttribute('data-busy')) || event.target.getAttribute('data-busy');
    if (!busy || !button) return;
    button.setAttribute('data-label', button.textContent);
    button.disabled = true;
    button.textContent = busy;
  });
  // Back from the result page (the browser may restore this page as it was): the buttons work again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('button[data-label]').forEach(function (button) {
      button.disabled = false;
      button.textContent = button.getAttribute('data-label');
      button.removeAttribute('data-label');
    });
  });

  // The source form's "Test connection" asks the JSON API and shows the result in place, so a typed
  // password stays in its field. Without JS the button posts the form to the page route instead.
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-check-api]');
    var region = document.getElementById('connection-check');
    if (!button || !button.form || !region || !window.fetch) return;
    event.preventDefault();
    var form = button.form;
    var fields = {};
    new FormData(form).forEach(function (value, key) { if (key !== '_csrf') fields[key] = value; });
    var label = button.textContent;
    button.disabled = true;
    button.textContent = button.getAttribute('data-busy') || label;
    var show = function (ok, message, hint, elapsedMs) {
      var alert = document.createElement('div');
      alert.className = 'alert ' + (ok ? 'alert-success' : 'alert-danger');
      alert.setAttribute('role', ok ? 'status' : 'alert');
      if (!ok) {
        var strong = document.createElement('strong');
        strong.textContent = 'Failed: ';
        alert.appendChild(strong);
      }
      alert.appendChild(document.createTextNode(message));
      if (hint) {
        alert.appendChild(document.createElement('br'));
        alert.appendChild(document.createTextNode('What to change: ' + hint));
      }
      if (typeof elapsedMs === 'number') {
        var small = document.createElement('small');
        small.className = 'd-block text-muted';
        small.textContent = 'Tested just now, ' + elapsedMs + ' ms';
        alert.appendChild(small);
      }
      region.replaceChildren(alert);
    };
    fetch(button.getAttribute('data-check-api'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': form.elements._csrf.value },
      body: JSON.stringify(fields),
    })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (res) {
        if (res.status === 200) show(res.body.ok, res.body.message, res.body.hint, res.body.elapsedMs);
        else show(false, (res.body.error && res.body.error.message) || 'HTTP ' + res.status);
      })
      .catch(function (err) { show(false, 'The test could not be sent: ' + err.message); })
      .then(function () {
        button.disabled = false;
        button.textContent = label;
      });
  });
})();
// ---- END catalog checks ---------------------------------------------------------------------------
