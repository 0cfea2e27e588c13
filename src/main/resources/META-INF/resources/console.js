'use strict';
// The digitflow console: one EventSource for everything live, fetch for "try it" and operator actions.
(function () {
  const $ = (id) => document.getElementById(id);
  const FINAL = ['done', 'rejected', 'cancelled', 'failed'];
  const LIVE_TILES = 24;
  const digitCounts = new Array(10).fill(0);
  let history = [];
  let pending = null; // request id of the operator action this page sent

  function text(el, value) { el.textContent = value; }
  function fmt(n, digits) { return (n === null || n === undefined || Number.isNaN(n)) ? '–' : Number(n).toFixed(digits); }

  function drawPixels(canvas, base64) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const small = document.createElement('canvas');
    small.width = 28; small.height = 28;
    const ctx = small.getContext('2d');
    const image = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = 255 - bytes[i]; // MNIST: 255 is ink; shown dark on light
      image.data[i * 4] = v; image.data[i * 4 + 1] = v; image.data[i * 4 + 2] = v; image.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    const out = canvas.getContext('2d');
    out.imageSmoothingEnabled = false;
    out.drawImage(small, 0, 0, canvas.width, canvas.height);
  }

  function bars(list, probabilities) {
    list.replaceChildren();
    probabilities.forEach((p, digit) => {
      const li = document.createElement('li');
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = Math.round(p * 100) + '%';
      const label = document.createElement('span');
      label.textContent = digit;
      const value = document.createElement('span');
      value.textContent = (p * 100).toFixed(1) + ' %';
      const track = document.createElement('span');
      track.appendChild(bar);
      li.append(label, track, value);
      list.appendChild(li);
    });
  }

  function addPredictions(predictions) {
    const live = $('live');
    predictions.forEach((p) => {
      digitCounts[p.digit]++;
      const li = document.createElement('li');
      li.className = 'prediction';
      const canvas = document.createElement('canvas');
      canvas.width = 84; canvas.height = 84;
      canvas.setAttribute('aria-label', 'digit predicted as ' + p.digit);
      drawPixels(canvas, p.pixels);
      const digit = document.createElement('div');
      digit.innerHTML = '<span class="digit"></span> <span class="pct"></span>';
      digit.querySelector('.digit').textContent = p.digit;
      digit.querySelector('.pct').textContent = (p.confidence * 100).toFixed(1) + ' %';
      const conf = document.createElement('div');
      conf.className = 'conf';
      conf.style.width = Math.round(p.confidence * 100) + '%';
      const meta = document.createElement('div');
      meta.textContent = fmt(p.latencyMs, 0) + ' ms · ' + p.model;
      li.append(canvas, digit, conf, meta);
      live.prepend(li);
    });
    while (live.children.length > LIVE_TILES) live.removeChild(live.lastChild);
    const total = digitCounts.reduce((a, b) => a + b, 0);
    bars($('digit-counts'), digitCounts.map((c) => (total ? c / total : 0)));
  }

  function addDeadLetters(letters) {
    const body = $('dlq');
    letters.forEach((d) => {
      const tr = document.createElement('tr');
      [d.reason, d.detail, d.key === null ? '(none)' : d.key, d.partition + '@' + d.offset,
        Object.entries(d.headers || {}).map(([k, v]) => k + '=' + v).join(', ')].forEach((v) => {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      });
      body.prepend(tr);
    });
    while (body.children.length > 20) body.removeChild(body.lastChild);
  }

  function addEvents(events) {
    const list = $('events');
    events.forEach((e) => {
      const li = document.createElement('li');
      li.textContent = e.requestId + ' ' + e.command + ' ' + e.status + ': ' + e.message;
      if (['rejected', 'failed', 'cancelled'].includes(e.status)) li.className = 'bad';
      list.prepend(li);
      if (pending && e.requestId === pending) {
        text($('action'), e.command + ' ' + e.status + ': ' + e.message);
        if (FINAL.includes(e.status)) pending = null;
      }
    });
    while (list.children.length > 50) list.removeChild(list.lastChild);
  }

  function showStats(s) {
    if (!s) return;
    text($('rate'), fmt(s.recordsPerSecond, 0));
    text($('latency'), fmt(s.p50Ms, 0) + ' / ' + fmt(s.p99Ms, 0) + ' ms');
    text($('predictions'), s.predictions);
    const dead = Object.values(s.deadLetters || {}).reduce((a, b) => a + b, 0);
    text($('dead-letters'), dead + (dead ? ' (' + Object.entries(s.deadLetters).map(([r, n]) => r + ' ' + n).join(', ') + ')' : ''));
    text($('lag'), fmt(s.lag, 0));
  }

  function plot() {
    const canvas = $('plot');
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (history.length < 2) return;
    const line = (values, colour) => {
      const max = Math.max(1, ...values.filter((v) => Number.isFinite(v)));
      ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.beginPath();
      values.forEach((v, i) => {
        const x = (i / (history.length - 1)) * canvas.width;
        const y = canvas.height - 4 - ((Number.isFinite(v) ? v : 0) / max) * (canvas.height - 8);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    };
    line(history.map((s) => s.recordsPerSecond), '#0550ae');
    line(history.map((s) => s.p99Ms), '#bc4c00');
  }

  function showConfusion(counts) {
    if (!counts) return;
    const total = counts.reduce((a, b) => a + b, 0);
    if (!total) return;
    let right = 0;
    for (let d = 0; d < 10; d++) right += counts[d * 10 + d];
    text($('live-accuracy'), 'live accuracy ' + (100 * right / total).toFixed(2) + ' % of ' + total
      + ' labelled images (rows: true digit, columns: predicted)');
    const table = $('confusion');
    table.replaceChildren();
    const head = document.createElement('tr');
    head.appendChild(document.createElement('th'));
    for (let p = 0; p < 10; p++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = p;
      head.appendChild(th);
    }
    table.appendChild(head);
    for (let t = 0; t < 10; t++) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = t;
      tr.appendChild(th);
      for (let p = 0; p < 10; p++) {
        const td = document.createElement('td');
        const n = counts[t * 10 + p];
        td.textContent = n || '';
        if (n) td.className = t === p ? 'hit' : 'miss';
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
  }

  function showModels(models) {
    const body = $('models');
    body.replaceChildren();
    models.forEach((m) => {
      const tr = document.createElement('tr');
      if (m.active) tr.className = 'active';
      [m.version + (m.active ? ' (active)' : ''), m.testAccuracy === undefined ? '–' : (m.testAccuracy * 100).toFixed(2) + ' %',
        m.trainingSeconds === undefined ? '–' : fmt(m.trainingSeconds, 0) + ' s'].forEach((v) => {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      });
      const td = document.createElement('td');
      if (!m.active) {
        const promote = document.createElement('button');
        promote.type = 'button';
        promote.textContent = 'Promote';
        promote.className = 'operator';
        promote.addEventListener('click', () => act({command: 'promote', version: m.version}));
        td.appendChild(promote);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  function showState(state) {
    text($('replica'), state.replica);
    text($('model'), state.model || 'none');
    text($('operator-hint'), state.operatorHint);
    history = state.history || [];
    showStats(state.stats || history[history.length - 1]);
    plot();
    $('live').replaceChildren();
    addPredictions(state.predictions || []);
    $('dlq').replaceChildren();
    addDeadLetters(state.deadLetters || []);
    $('events').replaceChildren();
    addEvents(state.events || []);
    showModels(state.models || []);
    showConfusion(state.confusion);
  }

  function connect() {
    const source = new EventSource('console/stream');
    source.addEventListener('open', () => text($('status'), 'live'));
    source.addEventListener('error', () => text($('status'), 'reconnecting…'));
    source.addEventListener('state', (e) => showState(JSON.parse(e.data)));
    source.addEventListener('tick', (e) => {
      const tick = JSON.parse(e.data);
      text($('model'), tick.model || 'none');
      history.push(tick.stats);
      if (history.length > 300) history.shift();
      showStats(tick.stats);
      plot();
      addPredictions(tick.predictions);
      addDeadLetters(tick.deadLetters);
      addEvents(tick.events);
      showConfusion(tick.confusion);
      if (tick.events.length) refreshModels();
    });
  }

  function refreshModels() {
    fetch('console/state').then((r) => r.json()).then((s) => { showModels(s.models); text($('model'), s.model || 'none'); })
      .catch(() => {});
  }

  // ---- Try it --------------------------------------------------------------------------------
  const pad = $('pad');
  const ink = pad.getContext('2d');
  function clearPad() {
    ink.fillStyle = '#fff';
    ink.fillRect(0, 0, pad.width, pad.height);
  }
  clearPad();
  let drawing = false;
  function point(e) {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
  }
  pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    const [x, y] = point(e);
    ink.beginPath(); ink.moveTo(x, y);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [x, y] = point(e);
    ink.lineTo(x, y);
    ink.strokeStyle = '#111'; ink.lineWidth = 22; ink.lineCap = 'round'; ink.lineJoin = 'round';
    ink.stroke();
  });
  const stop = () => { drawing = false; };
  pad.addEventListener('pointerup', stop);
  pad.addEventListener('pointercancel', stop);
  $('clear').addEventListener('click', clearPad);
  $('send').addEventListener('click', () => pad.toBlob((blob) => tryPicture(blob, 'image/png'), 'image/png'));
  $('file').addEventListener('change', (e) => { const f = e.target.files[0]; if (f) tryPicture(f, f.type); });
  pad.addEventListener('dragover', (e) => e.preventDefault());
  pad.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer.files[0];
    if (f) tryPicture(f, f.type);
  });

  function tryPicture(blob, type) {
    text($('answer-text'), 'sending…');
    text($('answer-digit'), '?');
    fetch('console/try', {method: 'POST', headers: {'content-type': type || 'application/octet-stream'}, body: blob})
      .then((r) => r.json().then((body) => ({ok: r.ok, body})))
      .then(({ok, body}) => {
        if (!ok) { text($('answer-text'), body.error); return; }
        if (body.deadLetter) {
          text($('answer-text'), 'dead-lettered: ' + body.deadLetter + ' (' + body.detail + ')');
          return;
        }
        text($('answer-digit'), body.digit);
        text($('answer-text'), (body.confidence * 100).toFixed(1) + ' % · model ' + body.model + ' · round trip '
          + body.roundTripMs.toFixed(0) + ' ms through Kafka (partition ' + body.partition + ')');
        drawPixels($('seen'), body.pixels);
        bars($('answer-bars'), body.probabilities);
      })
      .catch((e) => text($('answer-text'), 'failed: ' + e));
  }

  // ---- Operator actions ------------------------------------------------------------------------
  const token = $('token');
  token.value = sessionStorage.getItem('digitflow-operator-token') || '';
  token.addEventListener('change', () => sessionStorage.setItem('digitflow-operator-token', token.value));
  function act(command) {
    text($('action'), 'sending ' + command.command + '…');
    fetch('console/control', {method: 'POST', headers: {'content-type': 'application/json',
      'authorization': 'Bearer ' + token.value}, body: JSON.stringify(command)})
      .then((r) => r.json().then((body) => ({ok: r.ok, body})))
      .then(({ok, body}) => {
        if (!ok) { text($('action'), 'refused: ' + body.error); return; }
        pending = body.requestId;
        text($('action'), command.command + ' sent as ' + body.requestId + (body.signed ? ' (signed)' : '') + '; waiting for its events…');
      })
      .catch((e) => text($('action'), 'failed: ' + e));
  }
  $('retrain').addEventListener('click', () => act({command: 'retrain', epochs: Number($('epochs').value)}));
  $('rollback').addEventListener('click', () => act({command: 'rollback'}));

  connect();
})();
