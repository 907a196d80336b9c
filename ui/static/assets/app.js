// ferry's dashboard: a page per hash route, each drawn from the API with
// the session cookie (the server lets it through with the X-Ferry-UI
// header). Everything is built with DOM calls and textContent: nothing
// the API returns is ever parsed as HTML.
'use strict';

const view = document.getElementById('view');

// ---- API ----

class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, headers = {}, method = 'GET', payload = undefined) {
  const init = { method, headers: { 'X-Ferry-UI': '1', Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (payload !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(payload);
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    location.assign('/ui/login');
    throw new APIError(401, 'session_expired', 'Your session has ended: sign in again.');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = body.error || {};
    throw new APIError(res.status, e.code || 'error', e.message || `${res.status} ${res.statusText}`);
  }
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---- DOM ----

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function link(href, text, props = {}) {
  return h('a', { href, ...props }, text);
}

function route(...parts) {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

const statusClass = {
  success: 'ok', SUCCESS: 'ok', delivered: 'ok', processed: 'ok',
  failed: 'bad', ERROR: 'bad', parked: 'bad',
  running: 'run', RUNNING: 'run', pending: 'run',
  PAUSED: 'idle', STOPPED: 'idle', unattributed: 'warn', duplicate: 'idle',
};

function badge(status) {
  return h('span', { class: `badge ${statusClass[status] || 'idle'}` }, String(status || 'unknown').toLowerCase());
}

function when(t) {
  if (!t) return h('span', { class: 'muted' }, '—');
  const d = new Date(t);
  const secs = Math.round((d.getTime() - Date.now()) / 1000);
  const abs = Math.abs(secs);
  let rel;
  if (abs < 60) rel = `${abs}s`;
  else if (abs < 3600) rel = `${Math.round(abs / 60)}m`;
  else if (abs < 86400 * 2) rel = `${Math.round(abs / 3600)}h`;
  else rel = `${Math.round(abs / 86400)}d`;
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, secs >= 0 ? `in ${rel}` : `${rel} ago`);
}

function duration(start, end) {
  if (!start || !end) return '—';
  return ms(new Date(end) - new Date(start));
}

function ms(n) {
  if (n < 1) return `${n.toFixed(2)} ms`;
  if (n < 1000) return `${Math.round(n)} ms`;
  return `${(n / 1000).toFixed(1)} s`;
}

function table(columns, rows, opts = {}) {
  const body = h('tbody');
  if (rows.length === 0) {
    body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'muted empty' }, opts.empty || 'Nothing here yet.')));
  }
  for (const row of rows) {
    body.append(h('tr', row.props || {}, columns.map((c) => h('td', { class: c.class }, c.cell(row)))));
  }
  return h('table', { class: 'grid', id: opts.id }, h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.class }, c.title)))), body);
}

function pager(next, params, base) {
  const nav = h('div', { class: 'pager' });
  if (params.cursor) nav.append(h('button', { class: 'secondary', onclick: () => history.back() }, '← Newer'));
  if (next) nav.append(link(base + query({ ...params, cursor: next }), 'Next →', { class: 'button', id: 'next-page' }));
  return nav;
}

// action is a button that POSTs to the API, says how it went, and redraws
// the page.
function action(label, path, body, props = {}) {
  return h('button', {
    class: 'secondary small', ...props,
    onclick: async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      try {
        await api(path, {}, 'POST', body);
        notice(`${label}: done`);
        setTimeout(render, 300);
      } catch (err) {
        notice(`${label}: ${err.message}`, true);
        btn.disabled = false;
      }
    },
  }, label);
}

function notice(text, bad = false) {
  const el = document.getElementById('notice');
  el.textContent = text;
  el.className = bad ? 'notice bad' : 'notice';
}

function json(v) {
  return h('pre', { class: 'json' }, JSON.stringify(v, null, 2));
}

function section(title, ...children) {
  return h('section', {}, h('h2', {}, title), children);
}

function errorBox(err) {
  return h('div', { class: 'alert', role: 'alert' }, err.message || String(err));
}

// ---- pages ----

async function connectionsPage(params) {
  const [overview, page] = await Promise.all([
    api('/ui/api/overview'),
    api('/ui/api/connections' + query({ integration: params.integration, search: params.search, cursor: params.cursor, limit: 50 })),
  ]);
  const search = h('input', { type: 'search', name: 'search', placeholder: 'Connection id contains…', value: params.search || '' });
  const integration = h('input', { type: 'text', name: 'integration', placeholder: 'Integration', value: params.integration || '' });
  const filters = h('form', {
    class: 'filters',
    onsubmit: (e) => {
      e.preventDefault();
      location.hash = '#/connections' + query({ search: search.value.trim(), integration: integration.value.trim() });
    },
  }, search, integration, h('button', { type: 'submit' }, 'Filter'));

  const rows = page.connections.map((c) => ({ ...c, props: { 'data-connection': c.connection_id } }));
  const start = page.connections.length ? 'Showing ' + page.connections.length + ' of ' + page.total.toLocaleString() : '';
  return [
    h('div', { class: 'cards' },
      card('Connections', overview.connections.toLocaleString()),
      card('Integrations', overview.integrations),
      card('Functions', overview.functions),
      card('Webhooks in: pending / parked', `${overview.webhooks_in.pending} / ${overview.webhooks_in.parked}`),
      card('Webhooks out: pending / failed', `${overview.webhooks_out.pending} / ${overview.webhooks_out.failed}`)),
    h('h1', {}, 'Connections'),
    filters,
    table([
      { title: 'Connection', cell: (c) => link(route('connection', c.provider_config_key, c.connection_id), c.connection_id, { class: 'connection-link' }) },
      { title: 'Integration', cell: (c) => c.provider_config_key },
      { title: 'Provider', cell: (c) => c.provider },
      {
        title: 'Syncs', cell: (c) => c.syncs.length === 0 ? h('span', { class: 'muted' }, 'none')
          : h('ul', { class: 'syncs' }, c.syncs.map((s) => h('li', {}, s.name, ' ', badge(s.status), ' ', h('span', { class: 'muted' }, 'next '), when(s.nextScheduledSyncAt)))),
      },
      { title: 'Created', cell: (c) => when(c.created) },
    ], rows, { id: 'connections', empty: 'No connections match.' }),
    h('p', { class: 'muted' }, start),
    pager(page.next_cursor, params, '#/connections'),
  ];
}

function card(title, value) {
  return h('div', { class: 'card' }, h('div', { class: 'card-value' }, String(value)), h('div', { class: 'muted' }, title));
}

async function connectionPage([pck, id]) {
  const [status, ops] = await Promise.all([
    api('/sync/status' + query({ syncs: '*', provider_config_key: pck, connection_id: id })).catch((e) => ({ error: e })),
    api('/logs/operations' + query({ provider_config_key: pck, connection_id: id, limit: 20 })),
  ]);
  const syncRows = status.syncs || [];
  return [
    h('p', { class: 'crumbs' }, link('#/connections', 'Connections'), ' / ', pck),
    h('h1', {}, id),
    section('Syncs',
      status.error ? errorBox(status.error) : table([
        { title: 'Sync', cell: (s) => s.name },
        { title: 'Status', cell: (s) => badge(s.status) },
        { title: 'Frequency', cell: (s) => s.frequency },
        { title: 'Last finished', cell: (s) => when(s.finishedAt) },
        { title: 'Next run', cell: (s) => when(s.nextScheduledSyncAt) },
        { title: 'Error', cell: (s) => s.error ? h('span', { class: 'error-text' }, s.error.message) : '' },
        {
          title: 'Records', cell: (s) => h('ul', { class: 'plain' }, Object.entries(s.recordCount).map(([model, n]) =>
            h('li', {}, link(route('records', pck, id, model), `${model}: ${n.toLocaleString()}`, { class: 'records-link' })))),
        },
        {
          title: '', class: 'actions', cell: (s) => [
            action('Run now', '/sync/trigger', { syncs: [s.name], provider_config_key: pck, connection_id: id }, { 'data-trigger': s.name }),
            ' ',
            s.status === 'PAUSED'
              ? action('Resume', '/sync/start', { syncs: [s.name], provider_config_key: pck, connection_id: id })
              : action('Pause', '/sync/pause', { syncs: [s.name], provider_config_key: pck, connection_id: id }),
          ],
        },
        {
          title: 'Latest run', cell: (s) => s.latestExecutionId
            ? link(route('operation', s.latestExecutionId), s.status === 'ERROR' ? 'failed run →' : 'view run →', { class: 'run-link', 'data-sync': s.name })
            : h('span', { class: 'muted' }, 'not run yet'),
        },
      ], syncRows, { id: 'syncs', empty: 'No syncs are deployed for this integration.' })),
    section('Recent operations', operationsTable(ops.operations)),
    h('p', {}, link('#/operations' + query({ provider_config_key: pck, connection_id: id }), 'All operations of this connection →')),
  ];
}

function operationsTable(list) {
  return table([
    { title: 'Started', cell: (o) => when(o.started_at) },
    { title: 'Type', cell: (o) => o.type },
    { title: 'Function', cell: (o) => link(route('operation', o.id), o.function || '(none)', { class: 'operation-link' }) },
    { title: 'Status', cell: (o) => badge(o.status) },
    { title: 'Connection', cell: (o) => o.connection_id ? link(route('connection', o.provider_config_key, o.connection_id), o.connection_id) : '' },
    { title: 'Duration', cell: (o) => duration(o.started_at, o.ended_at) },
    { title: 'Error', cell: (o) => o.error ? h('span', { class: 'error-text' }, o.error.message) : '' },
  ], list, { id: 'operations', empty: 'No operations match.' });
}

async function operationsPage(params) {
  const page = await api('/logs/operations' + query({ ...params, limit: 50 }));
  const select = (name, options) => h('select', { name }, options.map((o) =>
    h('option', { value: o, selected: (params[name] || '') === o }, o || `any ${name}`)));
  const type = select('type', ['', 'sync', 'action', 'webhook', 'proxy', 'auth']);
  const status = select('status', ['', 'success', 'failed', 'running']);
  const conn = h('input', { type: 'text', name: 'connection_id', placeholder: 'Connection id', value: params.connection_id || '' });
  const filters = h('form', {
    class: 'filters',
    onsubmit: (e) => {
      e.preventDefault();
      location.hash = '#/operations' + query({ type: type.value, status: status.value, connection_id: conn.value.trim(), provider_config_key: params.provider_config_key });
    },
  }, type, status, conn, h('button', { type: 'submit' }, 'Filter'));
  return [h('h1', {}, 'Operations'), filters, operationsTable(page.operations), pager(page.next_cursor, params, '#/operations')];
}

async function operationPage([id], params) {
  const [op, msgs] = await Promise.all([
    api(`/logs/operations/${encodeURIComponent(id)}`),
    api(`/logs/operations/${encodeURIComponent(id)}/messages` + query({ cursor: params.cursor, limit: 200 })),
  ]);
  const facts = [
    ['Type', op.type], ['Function', op.function], ['Status', badge(op.status)], ['Trigger', op.trigger],
    ['Integration', op.provider_config_key],
    ['Connection', op.connection_id ? link(route('connection', op.provider_config_key, op.connection_id), op.connection_id) : '—'],
    ['Started', op.started_at ? new Date(op.started_at).toISOString() : '—'], ['Duration', duration(op.started_at, op.ended_at)],
  ];
  if (op.records && Object.keys(op.records).length) {
    facts.push(['Records', Object.entries(op.records).map(([m, c]) => `${m}: +${c.added || 0} ~${c.updated || 0} -${c.deleted || 0}`).join(', ')]);
  }
  const rows = [];
  for (const m of msgs.messages) {
    rows.push(m.kind === 'http' ? callRow(m) : logRow(m));
    if (m.kind === 'http') rows.push(callDetail(m));
  }
  return [
    h('p', { class: 'crumbs' }, link('#/operations', 'Operations'), ' / ', `#${op.id}`),
    h('h1', {}, `${op.type} ${op.function || ''}`),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    op.error ? h('div', { class: 'alert', role: 'alert' }, h('strong', {}, op.error.type || 'error'), ': ', op.error.message) : null,
    section('Messages', h('table', { class: 'grid messages', id: 'messages' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Kind'), h('th', {}, 'What'), h('th', {}, 'Status'), h('th', {}, 'Duration'))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 5, class: 'muted empty' }, 'No log lines or upstream calls.'))))),
    pager(msgs.next_cursor, params, route('operation', id)),
  ];
}

function logRow(m) {
  return h('tr', { class: `log level-${m.level}` },
    h('td', {}, timeOfDay(m.time)), h('td', {}, h('span', { class: `level ${m.level}` }, m.level)),
    h('td', {}, m.message, m.meta ? h('code', { class: 'meta' }, ' ', JSON.stringify(m.meta)) : null), h('td', {}), h('td', {}));
}

function callRow(m) {
  const bad = m.status === 0 || m.status >= 400;
  return h('tr', {
    class: `call${bad ? ' failed' : ''}`, tabindex: '0', 'data-status': m.status,
    onclick: (e) => e.currentTarget.nextElementSibling.classList.toggle('open'),
    onkeydown: (e) => { if (e.key === 'Enter') e.currentTarget.nextElementSibling.classList.toggle('open'); },
  },
  h('td', {}, timeOfDay(m.time)), h('td', {}, 'HTTP'),
  h('td', { class: 'url' }, h('strong', {}, m.method), ' ', m.url, m.attempt ? h('span', { class: 'muted' }, ` (retry ${m.attempt})`) : null),
  h('td', {}, h('span', { class: `badge ${bad ? 'bad' : 'ok'}` }, m.status || 'no answer')),
  h('td', {}, ms(m.duration_ms)));
}

function callDetail(m) {
  const headers = Object.entries(m.request_headers || {});
  return h('tr', { class: 'call-detail' }, h('td', { colspan: 5 },
    h('dl', { class: 'facts' },
      h('dt', {}, 'Request'), h('dd', {}, h('code', {}, `${m.method} ${m.url}`)),
      h('dt', {}, 'Status'), h('dd', {}, m.status ? String(m.status) : 'no answer'),
      h('dt', {}, 'Attempt'), h('dd', {}, String(m.attempt + 1)),
      h('dt', {}, 'Duration'), h('dd', {}, ms(m.duration_ms)),
      m.error ? [h('dt', {}, 'Error'), h('dd', { class: 'error-text' }, m.error)] : null,
      h('dt', {}, 'Request headers'),
      h('dd', {}, headers.length ? h('ul', { class: 'plain headers' }, headers.map(([k, v]) => h('li', {}, h('code', {}, `${k}: ${v}`)))) : h('span', { class: 'muted' }, 'none logged')))));
}

function timeOfDay(t) {
  const d = new Date(t);
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, d.toISOString().slice(11, 23));
}

async function recordsPage([pck, id, model], params) {
  const page = await api('/records' + query({ model, cursor: params.cursor, limit: 50 }), { 'Connection-Id': id, 'Provider-Config-Key': pck });
  return [
    h('p', { class: 'crumbs' }, link('#/connections', 'Connections'), ' / ', link(route('connection', pck, id), id), ' / ', model),
    h('h1', {}, `${model} records`),
    table([
      { title: 'Id', cell: (r) => r.id },
      { title: 'Last action', cell: (r) => r._nango_metadata.last_action },
      { title: 'Modified', cell: (r) => when(r._nango_metadata.last_modified_at) },
      { title: 'Record', cell: (r) => { const { _nango_metadata, ...rest } = r; return h('code', { class: 'record' }, JSON.stringify(rest)); } },
    ], page.records, { id: 'records', empty: 'No records.' }),
    pager(page.next_cursor, params, route('records', pck, id, model)),
  ];
}

async function functionsPage() {
  const list = (await api('/functions')).data;
  return [h('h1', {}, 'Functions'), table([
    { title: 'Integration', cell: (f) => f.integration },
    { title: 'Name', cell: (f) => link(route('function', f.integration, f.name), f.name) },
    { title: 'Type', cell: (f) => f.type },
    { title: 'Version', cell: (f) => f.version || '—' },
    { title: 'Deploy', cell: (f) => `#${f.deploy}` },
    { title: 'Deployed', cell: (f) => when(f.deployed_at) },
  ], list, { id: 'functions', empty: 'No functions are deployed.' })];
}

async function functionPage([pck, name]) {
  const fn = await api(`/functions/${encodeURIComponent(pck)}/${encodeURIComponent(name)}`);
  return [
    h('p', { class: 'crumbs' }, link('#/functions', 'Functions'), ' / ', pck),
    h('h1', {}, name),
    section('Versions', table([
      { title: 'Deploy', cell: (v) => `#${v.deploy}` },
      { title: 'Version', cell: (v) => v.version || '—' },
      { title: 'Active', cell: (v) => v.active ? badge('success') : '' },
      { title: 'Hash', cell: (v) => h('code', {}, v.hash.slice(0, 12)) },
      { title: 'Size', cell: (v) => `${Math.round(v.size / 1024)} KiB` },
      { title: 'Deployed', cell: (v) => when(v.deployed_at) },
    ], fn.versions, { id: 'versions' })),
    section('Manifest', json(fn.manifest)),
    h('p', {}, link('#/operations' + query({ function: name, provider_config_key: pck }), 'Operations of this function →')),
  ];
}

async function webhooksPage(params) {
  const tab = params.tab || 'inbox';
  const tabs = h('nav', { class: 'tabs' },
    link('#/webhooks', 'Received (inbox)', { class: tab === 'inbox' ? 'active' : '' }),
    link('#/webhooks?tab=outbox', 'Sent (outbox)', { class: tab === 'outbox' ? 'active' : '' }),
    link('#/webhooks?tab=rejected', 'Rejected', { class: tab === 'rejected' ? 'active' : '' }));
  const q = query({ status: params.status, cursor: params.cursor, limit: 50 });
  let body;
  try {
    if (tab === 'outbox') {
      const page = await api('/webhooks/deliveries' + q);
      body = [table([
        { title: 'Created', cell: (d) => when(d.created_at) },
        { title: 'Type', cell: (d) => d.type },
        { title: 'Connection', cell: (d) => d.connection_id || '' },
        { title: 'URL', cell: (d) => d.url },
        { title: 'Status', cell: (d) => badge(d.status) },
        { title: 'Attempts', cell: (d) => d.attempts.length },
        { title: 'Next attempt', cell: (d) => when(d.next_attempt_at) },
        { title: '', cell: (d) => d.status === 'failed' ? action('Retry', `/webhooks/deliveries/${encodeURIComponent(d.id)}/retry`) : '' },
      ], page.deliveries, { id: 'deliveries', empty: 'No webhooks sent.' }), pager(page.next_cursor, params, '#/webhooks')];
    } else if (tab === 'rejected') {
      const page = await api('/webhooks/rejected' + q);
      body = [table([
        { title: 'Received', cell: (r) => when(r.at) },
        { title: 'Integration', cell: (r) => r.provider_config_key },
        { title: 'Reason', cell: (r) => r.reason },
        { title: 'Body', cell: (r) => h('code', { class: 'record' }, r.body.slice(0, 200)) },
      ], page.rejected, { id: 'rejected', empty: 'No webhooks were rejected.' }), pager(page.next_cursor, params, '#/webhooks')];
    } else {
      const page = await api('/webhooks/inbox' + q);
      body = [table([
        { title: 'Received', cell: (w) => when(w.received_at) },
        { title: 'Integration', cell: (w) => w.provider_config_key },
        { title: 'Event', cell: (w) => w.event_type || '—' },
        { title: 'Status', cell: (w) => badge(w.status) },
        { title: 'Connections', cell: (w) => (w.targets || []).map((t) => t.connection_id).join(', ') },
        { title: 'Attempts', cell: (w) => w.attempts },
        { title: 'Last error', cell: (w) => w.last_error ? h('span', { class: 'error-text' }, w.last_error) : '' },
        { title: '', cell: (w) => ['parked', 'unattributed'].includes(w.status) ? action('Replay', `/webhooks/inbox/${encodeURIComponent(w.id)}/replay`) : '' },
      ], page.webhooks, { id: 'inbox', empty: 'No webhooks received.' }), pager(page.next_cursor, params, '#/webhooks')];
    }
  } catch (e) {
    body = errorBox(e);
  }
  return [h('h1', {}, 'Webhooks'), tabs, body];
}

// ---- router ----

const routes = [
  ['connections', connectionsPage, 0],
  ['connection', connectionPage, 2],
  ['operations', operationsPage, 0],
  ['operation', operationPage, 1],
  ['records', recordsPage, 3],
  ['functions', functionsPage, 0],
  ['function', functionPage, 2],
  ['webhooks', webhooksPage, 0],
];

async function render() {
  const [path, qs] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(qs || ''));
  const name = parts[0] || 'connections';
  const r = routes.find(([n, , arity]) => n === name && arity === parts.length - 1) || routes[0];
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', name.startsWith(a.dataset.nav.replace(/s$/, '')));
  }
  view.setAttribute('aria-busy', 'true');
  try {
    const content = r[2] === 0 ? await r[1](params) : await r[1](parts.slice(1), params);
    view.replaceChildren(...[content].flat(Infinity).filter(Boolean));
  } catch (e) {
    view.replaceChildren(h('h1', {}, 'Something went wrong'), errorBox(e));
  } finally {
    view.removeAttribute('aria-busy');
    view.dataset.route = r[0];
  }
}

window.addEventListener('hashchange', () => { notice(''); render(); });
api('/ui/api/overview').then((o) => { document.getElementById('env').textContent = o.environment; }).catch(() => {});
render();
