// Flux status page: renders the snapshots of /status/events (server-sent events), one a second.
// Text goes into the DOM through textContent only: topic levels and device ids come from devices.
'use strict';

const rows = new Map();      // device key -> <tr>
const tables = new Map();    // "factory/type/equipment" -> <tbody>
const sections = new Map();  // factory id -> <section>
const STALE_MS = 30000;      // no telemetry for this long: the "last seen" cell is flagged

function text(id, value) {
  const el = document.getElementById(id);
  if (el.textContent !== String(value)) el.textContent = value;
}

function fmt(n) {
  return n >= 100 ? Math.round(n).toLocaleString() : (Math.round(n * 10) / 10).toLocaleString();
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (Math.round(n * 10) / 10) + ' ' + units[i];
}

function duration(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor(seconds % 3600 / 60) + ' min';
  return Math.floor(seconds / 86400) + ' d ' + Math.floor(seconds % 86400 / 3600) + ' h';
}

function ago(now, then) {
  return then ? duration(Math.max(0, Math.round((now - then) / 1000))) + ' ago' : '–';
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function factorySection(id) {
  let s = sections.get(id);
  if (!s) {
    s = el('section', { 'data-factory': id }, el('h2', {}, 'Factory ' + id));
    document.getElementById('factories').append(s);
    sections.set(id, s);
  }
  return s;
}

function equipmentBody(factory, eq) {
  const key = factory + '/' + eq.type + '/' + eq.id;
  let body = tables.get(key);
  if (!body) {
    body = el('tbody');
    const head = el('tr', {}, ...['Sensor', 'Device', 'State', 'Last seen', 'Firmware', 'RSSI (dBm)', 'Msg/s']
      .map(h => el('th', {}, h)));
    const table = el('table', { 'data-equipment': key }, el('thead', {}, head), body);
    factorySection(factory).append(el('h3', {}, eq.type + ' ' + eq.id), table);
    tables.set(key, body);
  }
  return body;
}

function deviceRow(body, d) {
  let row = rows.get(d.key);
  if (!row) {
    row = el('tr', { 'data-device': d.key });
    for (const c of ['sensor', 'device', 'state', 'seen', 'firmware', 'rssi', 'rate']) {
      row.append(el('td', { class: c + (c === 'rssi' || c === 'rate' ? ' num' : '') }));
    }
    body.append(row);
    rows.set(d.key, row);
  }
  return row;
}

function cell(row, cls, value) {
  const c = row.querySelector('td.' + cls);
  const v = value === null || value === undefined ? '–' : String(value);
  if (c.textContent !== v) c.textContent = v;
  return c;
}

function render(s) {
  const b = s.broker;
  text('clients', b.clients_connected.toLocaleString());
  text('in-rate', fmt(b.messages_received_per_second));
  text('out-rate', fmt(b.messages_sent_per_second));
  text('dropped', b.messages_dropped.toLocaleString());
  text('heap', bytes(b.heap_used_bytes) + ' / ' + bytes(b.heap_max_bytes));
  text('uptime', duration(b.uptime_seconds));
  renderSections(s);
  const f = s.fleet;
  text('devices', f.devices + (f.max_devices > 0 && f.devices >= f.max_devices ? ' (cap reached)' : ''));
  text('online', f.online);
  text('offline', f.offline);
  text('untracked', f.untracked_messages.toLocaleString());
  const empty = document.getElementById('empty');
  empty.hidden = f.devices > 0;
  if (f.max_devices === 0) text('empty', 'The fleet view is off (status_max_devices 0).');
  for (const factory of s.factories) {
    for (const eq of factory.equipment) {
      const body = equipmentBody(factory.id, eq);
      for (const d of eq.devices) {
        const row = deviceRow(body, d);
        if (row.dataset.state !== d.state) row.dataset.state = d.state;
        cell(row, 'sensor', d.sensor);
        cell(row, 'device', d.device_id);
        cell(row, 'state', d.state === 'unknown' ? 'no status yet' : d.state)
          .title = d.state_since ? 'since ' + new Date(d.state_since).toLocaleString() : '';
        cell(row, 'seen', ago(s.time, d.last_seen))
          .classList.toggle('stale', d.last_seen > 0 && s.time - d.last_seen > STALE_MS);
        cell(row, 'firmware', d.firmware);
        cell(row, 'rssi', d.rssi);
        cell(row, 'rate', fmt(d.rate));
      }
    }
  }
  text('updated', 'updated ' + new Date(s.time).toLocaleTimeString());
}

// Sections beside the broker's own: health (as /health says it), archiver (under flux up), any other.
const CORE = new Set(['time', 'broker', 'fleet', 'factories']);

function renderSections(s) {
  const box = document.getElementById('sections');
  for (const [name, values] of Object.entries(s)) {
    if (CORE.has(name)) continue;
    let group = box.querySelector('section[data-section="' + CSS.escape(name) + '"]');
    if (!group) {
      group = el('section', { class: 'cards', 'data-section': name, 'aria-label': name });
      box.append(group);
    }
    for (const [k, v] of Object.entries(values)) {
      let card = group.querySelector('[data-field="' + CSS.escape(k) + '"]');
      if (!card) {
        card = el('div', { class: 'card', 'data-field': k },
          el('div', { class: 'label' }, name + ': ' + k.replaceAll('_', ' ')), el('div', { class: 'value' }));
        group.append(card);
      }
      const text = typeof v === 'number' ? v.toLocaleString() : String(v);
      const value = card.querySelector('.value');
      if (value.textContent !== text) value.textContent = text;
      card.classList.toggle('bad', name === 'health' && v !== 'ok');
      card.classList.toggle('ok', name === 'health' && v === 'ok');
    }
  }
}

function connect() {
  const link = document.getElementById('link');
  const events = new EventSource('/status/events');
  events.onopen = () => { link.dataset.state = 'live'; link.textContent = 'live'; };
  events.onmessage = e => render(JSON.parse(e.data));
  events.onerror = () => { link.dataset.state = 'lost'; link.textContent = 'connection lost, retrying…'; };
}

connect();
