'use strict';
// The dashboard: polls the JSON API every second and redraws; no reload, no external files.
(function () {
  const POLL_MS = 1000;
  const MAX_CHANGES = 200;
  const state = { services: [], endpoints: [], lastStats: null, rates: {}, dnsRate: 0, reqRate: 0, changeSeq: 0 };
  const $ = (id) => document.getElementById(id);

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  async function get(path) {
    const r = await fetch(path, { headers: { 'Accept': 'application/json' }, cache: 'no-store' });
    if (!r.ok) throw new Error(path + ' answered ' + r.status);
    return r.json();
  }

  function rates(stats) {
    const prev = state.lastStats;
    state.lastStats = stats;
    if (!prev) return;
    const dt = (stats.time - prev.time) / 1000;
    if (dt <= 0) return;
    state.reqRate = (stats.requests - prev.requests) / dt;
    state.dnsRate = (stats.dnsQueries - prev.dnsQueries) / dt;
    const r = {};
    for (const [svc, n] of Object.entries(stats.requestsByService)) {
      r[svc] = (n - (prev.requestsByService[svc] || 0)) / dt;
    }
    state.rates = r;
  }

  function renderServices() {
    const filter = $('search').value.trim().toLowerCase();
    const bySvc = {};
    for (const e of state.endpoints) (bySvc[e.service] = bySvc[e.service] || []).push(e);
    const tbody = document.createElement('tbody');
    for (const s of state.services) {
      const eps = bySvc[s.name] || [];
      if (filter && !(s.name.includes(filter) || eps.some((e) => e.container.toLowerCase().includes(filter) || e.address.includes(filter)))) continue;
      const tr = document.createElement('tr');
      tr.dataset.service = s.name;
      tr.appendChild(text('td', s.name));
      tr.appendChild(text('td', (s.strategy || 'default') + (s.strategyOverride ? ' *' : '')));
      tr.appendChild(text('td', (s.tcp || []).map((p) => ':' + p).join(' ') || '-', 'num'));
      const h = s.health;
      const parts = [];
      if (h.healthy) parts.push(h.healthy + ' healthy');
      if (h.unknown) parts.push(h.unknown + ' up');
      if (h.starting) parts.push(h.starting + ' starting');
      if (h.unhealthy) parts.push(h.unhealthy + ' unhealthy');
      if (s.draining) parts.push(s.draining + ' draining');
      tr.appendChild(text('td', s.available + '/' + s.endpoints + (parts.length ? ' (' + parts.join(', ') + ')' : ''),
        s.available === 0 ? 'unhealthy' : s.available < s.endpoints ? 'starting' : 'healthy'));
      tr.appendChild(text('td', (state.rates[s.name] || 0).toFixed(1), 'num'));
      const td = document.createElement('td');
      for (const e of eps) {
        td.appendChild(text('span', e.container + ' ' + e.address + ':' + e.port + '/' + e.protocol + ' ' + e.portName,
          'ep ' + (e.draining ? 'draining' : e.health)));
      }
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    $('services').replaceChild(tbody, $('services').tBodies[0]);
  }

  function renderHeader(info) {
    $('origin').textContent = info.origin + ' ' + info.version;
    const docker = $('docker');
    docker.textContent = '';
    for (const d of info.docker) {
      docker.appendChild(text('span', (d.connected ? '\u25cf ' : '\u25cb ') + d.host, 'host ' + (d.connected ? 'up' : 'down')));
    }
    $('req-rate').textContent = state.reqRate.toFixed(1);
    $('dns-rate').textContent = state.dnsRate.toFixed(1);
    $('svc-count').textContent = state.services.length;
    $('ep-count').textContent = state.endpoints.length;
  }

  function renderChanges(changes) {
    const list = $('changes');
    for (const c of changes) {
      state.changeSeq = Math.max(state.changeSeq, c.seq);
      const li = text('li', new Date(c.time).toLocaleTimeString() + ' ' + c.kind + ' ' + c.service + ' ' + c.container + ' '
        + c.endpoint + ' ' + c.health + (c.draining ? ' draining' : ''), 'kind-' + c.kind);
      list.insertBefore(li, list.firstChild);
    }
    while (list.children.length > MAX_CHANGES) list.removeChild(list.lastChild);
  }

  async function poll() {
    try {
      const [services, endpoints, info, stats, changes] = await Promise.all([
        get('api/services'), get('api/endpoints'), get('api/info'), get('api/stats'), get('api/changes?since=' + state.changeSeq)]);
      state.services = services.services;
      state.endpoints = endpoints.endpoints;
      rates(stats);
      renderServices();
      renderHeader(info);
      renderChanges(changes.changes);
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      $('status').textContent = 'update failed: ' + e.message;
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  $('search').addEventListener('input', renderServices);
  poll();
})();
