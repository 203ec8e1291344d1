'use strict';
// The TideMQ console's pages. Every figure comes from the JSON API under /api/ (docs/console.md).
(function () {
  const page = () => document.getElementById('page');
  let refreshTimer = null;

  // ---- helpers
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  class LoginNeeded extends Error {}

  async function api(path, options) {
    const opts = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
    if (opts.body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(opts.body);
    }
    if (opts.method && opts.method !== 'GET') opts.headers['X-TideMQ-Console'] = '1';
    const res = await fetch(path, opts);
    const body = await res.json().catch(() => ({ error: 'the console answered ' + res.status + ' without JSON' }));
    if (res.status === 401 && path !== '/api/login') { showLogin(); throw new LoginNeeded(); }
    if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
    return body;
  }

  const fmt = {
    num: n => (n === null || n === undefined) ? '' : Number(n).toLocaleString('en-US'),
    rate: r => (r === null || r === undefined) ? h('span', { class: 'unknown', title: 'the broker has not reported a rate yet' }, 'not reported') : r.toFixed(1),
    time: ms => (!ms) ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    bytes: b => {
      if (b === null || b === undefined) return '';
      const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; let i = 0; let v = b;
      while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
      return v.toFixed(i ? 1 : 0) + ' ' + u[i];
    },
    dur: ms => {
      if (ms === null || ms === undefined) return '';
      const s = Math.floor(ms / 1000);
      if (s < 120) return s + ' s';
      if (s < 7200) return Math.floor(s / 60) + ' min';
      if (s < 172800) return Math.floor(s / 3600) + ' h';
      return Math.floor(s / 86400) + ' d';
    },
  };

  function table(id, columns, rows) {
    return h('table', { id },
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { class: c.num ? 'num' : null }, c.title)))),
      h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', { class: c.num ? 'num' : null, 'data-col': c.key }, c.cell(r)))))));
  }

  function errorBox(e) { return h('p', { class: 'error', role: 'alert' }, e.message); }

  function setPage(title, ...content) {
    const p = page();
    p.replaceChildren(h('h1', {}, title), ...content.flat().filter(c => c !== null && c !== undefined && c !== ''));
  }

  async function run(render) {
    try { await render(); } catch (e) { if (!(e instanceof LoginNeeded)) page().append(errorBox(e)); }
  }

  // ---- login
  function showLogin() {
    document.getElementById('login').hidden = false;
    document.getElementById('nav').hidden = true;
    document.getElementById('logout').hidden = true;
    page().replaceChildren();
    document.getElementById('login-password').focus();
  }

  async function onLogin(ev) {
    ev.preventDefault();
    const err = document.getElementById('login-error');
    err.textContent = '';
    try {
      const s = await api('/api/login', { method: 'POST', body: {
        user: document.getElementById('login-user').value,
        password: document.getElementById('login-password').value } });
      document.getElementById('login-password').value = '';
      loggedIn(s);
    } catch (e) { err.textContent = e.message; }
  }

  function loggedIn(s) {
    document.getElementById('login').hidden = true;
    document.getElementById('nav').hidden = false;
    document.getElementById('logout').hidden = s.insecure;
    document.getElementById('who').textContent = s.insecure ? 'login off (--insecure-console)' : ('logged in as ' + s.user);
    route();
  }

  // ---- overview
  // True while the address still shows this page: a render whose answers arrive after the user moved on drops them
  // (and does not schedule its refresh on another page).
  function stillOn(name) {
    return ((location.hash || '#/overview').slice(2).split('/')[0] || 'overview') === name;
  }

  async function overview() {
    const [o, rates] = await Promise.all([api('/api/overview'), api('/api/brokers/rates-history')]);
    if (!stillOn('overview')) return;
    const ns = table('namesrvs', [
      { title: 'NameServer', key: 'address', cell: n => n.address },
      { title: 'Status', key: 'status', cell: n => n.reachable ? h('span', { class: 'ok' }, 'answers') : h('span', { class: 'error' }, 'unreachable') },
      { title: 'Brokers known', key: 'brokers', num: true, cell: n => n.reachable ? fmt.num(n.brokers) : '' },
      { title: 'Error', key: 'error', cell: n => n.error || '' },
    ], o.namesrvs);
    const br = table('brokers', [
      { title: 'Cluster', key: 'cluster', cell: b => b.cluster },
      { title: 'Broker', key: 'broker', cell: b => b.brokerName + (b.brokerId ? ' #' + b.brokerId : '') },
      { title: 'Role', key: 'role', cell: b => b.role },
      { title: 'Address', key: 'address', cell: b => b.address },
      { title: 'Version', key: 'version', cell: b => b.version || h('span', { class: 'unknown' }, 'not reported') },
      { title: 'Disk used', key: 'disk', cell: b => b.diskUsedRatio === null || b.diskUsedRatio === undefined
          ? h('span', { class: 'unknown' }, 'unknown')
          : [h('span', { class: 'bar' }, h('span', { style: 'width:' + Math.round(b.diskUsedRatio * 100) + '%' })),
             Math.round(b.diskUsedRatio * 100) + ' % of ' + fmt.bytes(b.diskTotalBytes)] },
      { title: 'Writes', key: 'state', cell: b => b.error ? '' : b.drained ? h('span', { class: 'unknown', title: 'admin broker undrain puts it back' }, 'drained: read only')
          : (b.writeState === 'WRITABLE' ? h('span', { class: 'ok' }, 'accepted')
          : h('span', { class: 'error', title: b.writeRefusal || '' }, b.writeState)) },
      { title: 'In msg/s', key: 'in', num: true, cell: b => b.error ? '' : fmt.rate(b.inPerSecond) },
      { title: 'Out msg/s', key: 'out', num: true, cell: b => b.error ? '' : fmt.rate(b.outPerSecond) },
      { title: 'Topics', key: 'topics', num: true, cell: b => fmt.num(b.topicCount) },
      { title: 'Up', key: 'uptime', cell: b => fmt.dur(b.uptimeMs) },
      { title: 'Last registration', key: 'heartbeat', cell: b => fmt.time(b.lastHeartbeatMs) },
      { title: 'Figures from', key: 'age', cell: b => b.reportAgeMs === null || b.reportAgeMs === undefined ? '' : fmt.dur(b.reportAgeMs) + ' ago' },
      { title: 'Error', key: 'error', cell: b => b.error ? h('span', { class: 'error' }, b.error) : '' },
    ], o.brokers);
    const rateCharts = rates.brokers.length
      ? rates.brokers.map(b => h('div', { class: 'rate-chart' }, h('h3', {}, b.broker),
        lineChart('rates-chart-' + b.broker.replace(/[^A-Za-z0-9_-]/g, '_'), [
          { name: 'in (stored/s)', cls: 's0', points: b.samples.map(p => [p.timeMs, p.inPerSecond]) },
          { name: 'out (delivered/s)', cls: 's2', points: b.samples.map(p => [p.timeMs, p.outPerSecond]) }], 'messages/s')))
      : [h('p', { class: 'hint', id: 'rates-none' }, 'No broker figures sampled yet.')];
    setPage('Overview', h('h2', {}, 'Brokers'), br, h('h2', {}, 'NameServers'), ns,
      h('h2', {}, 'Rates over time'),
      h('p', { class: 'hint' }, 'Messages per second each broker stored (in) and delivered to consumers (out), as it measured them for its registrations; the console keeps the last ' + rates.capacity + ' figures.'),
      h('div', { id: 'rates-charts' }, rateCharts),
      h('p', { class: 'hint' }, 'Read at ' + fmt.time(o.generatedAtMs) + '; refreshed every 5 s while this page is open.'));
    refreshTimer = setTimeout(() => run(overview), 5000);
  }

  // ---- topics
  const topicState = { page: 0, size: 50, sort: 'name', order: 'asc', filter: '', system: false };

  async function topics() {
    const s = topicState;
    const q = new URLSearchParams({ page: s.page, size: s.size, sort: s.sort, order: s.order, filter: s.filter, system: s.system });
    const data = await api('/api/topics?' + q);
    const sortable = (title, key, num) => ({ title: h('span', { class: 'sortable-title' }, title + (s.sort === key ? (s.order === 'asc' ? ' ▲' : ' ▼') : '')), key, num, sortKey: key });
    const cols = [
      Object.assign(sortable('Topic', 'name'), { cell: t => h('a', { href: '#/topics/' + encodeURIComponent(t.topic) }, t.topic) }),
      Object.assign(sortable('Queues (r/w)', 'queues', true), { cell: t => t.error ? '' : t.readQueues + ' / ' + t.writeQueues }),
      { title: 'Perm', key: 'perm', cell: t => t.perm || '' },
      { title: 'Brokers', key: 'brokers', num: true, cell: t => t.error ? '' : t.brokers },
      Object.assign(sortable('Messages', 'messages', true), { cell: t => t.error ? h('span', { class: 'error' }, t.error) : fmt.num(t.messages) }),
      Object.assign(sortable('Last stored', 'laststore'), { cell: t => t.lastStoreMs ? fmt.time(t.lastStoreMs) : '' }),
    ];
    const tbl = table('topics', cols, data.items);
    tbl.querySelectorAll('th').forEach((th, i) => {
      const c = cols[i];
      if (!c.sortKey) return;
      th.classList.add('sortable');
      th.addEventListener('click', () => {
        if (s.sort === c.sortKey) s.order = s.order === 'asc' ? 'desc' : 'asc'; else { s.sort = c.sortKey; s.order = 'asc'; }
        s.page = 0; run(topics);
      });
    });
    const filter = h('input', { id: 'topic-filter', value: s.filter, placeholder: 'part of a name' });
    const system = h('input', { id: 'topic-system', type: 'checkbox', checked: s.system });
    const last = Math.max(0, Math.ceil(data.total / s.size) - 1);
    const createName = h('input', { id: 'create-topic', placeholder: 'new topic' });
    const createQueues = h('input', { id: 'create-queues', type: 'number', min: 1, max: 1024, value: 8 });
    const createMsg = h('span', { id: 'create-result' });
    setPage('Topics',
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); s.filter = filter.value.trim(); s.system = system.checked; s.page = 0; run(topics); } },
        h('label', {}, 'Filter', filter), h('label', {}, 'System topics', system), h('button', { type: 'submit' }, 'Apply')),
      tbl,
      h('div', { class: 'pager' },
        h('button', { class: 'secondary', type: 'button', disabled: s.page === 0, onclick: () => { s.page--; run(topics); } }, '◀ Previous'),
        h('span', { id: 'topics-page' }, 'page ' + (s.page + 1) + ' of ' + (last + 1) + ' · ' + fmt.num(data.total) + ' topic(s)'),
        h('button', { class: 'secondary', type: 'button', disabled: s.page >= last, onclick: () => { s.page++; run(topics); } }, 'Next ▶')),
      h('h2', {}, 'Create a topic'),
      h('form', { class: 'inline', onsubmit: async ev => {
          ev.preventDefault(); createMsg.textContent = 'creating…';
          try {
            const r = await api('/api/topics', { method: 'POST', body: { topic: createName.value.trim(), queues: Number(createQueues.value) } });
            createMsg.replaceChildren(h('span', { class: 'ok' }, 'created ' + r.topic + ' on ' + r.brokers.join(', ')));
            setTimeout(() => run(topics), 600);
          } catch (e) { createMsg.replaceChildren(h('span', { class: 'error' }, e.message)); }
        } },
        h('label', {}, 'Name', createName), h('label', {}, 'Queues', createQueues), h('button', { type: 'submit' }, 'Create'), createMsg));
  }

  async function topicDetail(topic) {
    const [d, rates] = await Promise.all([api('/api/topics/' + encodeURIComponent(topic)),
      api('/api/topics/' + encodeURIComponent(topic) + '/rates-history')]);
    if (!stillOn('topics')) return;
    const confirmInput = h('input', { id: 'delete-confirm', placeholder: 'type the topic name' });
    const delMsg = h('span', {});
    // update: starts from the first broker's shape and the order flag the brokers report
    const first = d.route[0] || { readQueues: 8, writeQueues: 8, perm: 'rw' };
    const permValue = p => p === 'R-' ? 'r' : p === '-W' ? 'w' : 'rw';
    const readInput = h('input', { id: 'update-read', type: 'number', min: 1, value: first.readQueues });
    const writeInput = h('input', { id: 'update-write', type: 'number', min: 1, value: first.writeQueues });
    const permSelect = h('select', { id: 'update-perm' },
      ...['rw', 'r', 'w'].map(p => h('option', { value: p, ...(p === permValue(first.perm) ? { selected: 'selected' } : {}) }, p)));
    const orderBox = h('input', { id: 'update-order', type: 'checkbox', ...(d.order ? { checked: 'checked' } : {}) });
    const updMsg = h('span', { id: 'update-result' });
    setPage('Topic ' + d.topic,
      h('p', {}, h('a', { href: '#/topics' }, '← all topics'), ' · ' + fmt.num(d.messages) + ' message(s) stored',
        ' · ' + (d.order === null || d.order === undefined ? 'order flag unknown' : d.order ? 'ordered' : 'not ordered')),
      h('h2', {}, 'Route'),
      table('topic-route', [
        { title: 'Broker', key: 'broker', cell: r => r.broker },
        { title: 'Read queues', key: 'read', num: true, cell: r => r.readQueues },
        { title: 'Write queues', key: 'write', num: true, cell: r => r.writeQueues },
        { title: 'Perm', key: 'perm', cell: r => r.perm },
      ], d.route),
      h('h2', {}, 'Queues'),
      table('topic-queues', [
        { title: 'Broker', key: 'broker', cell: q => q.broker },
        { title: 'Queue', key: 'queue', num: true, cell: q => q.queueId },
        { title: 'Min offset', key: 'min', num: true, cell: q => fmt.num(q.minOffset) },
        { title: 'Max offset', key: 'max', num: true, cell: q => fmt.num(q.maxOffset) },
        { title: 'Messages', key: 'messages', num: true, cell: q => fmt.num(q.messages) },
        { title: 'Last stored', key: 'last', cell: q => q.lastStoreMs ? fmt.time(q.lastStoreMs) : h('span', { class: 'hint' }, 'empty') },
      ], d.queues),
      h('h2', {}, 'Rates over time'),
      h('p', { class: 'hint' }, 'Messages of this topic each broker stored (in) and delivered to consumers (out) per second, one point per broker interval of ' + Math.round(rates.intervalMs / 1000) + ' s, as the broker measured them; each broker keeps its last ' + rates.capacity + '.'),
      h('div', { id: 'topic-rates' }, rates.brokers.map(b => h('div', { class: 'rate-chart' }, h('h3', {}, b.broker + ' (' + b.address + ')'),
        lineChart('topic-rates-' + b.broker.replace(/[^A-Za-z0-9_-]/g, '_'), [
          { name: 'in (stored/s)', cls: 's0', points: b.samples.map(p => [p.endMs, p.inPerSecond]) },
          { name: 'out (delivered/s)', cls: 's2', points: b.samples.map(p => [p.endMs, p.outPerSecond]) }], 'messages/s')))),
      h('h2', {}, 'Update'),
      h('form', { class: 'inline', id: 'update-topic', onsubmit: async ev => {
          ev.preventDefault();
          try {
            const r = await api('/api/topics', { method: 'POST', body: { topic: d.topic, readQueues: Number(readInput.value),
              writeQueues: Number(writeInput.value), perm: permSelect.value, order: orderBox.checked } });
            updMsg.replaceChildren(h('span', { class: 'ok' }, 'updated on ' + r.brokers.join(', ')));
            run(() => topicDetail(d.topic));
          } catch (e) { updMsg.replaceChildren(h('span', { class: 'error' }, e.message)); }
        } },
        h('label', {}, 'Read queues', readInput), h('label', {}, 'Write queues', writeInput),
        h('label', {}, 'Permission', permSelect), h('label', {}, 'Ordered', orderBox),
        h('button', { type: 'submit' }, 'Update on every broker'), updMsg),
      h('h2', {}, 'Delete'),
      h('form', { class: 'inline', onsubmit: async ev => {
          ev.preventDefault();
          if (confirmInput.value !== d.topic) { delMsg.replaceChildren(h('span', { class: 'error' }, 'type "' + d.topic + '" to confirm')); return; }
          try { await api('/api/topics/' + encodeURIComponent(d.topic), { method: 'DELETE' }); location.hash = '#/topics'; }
          catch (e) { delMsg.replaceChildren(h('span', { class: 'error' }, e.message)); }
        } },
        h('label', {}, 'Type the topic name to delete it and its messages', confirmInput), h('button', { class: 'danger', type: 'submit' }, 'Delete'), delMsg));
  }

  // ---- groups
  const groupState = { page: 0, size: 50, filter: '' };

  function lagCell(lag, reason) {
    return lag === null || lag === undefined ? h('span', { class: 'unknown', title: reason || '' }, 'unknown') : fmt.num(lag);
  }

  function drainCell(seconds, reason, id) {
    if (seconds === null || seconds === undefined) return h('span', { class: 'unknown', id, title: reason || '' }, 'unknown');
    return h('span', { id, class: 'drain' }, seconds === 0 ? 'drained' : fmt.dur(Math.ceil(seconds) * 1000));
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }

  // A line chart in plain SVG: series = [{ name, cls, points: [[timeMs, value], ...] }]; one circle per data point.
  // A null value is a gap: no circle, and the line stops before it and starts again after it.
  function lineChart(id, series, unit) {
    const W = 720, H = 220, L = 60, R = 10, T = 10, B = 30;
    const all = series.flatMap(s => s.points.filter(p => p[1] !== null && p[1] !== undefined));
    if (all.length === 0) return h('p', { id, class: 'hint' }, 'No sample yet: the console samples periodically; come back in a few seconds.');
    const t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]));
    const vmax = Math.max(1, ...all.map(p => p[1]));
    const x = t => L + (t1 === t0 ? (W - L - R) / 2 : (t - t0) / (t1 - t0) * (W - L - R));
    const y = v => T + (1 - v / vmax) * (H - T - B);
    const chart = svg('svg', { id, class: 'chart', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img' });
    chart.append(svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
      svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
      svg('text', { x: L - 4, y: T + 10, 'text-anchor': 'end', class: 'tick' }, fmt.num(Math.round(vmax * 100) / 100)),
      svg('text', { x: L - 4, y: H - B, 'text-anchor': 'end', class: 'tick' }, '0'),
      svg('text', { x: L, y: H - 8, class: 'tick' }, fmt.time(t0)),
      svg('text', { x: W - R, y: H - 8, 'text-anchor': 'end', class: 'tick' }, fmt.time(t1) + (unit ? ' · ' + unit : '')));
    series.forEach(s => {
      const g = svg('g', { class: 'series ' + (s.cls || ''), 'data-series': s.name });
      const runs = [[]];
      s.points.forEach(p => { if (p[1] === null || p[1] === undefined) runs.push([]); else runs[runs.length - 1].push(p); });
      runs.filter(r => r.length).forEach(r =>
        g.append(svg('polyline', { points: r.map(p => x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join(' ') })));
      s.points.filter(p => p[1] !== null && p[1] !== undefined).forEach(p => g.append(svg('circle', { cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1), r: 2.5, 'data-value': p[1] },
        svg('title', {}, fmt.time(p[0]) + ': ' + p[1]))));
      chart.append(g);
    });
    return h('div', { class: 'chart-box' }, chart,
      series.length > 1 ? h('div', { class: 'legend' }, series.map(s => h('span', { class: 'key ' + (s.cls || '') }, s.name))) : null);
  }

  async function groups() {
    const s = groupState;
    const data = await api('/api/groups?' + new URLSearchParams({ page: s.page, size: s.size, filter: s.filter }));
    const filter = h('input', { id: 'group-filter', value: s.filter, placeholder: 'part of a name' });
    const last = Math.max(0, Math.ceil(data.total / s.size) - 1);
    setPage('Consumer groups',
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); s.filter = filter.value.trim(); s.page = 0; run(groups); } },
        h('label', {}, 'Filter', filter), h('button', { type: 'submit' }, 'Apply')),
      table('groups', [
        { title: 'Group', key: 'group', cell: g => h('a', { href: '#/groups/' + encodeURIComponent(g.group) }, g.group) },
        { title: 'Model', key: 'model', cell: g => g.messageModel || h('span', { class: 'hint' }, 'no member online') },
        { title: 'Members', key: 'members', num: true, cell: g => g.members },
        { title: 'Lag (messages)', key: 'lag', num: true, cell: g => g.error ? h('span', { class: 'error' }, g.error) : lagCell(g.lag) },
        { title: 'Queues with unknown lag', key: 'unknown', num: true, cell: g => g.unknownQueues ? h('span', { class: 'unknown' }, g.unknownQueues) : (g.error ? '' : '0') },
        { title: 'Time to drain', key: 'drain', num: true, cell: g => g.error ? '' : drainCell(g.drainSeconds, g.drainUnknownReason) },
      ], data.items),
      h('div', { class: 'pager' },
        h('button', { class: 'secondary', type: 'button', disabled: s.page === 0, onclick: () => { s.page--; run(groups); } }, '◀ Previous'),
        h('span', {}, 'page ' + (s.page + 1) + ' of ' + (last + 1) + ' · ' + fmt.num(data.total) + ' group(s)'),
        h('button', { class: 'secondary', type: 'button', disabled: s.page >= last, onclick: () => { s.page++; run(groups); } }, 'Next ▶')));
  }

  async function groupDetail(group) {
    const [g, hist, lat] = await Promise.all([api('/api/groups/' + encodeURIComponent(group)),
      api('/api/groups/' + encodeURIComponent(group) + '/lag-history'),
      api('/api/groups/' + encodeURIComponent(group) + '/latency-history')]);
    // an interval without a delivery has no percentile (unknown): a gap in the line, no point
    const known = (samples, key) => samples.map(p => [p.timeMs, p[key] === undefined ? null : p[key]]);
    const latencyCharts = lat.brokers.map(b => h('div', { class: 'latency-chart' }, h('h3', {}, b.broker + ' (' + b.address + ')'),
      b.samples.some(p => p.count > 0)
        ? lineChart('latency-chart-' + b.broker.replace(/[^A-Za-z0-9_-]/g, '_'), [
          { name: 'p50 (ms)', cls: 's0', points: known(b.samples, 'p50Ms') },
          { name: 'p99 (ms)', cls: 's1', points: known(b.samples, 'p99Ms') }], 'ms, one point per broker interval of ' + Math.round(lat.intervalMs / 1000) + ' s')
        : h('p', { class: 'hint' }, 'No message delivered to this group in the ' + b.samples.length + ' interval(s) sampled.')));
    if (!stillOn('groups')) return;
    setPage('Group ' + g.group,
      h('p', {}, h('a', { href: '#/groups' }, '← all groups'), ' · ', h('a', { href: '#/dead-letters/' + encodeURIComponent(g.group) }, 'dead letters'),
        ' · ', h('a', { href: '#/offset-reset/' + encodeURIComponent(g.group) }, 'reset offsets')),
      h('p', { id: 'group-summary' }, 'Lag ', h('strong', { id: 'group-lag' }, fmt.num(g.lag)), ' message(s)',
        g.unknownQueues ? [', plus ', h('span', { class: 'unknown' }, g.unknownQueues + ' queue(s) with unknown lag'), ' (not counted)'] : '',
        ' · model ' + (g.messageModel || 'unknown: no member online')),
      h('p', { id: 'group-drain-line' }, 'Time to drain ', drainCell(g.drainSeconds, g.drainUnknownReason, 'group-drain'),
        ' · consume rate ', g.consumeRate === null || g.consumeRate === undefined
          ? h('span', { class: 'unknown', id: 'group-rate' }, 'unknown')
          : h('span', { id: 'group-rate' }, g.consumeRate.toFixed(1) + ' msg/s'),
        g.drainUnknownReason ? h('span', { class: 'hint' }, ' (' + g.drainUnknownReason + ')') : '',
        h('br'), h('span', { class: 'hint' }, 'The rate is how fast the committed offsets moved over the console\'s last 6 samples (a minute at the default 10 s).')),
      h('h2', {}, 'Lag over time'),
      lineChart('lag-chart', [{ name: 'lag (messages)', cls: 's0', points: hist.samples.map(p => [p.timeMs, p.lag]) }], 'one sample every ' + Math.round(hist.intervalMs / 1000) + ' s'),
      !hist.sampled ? h('p', { class: 'hint' }, 'This group is not sampled (yet, or past the console\'s bound on sampled groups).') : null,
      h('h2', {}, 'Delivery latency'),
      h('p', { class: 'hint' }, 'Time from a message\'s store to its delivery by a pull, measured by each broker for every message it delivered to this group: the median (p50) and the 99th percentile (p99) of each broker interval. Intervals without a delivery have no point: the line breaks there.'),
      h('div', { id: 'latency-charts' }, lat.brokers.length ? latencyCharts
        : [h('p', { class: 'hint', id: 'latency-none' }, 'No broker has measured a delivery to this group yet (or the console has not sampled since).')]),
      h('h2', {}, 'Members'),
      g.members.length ? h('ul', { id: 'group-members' }, g.members.map(m => h('li', {}, m))) : h('p', { class: 'hint' }, 'No member connected.'),
      h('h2', {}, 'Subscriptions'),
      g.subscriptions.length ? h('ul', {}, g.subscriptions.map(m => h('li', {}, m))) : h('p', { class: 'hint' }, 'None reported (members report them).'),
      h('h2', {}, 'Lag per queue'),
      table('group-queues', [
        { title: 'Topic', key: 'topic', cell: q => q.topic },
        { title: 'Broker', key: 'broker', cell: q => q.broker },
        { title: 'Queue', key: 'queue', num: true, cell: q => q.queueId },
        { title: 'Broker offset', key: 'brokerOffset', num: true, cell: q => fmt.num(q.brokerOffset) },
        { title: 'Committed offset', key: 'consumerOffset', num: true, cell: q => q.consumerOffset === null ? h('span', { class: 'unknown' }, 'none') : fmt.num(q.consumerOffset) },
        { title: 'Lag', key: 'lag', num: true, cell: q => lagCell(q.lag, q.unknownReason) },
        { title: 'Lag (s)', key: 'lagSeconds', num: true, cell: q => q.lagSeconds === null || q.lagSeconds === undefined
          ? h('span', { class: 'unknown', title: q.unknownReason || 'the oldest unconsumed message could not be read' }, 'unknown')
          : q.lagSeconds.toFixed(1) },
        { title: 'Rate (msg/s)', key: 'rate', num: true, cell: q => q.consumeRate === null || q.consumeRate === undefined ? h('span', { class: 'unknown' }, 'unknown') : q.consumeRate.toFixed(1) },
        { title: 'Time to drain', key: 'drain', num: true, cell: q => drainCell(q.drainSeconds, q.unknownReason || 'no consume rate, or a rate of 0 while lagging') },
        { title: 'Why unknown', key: 'reason', cell: q => q.unknownReason || '' },
      ], g.queues));
  }

  // ---- messages
  function messageRows(id, messages, extraCols) {
    const detail = h('div', { id: id + '-detail' });
    const cols = [
      { title: 'Message id', key: 'msgId', cell: m => h('a', { href: '#', onclick: ev => { ev.preventDefault(); detail.replaceChildren(messageDetail(m)); } }, m.msgId) },
      { title: 'Topic', key: 'topic', cell: m => m.topic },
      { title: 'Queue', key: 'queue', num: true, cell: m => m.queueId },
      { title: 'Offset', key: 'offset', num: true, cell: m => fmt.num(m.queueOffset) },
      { title: 'Stored', key: 'stored', cell: m => fmt.time(m.storeTimestampMs) },
      { title: 'Tag', key: 'tag', cell: m => m.tag || '' },
      { title: 'Keys', key: 'keys', cell: m => (m.keys || []).join(' ') },
      { title: 'Retries', key: 'retries', num: true, cell: m => m.reconsumeTimes },
    ].concat(extraCols || []);
    return [table(id, cols, messages), detail];
  }

  const yesNo = (v, what) => v === null || v === undefined
    ? h('span', { class: 'unknown', title: 'a bounded search stopped early' }, 'unknown')
    : (v ? what : 'no');

  function pathView(p) {
    const copies = list => (list || []).map(c => c.msgId + ' (' + fmt.time(c.storeTimestampMs) + ')').join(', ');
    return h('div', { id: 'message-path' },
      h('p', {}, 'Stored in ' + p.stored.topic + ' on ' + (p.stored.broker || p.stored.storeHost) + ', queue ' + p.stored.queueId
        + ', offset ' + p.stored.queueOffset + ', at ' + fmt.time(p.stored.storeTimestampMs) + '.'),
      h('p', { class: 'notice' + (p.incomplete ? '' : ' complete'), id: 'path-notice' }, p.note),
      table('path-groups', [
        { title: 'Group', key: 'group', cell: g => h('a', { href: '#/groups/' + encodeURIComponent(g.group) }, g.group) },
        { title: 'Consumed', key: 'consumed', cell: g => h('span', { title: g.consumedNote }, yesNo(g.consumedPast, 'consumed')) },
        { title: 'Committed offset', key: 'committed', num: true, cell: g => g.committedOffset === null ? 'never' : fmt.num(g.committedOffset) },
        { title: 'Retried', key: 'retried', cell: g => [yesNo(g.retried, 'retried ' + (g.retries || []).length + '×'), ' ', copies(g.retries)] },
        { title: 'Dead-lettered', key: 'dead', cell: g => [yesNo(g.deadLettered, 'dead-lettered'), ' ', copies(g.deadLetters)] },
        { title: 'Resent', key: 'resent', cell: g => [yesNo(g.resent, 'resent ' + (g.resends || []).length + '×'), ' ', copies(g.resends)] },
      ], p.groups));
  }

  function messageDetail(m) {
    const pathOut = h('div', { id: 'path-results' });
    const showPath = async () => {
      pathOut.replaceChildren(h('p', { class: 'hint' }, 'following the message…'));
      try { pathOut.replaceChildren(pathView(await api('/api/messages/path?' + new URLSearchParams({ id: m.msgId })))); }
      catch (e) { if (!(e instanceof LoginNeeded)) pathOut.replaceChildren(errorBox(e)); }
    };
    return h('div', { class: 'message-detail' },
      h('h2', {}, 'Message ' + m.msgId),
      h('button', { type: 'button', class: 'secondary', id: 'show-path', onclick: showPath }, 'Show its path'),
      pathOut,
      h('p', {}, 'Stored by ' + m.storeHost + ' at ' + fmt.time(m.storeTimestampMs) + ' (commit log offset ' + m.commitLogOffset + '); born at ' + m.bornHost + ', ' + fmt.time(m.bornTimestampMs) + '.'),
      h('h2', {}, 'Properties'),
      table('message-properties', [
        { title: 'Name', key: 'name', cell: e => e[0] }, { title: 'Value', key: 'value', cell: e => e[1] },
      ], Object.entries(m.properties || {})),
      h('h2', {}, 'Body (' + fmt.num(m.bodyBytes) + ' bytes' + (m.bodyTruncated ? ', first 64 KiB shown' : '') + ')'),
      h('pre', { class: 'body', id: 'message-body' }, m.bodyText !== null ? m.bodyText : ('(not UTF-8 text; Base64:)\n' + m.bodyBase64)));
  }

  function searchNotice(r) {
    return h('p', { class: 'notice' + (r.incomplete ? '' : ' complete'), id: 'search-notice' },
      fmt.num(r.messages.length) + ' found · ' + r.note);
  }

  async function messages() {
    const out = h('div', { id: 'message-results' });
    const id = h('input', { id: 'msg-id', placeholder: 'message id', size: 36 });
    const topic = h('input', { id: 'key-topic', placeholder: 'topic' });
    const key = h('input', { id: 'key-key', placeholder: 'key' });
    const max = h('input', { id: 'key-max', type: 'number', min: 1, max: 64, value: 32 });
    const qTopic = h('input', { id: 'queue-topic', placeholder: 'topic' });
    const qBroker = h('input', { id: 'queue-broker', placeholder: 'broker name' });
    const qId = h('input', { id: 'queue-id', type: 'number', min: 0, value: 0 });
    const qOffset = h('input', { id: 'queue-offset', type: 'number', min: 0, value: 0 });
    const qMax = h('input', { id: 'queue-max', type: 'number', min: 1, max: 256, value: 32 });
    const readQueue = from => show(async () => {
      const r = await api('/api/messages/by-queue?' + new URLSearchParams({ topic: qTopic.value.trim(), broker: qBroker.value.trim(),
        queueId: qId.value, offset: from, max: qMax.value }));
      const more = r.incomplete ? h('button', { type: 'button', class: 'secondary', id: 'queue-next', onclick: () => { qOffset.value = r.nextOffset; readQueue(r.nextOffset); } }, 'Continue from offset ' + r.nextOffset) : null;
      out.replaceChildren(searchNotice(r), ...messageRows('messages', r.messages), h('div', { class: 'pager' }, more));
    });
    const iso = ms => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const tTopic = h('input', { id: 'time-topic', placeholder: 'topic' });
    const tFrom = h('input', { id: 'time-from', size: 22, value: iso(Date.now() - 3600000), title: 'UTC, e.g. 2026-12-04T12:00:00Z, or epoch millis' });
    const tTo = h('input', { id: 'time-to', size: 22, value: iso(Date.now() + 60000), title: 'UTC, e.g. 2026-12-04T13:00:00Z, or epoch millis' });
    const tMax = h('input', { id: 'time-max', type: 'number', min: 1, max: 256, value: 32 });
    const millis = (input, name) => {
      const v = input.value.trim();
      const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(ms)) throw new Error('the time "' + name + '" must be like 2026-12-04T12:00:00Z or epoch millis, was "' + v + '"');
      return ms;
    };
    const searchTime = cont => show(async () => {
      const q = { topic: tTopic.value.trim(), from: millis(tFrom, 'from'), to: millis(tTo, 'to'), max: tMax.value };
      if (cont) q.continueQueue = cont;
      const r = await api('/api/messages/by-time?' + new URLSearchParams(q));
      const stopped = r.queues.filter(x => x.incomplete);
      const more = stopped.map(x => h('button', { type: 'button', class: 'secondary time-continue', 'data-queue': x.continueQueue,
        onclick: () => searchTime(x.continueQueue) }, 'Continue ' + x.broker + '#' + x.queueId + ' from offset ' + x.nextOffset));
      out.replaceChildren(searchNotice(r), ...messageRows('messages', r.messages), h('div', { class: 'pager' }, more));
    });
    const show = async (fn) => { out.replaceChildren(h('p', { class: 'hint' }, 'searching…')); try { await fn(); } catch (e) { if (!(e instanceof LoginNeeded)) out.replaceChildren(errorBox(e)); } };
    setPage('Messages',
      h('h2', {}, 'By id'),
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); show(async () => {
          const m = await api('/api/messages/by-id?' + new URLSearchParams({ id: id.value.trim() }));
          out.replaceChildren(...messageRows('messages', [m]), messageDetail(m));
        }); } }, h('label', {}, 'Message id', id), h('button', { type: 'submit', id: 'id-search' }, 'Find')),
      h('h2', {}, 'By key'),
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); show(async () => {
          const r = await api('/api/messages/by-key?' + new URLSearchParams({ topic: topic.value.trim(), key: key.value.trim(), max: max.value }));
          out.replaceChildren(searchNotice(r), ...messageRows('messages', r.messages));
        }); } },
        h('label', {}, 'Topic', topic), h('label', {}, 'Key', key), h('label', {}, 'At most, per broker', max),
        h('button', { type: 'submit', id: 'key-search' }, 'Search')),
      h('h2', {}, 'By time range'),
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); searchTime(null); } },
        h('label', {}, 'Topic', tTopic), h('label', {}, 'Stored from (UTC)', tFrom), h('label', {}, 'to', tTo),
        h('label', {}, 'At most, per queue', tMax),
        h('button', { type: 'submit', id: 'time-search' }, 'Search')),
      h('h2', {}, 'By queue and offset'),
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); readQueue(qOffset.value); } },
        h('label', {}, 'Topic', qTopic), h('label', {}, 'Broker', qBroker), h('label', {}, 'Queue', qId),
        h('label', {}, 'From offset', qOffset), h('label', {}, 'At most', qMax),
        h('button', { type: 'submit', id: 'queue-search' }, 'Read')),
      out);
  }

  // ---- delayed and transactional messages waiting
  async function waiting() {
    const w = await api('/api/waiting');
    const notice = (complete, note) => h('p', { class: 'notice' + (complete ? ' complete' : '') }, note);
    const parts = w.brokers.map(b => h('section', { class: 'broker-waiting' },
      h('h2', {}, 'Broker ' + b.address),
      h('h3', {}, 'Delayed: ' + fmt.num(b.scheduledTotal) + ' in the timer'),
      notice(b.delayedComplete, b.delayedNote),
      table('waiting-delayed', [
        { title: 'Topic', key: 'topic', cell: t => t.topic },
        { title: 'Waiting', key: 'waiting', num: true, cell: t => fmt.num(t.waiting) },
        { title: 'Next due', key: 'next', cell: t => t.next.length ? fmt.time(t.next[0].deliverAtMs) : '' },
        { title: 'In', key: 'in', cell: t => t.next.length ? fmt.dur(Math.max(0, t.next[0].deliverAtMs - b.nowMs)) : '' },
        { title: 'Next ones (keys)', key: 'keys', cell: t => t.next.slice(0, 5).map(d => (d.keys || d.uniqueKey) + ' @ ' + fmt.time(d.deliverAtMs)).join(', ') },
      ], b.delayed),
      h('h3', {}, 'Transactional: ' + fmt.num(b.halfWaiting) + ' half message(s) waiting for a decision'
        + (b.oldestHalfAgeMs === null ? '' : ', the oldest for ' + fmt.dur(b.oldestHalfAgeMs))),
      notice(b.halvesComplete, b.halvesNote),
      table('waiting-halves', [
        { title: 'Transaction', key: 'tx', cell: x => x.transactionId },
        { title: 'Producer group', key: 'group', cell: x => x.producerGroup },
        { title: 'Topic', key: 'topic', cell: x => x.topic },
        { title: 'Stored', key: 'stored', cell: x => fmt.time(x.storeTimestampMs) },
        { title: 'Age', key: 'age', cell: x => fmt.dur(Math.max(0, b.nowMs - x.storeTimestampMs)) },
        { title: 'Check-backs', key: 'checks', num: true, cell: x => x.checkTimes },
      ], b.halves)));
    setPage('Waiting', h('p', { id: 'waiting-summary' }, fmt.num(w.scheduledTotal) + ' delayed, ' + fmt.num(w.halfWaiting)
      + ' transactional waiting' + (w.incomplete ? ' (a scan stopped early: see below)' : '')), ...parts);
  }

  // ---- dead letters
  async function deadLetters(group) {
    const input = h('input', { id: 'dlq-group', placeholder: 'consumer group', value: group || '' });
    const out = h('div', { id: 'dlq-results' });
    setPage('Dead letters',
      h('form', { class: 'inline', onsubmit: ev => { ev.preventDefault(); location.hash = '#/dead-letters/' + encodeURIComponent(input.value.trim()); } },
        h('label', {}, 'Group', input), h('button', { type: 'submit', id: 'dlq-list' }, 'List')),
      out);
    if (!group) return;
    const r = await api('/api/groups/' + encodeURIComponent(group) + '/dead-letters?max=100');
    if (!r.messages.length) { out.replaceChildren(h('p', { id: 'dlq-empty' }, 'Group ' + group + ' has no dead letters.')); return; }
    const outcome = {};
    const boxes = {};
    const [tbl, detail] = messageRows('dead-letters', r.messages, [
      { title: 'Select', key: 'select', cell: m => (boxes[m.msgId] = h('input', { type: 'checkbox', class: 'dlq-select', value: m.msgId })) },
      { title: 'Outcome', key: 'outcome', cell: m => (outcome[m.msgId] = h('span', { class: 'dlq-outcome' })) },
    ]);
    const resend = async ids => {
      if (!ids.length) return;
      const res = await api('/api/groups/' + encodeURIComponent(group) + '/dead-letters/resend', { method: 'POST', body: { ids } });
      for (const o of res.outcomes) {
        const cell = outcome[o.msgId];
        if (!cell) continue;
        cell.replaceChildren(o.outcome === 'RESENT' ? h('span', { class: 'ok' }, 'resent by ' + o.broker)
          : h('span', { class: 'error', title: o.error || '' }, o.outcome + (o.error ? ': ' + o.error : '')));
        if (o.outcome === 'RESENT') { boxes[o.msgId].checked = false; boxes[o.msgId].disabled = true; }
      }
      summary.textContent = res.resent + ' resent, ' + res.failed + ' not resent';
    };
    const summary = h('span', { id: 'dlq-summary' });
    out.replaceChildren(searchNotice(r), tbl,
      h('div', { class: 'pager' },
        h('button', { type: 'button', id: 'dlq-resend', onclick: () => resend(Object.values(boxes).filter(b => b.checked && !b.disabled).map(b => b.value)).catch(e => summary.replaceChildren(errorBox(e))) }, 'Resend selected'),
        h('span', { class: 'hint' }, 'Resent messages go back to %RETRY%' + group + ', due at once; each row shows its own outcome.'),
        summary),
      detail);
  }

  // ---- offset reset
  async function offsetReset(group) {
    const g = h('input', { id: 'reset-group', placeholder: 'consumer group', value: group || '' });
    const topic = h('input', { id: 'reset-topic', placeholder: 'topic' });
    const to = h('select', { id: 'reset-to' }, ['earliest', 'latest', 'offset', 'time', 'duration', 'shift'].map(k => h('option', { value: k }, k)));
    const value = h('input', { id: 'reset-value', placeholder: 'offset, ISO time, ms or ±N' });
    const out = h('div', { id: 'reset-results' });
    const body = () => {
      const b = { topic: topic.value.trim(), to: to.value };
      const v = value.value.trim();
      if (to.value === 'time') b.value = Date.parse(v);
      else if (v !== '') b.value = Number(v);
      return b;
    };
    const path = () => '/api/groups/' + encodeURIComponent(g.value.trim()) + '/offset-reset/';
    const planTable = p => table('reset-plan', [
      { title: 'Broker', key: 'broker', cell: r => r.brokerName },
      { title: 'Queue', key: 'queue', num: true, cell: r => r.queueId },
      { title: 'Min', key: 'min', num: true, cell: r => fmt.num(r.minOffset) },
      { title: 'Max', key: 'max', num: true, cell: r => fmt.num(r.maxOffset) },
      { title: 'Committed now', key: 'old', num: true, cell: r => r.oldOffset < 0 ? h('span', { class: 'unknown' }, 'none') : fmt.num(r.oldOffset) },
      { title: '→ New', key: 'new', num: true, cell: r => h('strong', {}, fmt.num(r.newOffset)) },
      { title: 'Messages', key: 'delta', num: true, cell: r => r.messageDelta > 0 ? fmt.num(r.messageDelta) + ' read again' : r.messageDelta < 0 ? fmt.num(-r.messageDelta) + ' skipped' : 'no change' },
      { title: 'Lag after', key: 'lagAfter', num: true, cell: r => fmt.num(r.lagAfter) },
    ], p.rows);
    const preview = async ev => {
      ev.preventDefault();
      out.replaceChildren(h('p', { class: 'hint' }, 'computing the dry run…'));
      try {
        const p = await api(path() + 'plan', { method: 'POST', body: body() });
        const confirmInput = h('input', { id: 'reset-confirm', placeholder: 'type the group name' });
        const force = h('input', { id: 'reset-force', type: 'checkbox' });
        const result = h('div', { id: 'reset-outcome' });
        const execute = h('button', { type: 'submit', class: 'danger', id: 'reset-execute', disabled: true }, 'Reset offsets');
        confirmInput.addEventListener('input', () => { execute.disabled = confirmInput.value !== p.group; });
        out.replaceChildren(h('div', {},
          h('p', { class: 'notice complete', id: 'reset-dry-run' }, 'Dry run: nothing changed yet. ' + p.changedQueues + ' of ' + p.rows.length + ' queue(s) of ' + p.topic + ' would move.'),
          planTable(p),
          p.onlineMembers.length ? h('p', { class: 'notice', id: 'reset-online' }, p.onlineMembers.length + ' member(s) online (' + p.onlineMembers.join(', ') + '): the reset is refused while they run, because they would commit their own offsets over it. Stop them first, or force it.') : null,
          h('form', { class: 'inline', onsubmit: async e2 => {
              e2.preventDefault();
              try {
                const b = Object.assign(body(), { confirm: confirmInput.value, force: force.checked });
                const done = await api(path() + 'execute', { method: 'POST', body: b });
                result.replaceChildren(h('p', { class: 'notice complete', id: 'reset-done' }, 'Done: ' + done.changedQueues + ' queue(s) moved; recorded in the audit log.'), planTable(done));
                execute.disabled = true;
              } catch (e) { if (!(e instanceof LoginNeeded)) result.replaceChildren(errorBox(e)); }
            } },
            h('label', {}, 'Type "' + p.group + '" to confirm', confirmInput),
            p.onlineMembers.length ? h('label', {}, 'Force while online', force) : null,
            execute),
          result));
      } catch (e) { if (!(e instanceof LoginNeeded)) out.replaceChildren(errorBox(e)); }
    };
    setPage('Offset reset',
      h('p', { class: 'hint' }, 'Moves a group\'s committed offsets on every queue of a topic. The dry run comes first; nothing changes until you confirm.'),
      h('form', { class: 'inline', onsubmit: preview },
        h('label', {}, 'Group', g), h('label', {}, 'Topic', topic), h('label', {}, 'To', to), h('label', {}, 'Value', value),
        h('button', { type: 'submit', id: 'reset-preview' }, 'Dry run')),
      out);
  }

  // ---- routing
  function route() {
    clearTimeout(refreshTimer);
    const parts = (location.hash || '#/overview').slice(2).split('/');
    const name = parts[0] || 'overview';
    const arg = parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : '';
    document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === name));
    page().replaceChildren(h('p', { class: 'hint' }, 'loading…'));
    const pages = {
      overview: () => overview(),
      topics: () => arg ? topicDetail(arg) : topics(),
      groups: () => arg ? groupDetail(arg) : groups(),
      messages: () => messages(),
      waiting: () => waiting(),
      'dead-letters': () => deadLetters(arg),
      'offset-reset': () => offsetReset(arg),
    };
    run(pages[name] || overview);
  }

  async function start() {
    document.getElementById('login-form').addEventListener('submit', onLogin);
    document.getElementById('logout').addEventListener('click', async () => {
      await api('/api/logout', { method: 'POST' }).catch(() => null);
      showLogin();
    });
    window.addEventListener('hashchange', () => { if (!document.getElementById('nav').hidden) route(); });
    const s = await api('/api/session');
    if (s.loggedIn) loggedIn(s); else showLogin();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
