'use strict';
// The dashboard: follows GET /api/events (server-sent events) and redraws what changed.
// No polling, no reload, no external files. EventSource reconnects by itself and sends
// Last-Event-ID; the server answers with what was missed, or 'resync' and the full state.
(function () {
  const MAX_CHANGES = 200;
  const SVG = 'http://www.w3.org/2000/svg';
  const state = {
    info: {}, endpoints: new Map(), strategies: {}, installed: [], listeners: null, certificates: null,
    etcd: [], sources: [], samples: {}, requestRate: 0, dnsRate: 0, loaded: false
  };
  const dirty = new Set();
  let dirtyAll = false;
  let renderPending = false;
  let source = null;
  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString();
  }

  // ---- state updates ----

  function load(s) {
    state.info = s.info;
    state.endpoints = new Map(s.endpoints.map((e) => [e.id, e]));
    state.strategies = s.strategies;
    state.installed = s.installedStrategies;
    state.listeners = s.listeners;
    state.certificates = s.certificates;
    state.etcd = s.etcd;
    state.sources = s.sources;
    state.loaded = true;
    dirtyAll = true;
    schedule();
  }

  function upsert(list) {
    for (const e of list || []) {
      const before = state.endpoints.get(e.id);
      if (before && before.service !== e.service) dirty.add(before.service);
      state.endpoints.set(e.id, e);
      dirty.add(e.service);
    }
  }

  function applyChange(d) {
    upsert(d.added);
    upsert(d.updated);
    for (const id of d.removed || []) {
      const e = state.endpoints.get(id);
      if (e) {
        dirty.add(e.service);
        state.endpoints.delete(id);
      }
    }
    Object.assign(state.strategies, d.strategies || {});
    if (d.version !== undefined) state.info.registryVersion = d.version;
    if (d.ready !== undefined) state.info.ready = d.ready;
    schedule();
  }

  function strategiesChanged(next) {
    for (const [svc, s] of Object.entries(next)) {
      const before = state.strategies[svc];
      if (before && before.name !== s.name) {
        feed('strategy', svc + ' strategy ' + before.name + ' \u2192 ' + s.name + ' (' + s.why + ')');
      }
      if (!before || before.name !== s.name || before.why !== s.why) dirty.add(svc);
    }
    state.strategies = next;
    schedule();
  }

  function stats(d) {
    state.requestRate = d.requestRate;
    state.dnsRate = d.dnsRate;
    const keep = Math.max(2, Math.round(300000 / (state.info.samplePeriodMillis || 2000)));
    for (const [svc, sample] of Object.entries(d.services)) {
      const ring = state.samples[svc] || (state.samples[svc] = []);
      ring.push(sample);
      while (ring.length > keep) ring.shift();
      dirty.add(svc);
    }
    schedule();
  }

  async function fetchJson(path) {
    const r = await fetch(path, { headers: { 'Accept': 'application/json' }, cache: 'no-store' });
    if (!r.ok) throw new Error(path + ' answered ' + r.status);
    return r.json();
  }

  async function refillSamples() {
    try {
      const s = await fetchJson('api/samples');
      state.samples = s.services;
      dirtyAll = true;
      schedule();
    } catch (e) {
      $('status').textContent = 'samples: ' + e.message;
    }
  }

  // ---- the change feed ----

  function feed(kind, text, at) {
    const list = $('changes');
    const li = el('li', time(at || Date.now()) + ' ' + text, 'kind-' + kind);
    li.dataset.kind = kind;
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_CHANGES) list.removeChild(list.lastChild);
  }

  function feedLines(d) {
    for (const l of d.lines || []) {
      let text = l.kind + ' ' + l.service + ' ' + l.container + ' ' + l.endpoint;
      if (l.kind === 'health') text += ' ' + (l.was ? l.was + ' \u2192 ' : '') + l.health;
      else if (l.health && l.kind !== 'removed' && l.kind !== 'out' && l.kind !== 'readmitted') text += ' ' + l.health;
      if (l.why) text += ': ' + l.why;
      feed(l.kind, text, d.time);
    }
  }

  // ---- rendering ----

  function schedule() {
    if (renderPending) return;
    renderPending = true;
    setTimeout(render, 0);
  }

  function byService() {
    const m = new Map();
    for (const e of state.endpoints.values()) {
      let list = m.get(e.service);
      if (!list) m.set(e.service, list = []);
      list.push(e);
    }
    return m;
  }

  function render() {
    renderPending = false;
    const services = byService();
    const box = $('services');
    const existing = new Map();
    for (const node of box.children) existing.set(node.dataset.service, node);
    for (const [name, node] of existing) {
      if (!services.has(name)) node.remove();
    }
    const names = [...services.keys()].sort();
    let previous = null;
    for (const name of names) {
      let node = existing.get(name);
      if (!node || dirtyAll || dirty.has(name)) {
        const fresh = renderService(name, services.get(name));
        if (node) node.replaceWith(fresh);
        node = fresh;
      }
      const want = previous ? previous.nextSibling : box.firstChild;
      if (want !== node) box.insertBefore(node, want);
      previous = node;
    }
    dirty.clear();
    dirtyAll = false;
    filter();
    renderHeader(services.size);
    renderSide();
  }

  function endpointClass(e) {
    if (e.available) return 'ok';
    if (e.draining) return 'draining';
    return e.health === 'starting' ? 'starting' : 'down';
  }

  function renderService(name, eps) {
    eps.sort((a, b) => (a.container + a.address + a.port).localeCompare(b.container + b.address + b.port));
    const node = el('div', null, 'svc');
    node.dataset.service = name;
    node.dataset.search = (name + ' ' + eps.map((e) => e.container + ' ' + e.address).join(' ')).toLowerCase();
    const head = el('div', null, 'svc-head');
    head.appendChild(el('span', name, 'svc-name'));
    const available = eps.filter((e) => e.available).length;
    const health = el('span', available + '/' + eps.length + ' available',
      'svc-health ' + (available === eps.length ? 'healthy' : available === 0 ? 'down' : 'partial'));
    head.appendChild(health);
    const strategy = state.strategies[name];
    const st = el('span', 'strategy ' + (strategy ? strategy.name : '?'), 'meta strategy');
    if (strategy) st.title = strategy.why;
    head.appendChild(st);
    const tcp = [...new Set(eps.filter((e) => e.tcpPort > 0).map((e) => e.tcpPort))].sort((a, b) => a - b);
    if (tcp.length) head.appendChild(el('span', 'tcp ' + tcp.map((p) => ':' + p).join(' '), 'meta'));
    node.appendChild(head);
    node.appendChild(renderCharts(state.samples[name] || []));
    const list = el('div', null, 'eps');
    for (const e of eps) {
      const row = el('div', null, 'ep ' + endpointClass(e));
      row.dataset.id = e.id;
      row.appendChild(el('span', null, 'dot'));
      row.appendChild(document.createTextNode(e.container + ' ' + (e.address.includes(':') ? '[' + e.address + ']' : e.address)
        + ':' + e.port + '/' + e.protocol + ' ' + e.portName + ' ' + e.health));
      if (e.why) row.appendChild(el('span', e.why, 'why'));
      row.title = e.id + (e.host ? ' on ' + e.host : '');
      list.appendChild(row);
    }
    node.appendChild(list);
    return node;
  }

  const CHARTS = [
    { index: 1, label: 'req/s', color: '#2b6cb0', digits: 1 },
    { index: 2, label: '5xx/s', color: '#c53030', digits: 1 },
    { index: 3, label: 'p50 ms', color: '#2f855a', digits: 1 },
    { index: 4, label: 'p99 ms', color: '#b7791f', digits: 1 }
  ];

  function renderCharts(samples) {
    const box = el('div', null, 'charts');
    if (!samples.length) return box;
    for (const c of CHARTS) {
      const values = samples.map((s) => s[c.index]);
      const last = values[values.length - 1];
      const chart = el('div', null, 'chart');
      const label = el('span', c.label + ' ');
      label.appendChild(el('b', last === null || last === undefined ? '-' : Number(last).toFixed(c.digits)));
      chart.appendChild(label);
      chart.appendChild(sparkline(values, c.color, c.label));
      box.appendChild(chart);
    }
    return box;
  }

  function sparkline(values, color, label) {
    const w = 140;
    const h = 32;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    const finite = values.map((v) => (typeof v === 'number' && isFinite(v) ? v : null));
    const max = Math.max(1e-9, ...finite.filter((v) => v !== null));
    const step = finite.length > 1 ? w / (finite.length - 1) : 0;
    const points = [];
    finite.forEach((v, i) => {
      if (v !== null) points.push((i * step).toFixed(1) + ',' + (h - 2 - (v / max) * (h - 4)).toFixed(1));
    });
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', color);
    line.setAttribute('stroke-width', '1.5');
    line.setAttribute('points', points.length === 1 ? points[0] + ' ' + w + ',' + points[0].split(',')[1] : points.join(' '));
    svg.appendChild(line);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = label + ', max ' + max.toFixed(2) + ' over the last ' + finite.length + ' samples';
    svg.appendChild(title);
    return svg;
  }

  function filter() {
    const f = $('search').value.trim().toLowerCase();
    let shown = 0;
    for (const node of $('services').children) {
      const show = !f || node.dataset.search.includes(f);
      node.style.display = show ? '' : 'none';
      if (show) shown++;
    }
    $('no-services').hidden = shown > 0 || !state.loaded;
  }

  function renderHeader(serviceCount) {
    const i = state.info;
    $('origin').textContent = (i.origin || '') + ' ' + (i.version || '') + (i.ready === false ? ' (starting: initial sync)' : '');
    $('req-rate').textContent = state.requestRate.toFixed(1);
    $('dns-rate').textContent = state.dnsRate.toFixed(1);
    $('svc-count').textContent = serviceCount;
    $('ep-count').textContent = state.endpoints.size;
    const sources = $('sources');
    sources.textContent = '';
    for (const s of state.sources) {
      sources.appendChild(el('span', (s.connected ? '\u25cf ' : '\u25cb ') + s.kind + ' ' + s.host, 'host ' + (s.connected ? 'up' : 'down')));
    }
  }

  function list(id, items, empty) {
    const ul = $(id);
    ul.textContent = '';
    if (!items.length) ul.appendChild(el('li', empty, 'empty'));
    for (const [text, cls] of items) ul.appendChild(el('li', text, cls));
  }

  function renderSide() {
    list('listeners', state.listeners === null ? [] : state.listeners.map((l) => [':' + l.port + ' \u2192 ' + l.service]),
      state.listeners === null ? 'no load balancer' : 'none');
    list('certificates', state.certificates === null ? [] : state.certificates.map((c) => [c.name + ' (' + c.source + ') '
      + c.dnsNames.join(', ') + ' \u2014 expires ' + new Date(c.notAfter).toISOString().slice(0, 10) + ', ' + c.daysLeft + ' days',
      c.daysLeft < 14 ? 'expiring' : '']), state.certificates === null ? 'no HTTPS listener' : 'none');
    $('etcd-section').hidden = !state.etcd.length && !state.sources.some((s) => s.kind === 'etcd');
    list('etcd', state.etcd.map((n) => [n.node + ': ' + n.endpoints + ' endpoints']), 'no other node seen');
    $('installed').textContent = state.installed.join(', ') || 'none';
  }

  // ---- the stream ----

  function on(name, handler) {
    source.addEventListener(name, (ev) => {
      try {
        handler(JSON.parse(ev.data));
      } catch (e) {
        $('status').textContent = 'bad ' + name + ' event: ' + e.message;
      }
    });
  }

  function connect() {
    source = new EventSource('api/events');
    source.onopen = () => {
      $('status').textContent = 'live';
      $('status').className = 'status live';
      refillSamples();
    };
    source.onerror = () => {
      $('status').textContent = 'reconnecting';
      $('status').className = 'status lost';
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up (an error status): start a new stream
        source.close();
        setTimeout(connect, 2000);
      }
    };
    on('state', (d) => {
      load(d);
      $('status').textContent = 'live';
    });
    on('resync', () => feed('resync', 'events were missed: the full state was reloaded'));
    on('sync', (d) => {
      applyChange(d);
      feed('sync', 'initial sync: ' + d.endpoints + ' endpoints in ' + d.services + ' services', d.time);
    });
    on('ready', (d) => {
      state.info.ready = true;
      feed('ready', 'registry ready: ' + d.endpoints + ' endpoints in ' + d.services + ' services', d.time);
      schedule();
    });
    on('change', (d) => {
      applyChange(d);
      feedLines(d);
    });
    on('verdict', (d) => {
      applyChange(d);
      feedLines(d);
    });
    on('reload', async (d) => {
      feed(d.sync ? 'sync' : 'updated', (d.sync ? 'initial sync' : 'large change') + ': ' + d.added + ' added, ' + d.removed
        + ' removed, ' + d.updated + ' updated', d.time);
      try {
        load(await fetchJson('api/state'));
      } catch (e) {
        $('status').textContent = 'reload failed: ' + e.message;
      }
    });
    on('strategies', strategiesChanged);
    on('installedStrategies', (d) => { state.installed = d; schedule(); });
    on('listeners', (d) => { state.listeners = d; schedule(); });
    on('certificates', (d) => { state.certificates = d; schedule(); });
    on('sources', (d) => { state.sources = d; schedule(); });
    on('stats', stats);
  }

  $('search').addEventListener('input', filter);
  connect();
})();
