'use strict';
// The dashboard: plain DOM, no framework and no external asset. Every read and action goes through report-service's
// /api/v1/dashboard, which calls the owning service with the signed-in user's token.
const api = '/api/v1/dashboard';
let me = {};

const $ = (id) => document.getElementById(id);
const text = (value) => document.createTextNode(value == null ? '' : String(value));
function cell(row, value) { const td = document.createElement('td'); td.append(text(value)); row.append(td); return td; }
function say(message) { $('status').textContent = message; }
const verdicts = { deny: 'denied', ask: 'asked', warn: 'warned' };
function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

async function get(path) {
  const response = await fetch(api + path, { headers: { Accept: 'application/json' } });
  if (response.redirected || response.status === 401) { location.reload(); throw new Error('session expired'); }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { throw new Error(body.detail || body.title || ('HTTP ' + response.status)); }
  return body;
}

async function act(path, payload) {
  const response = await fetch(api + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CCPolicy-Dashboard': '1' },
    body: JSON.stringify(payload),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { throw new Error(body.detail || body.title || ('HTTP ' + response.status)); }
  return body;
}

function guard(promise, what) {
  return promise.catch((e) => say(what + ': ' + e.message));
}

async function overview() {
  const o = await get('/overview?window=' + encodeURIComponent($('window').value));
  for (const key of ['activeUsers', 'sessions', 'toolCalls', 'violations', 'denied', 'exceptionsUsed']) {
    $(key).textContent = o[key].toLocaleString();
  }
  $('demo').hidden = o.demoEvents === 0;
  $('demo').textContent = o.demoEvents === 0 ? '' : 'Demo data: ' + o.demoEvents.toLocaleString() + ' of this window\'s events come from '
      + 'the demo fleet (machines demo-*, users @demo.acme.example). Remove them with: bin/platform demo --clear';
  const byPolicy = $('byPolicy');
  byPolicy.replaceChildren();
  if (o.byPolicy.length === 0) {
    const row = document.createElement('tr');
    cell(row, 'No policy was violated in this window.').colSpan = 4;
    byPolicy.append(row);
  }
  for (const c of o.byPolicy) {
    const row = document.createElement('tr');
    cell(row, c.policy); cell(row, verdicts[c.verdict] || c.verdict); cell(row, c.count.toLocaleString());
    // the bar lives in a track of fixed share of the table, so its width is a share of something (an auto-width cell
    // gave 2-4 px stubs)
    const meter = document.createElement('span');
    meter.className = 'meter';
    const track = document.createElement('span');
    track.className = 'track';
    const bar = document.createElement('span');
    bar.className = 'bar ' + c.verdict; bar.style.width = c.percent + '%';
    track.append(bar);
    const percent = document.createElement('span');
    percent.className = 'percent'; percent.textContent = c.percent.toLocaleString(undefined, { maximumFractionDigits: 1 }) + '%';
    meter.append(track, percent);
    const share = cell(row, '');
    share.className = 'share';
    share.append(meter);
    byPolicy.append(row);
  }
  const trend = $('trend');
  trend.replaceChildren();
  const peak = Math.max(1, ...o.trend.map((p) => p.events));
  $('trendPeak').textContent = peak.toLocaleString();
  $('trendFirst').textContent = o.trend.length ? when(o.trend[0].hour) : '';
  $('trendLast').textContent = o.trend.length ? when(o.trend[o.trend.length - 1].hour) : '';
  trend.setAttribute('aria-label', o.trend.map((p) => when(p.hour) + ': ' + p.events + ' calls, ' + p.violations + ' violations').join('; '));
  for (const p of o.trend) {
    const column = document.createElement('span');
    column.className = 'column'; column.style.height = (100 * p.events / peak) + '%';
    column.title = when(p.hour) + ': ' + p.events + ' calls, ' + p.violations + ' violations';
    const dark = document.createElement('span');
    dark.className = 'violations'; dark.style.height = (p.events ? 100 * p.violations / p.events : 0) + '%';
    column.append(dark);
    trend.append(column);
  }
  const recent = $('recent');
  recent.replaceChildren();
  for (const v of o.recent) {
    const row = document.createElement('tr');
    cell(row, when(v.at));
    cell(row, '').append(searchLink('user', v.user));
    cell(row, '').append(searchLink('machine', v.machine));
    cell(row, v.tool); cell(row, verdicts[v.verdict] || v.verdict);
    const policies = cell(row, '');
    v.policies.forEach((p, i) => policies.append(...(i ? [text(', ')] : []), searchLink('policy', p)));
    cell(row, v.message);
    recent.append(row);
  }
  const anomalies = $('anomalies');
  anomalies.replaceChildren();
  if (o.anomalies.length === 0) { anomalies.append(Object.assign(document.createElement('li'), { textContent: 'Nobody stands out in this window.' })); }
  for (const a of o.anomalies) {
    const item = document.createElement('li');
    const who = document.createElement('strong');
    who.append(text(a.user || '(no identity)'));
    item.append(who, text(' - ' + a.reason));
    anomalies.append(item);
  }
  const integrity = $('integrity');
  integrity.replaceChildren();
  if (o.integrity.length === 0) {
    const row = document.createElement('tr');
    cell(row, '').colSpan = 4;
    row.firstChild.textContent = 'Nothing altered, removed, added or mistimed in this window.';
    integrity.append(row);
  }
  for (const f of o.integrity) {
    const row = document.createElement('tr');
    cell(row, when(f.at)); cell(row, f.kind); cell(row, f.where); cell(row, f.problem);
    integrity.append(row);
  }
}

function live() {
  const source = new EventSource(api + '/live');
  source.onmessage = (message) => {
    const v = JSON.parse(message.data);
    const item = document.createElement('li');
    item.dataset.eventId = v.eventId;
    item.append(text(when(v.at) + ' - ' + v.user + ' - ' + v.tool + ' - ' + v.verdict + ' (' + v.policies.join(', ') + ') ' + v.message));
    $('live').prepend(item);
    while ($('live').children.length > 50) { $('live').lastChild.remove(); }
  };
}

async function machines() {
  const list = await get('/enrolments');
  const rows = $('machines');
  rows.replaceChildren();
  if (list.length === 0) {
    const row = document.createElement('tr');
    cell(row, 'No machine is enrolled yet (hook-agent login enrols one).').colSpan = 6;
    rows.append(row);
  }
  for (const m of list) {
    const row = document.createElement('tr');
    row.dataset.machine = m.machineId;
    cell(row, m.machineId); cell(row, m.email); cell(row, m.keyId); cell(row, when(m.enrolledAt));
    cell(row, m.revokedAt ? 'revoked by ' + m.revokedBy + ' ' + when(m.revokedAt) + ': ' + m.revokeReason : 'active');
    const actions = cell(row, '');
    if (me.canPublish && !m.revokedAt) {
      const button = document.createElement('button');
      button.type = 'button'; button.textContent = 'Revoke'; button.className = 'deny';
      button.setAttribute('aria-label', 'Revoke machine ' + m.machineId + ' of ' + m.email);
      button.onclick = () => {
        const reason = window.prompt('Why is ' + m.machineId + ' revoked?');
        if (reason) {
          guard(act('/enrolments/' + encodeURIComponent(m.machineId) + '/revoke', { reason })
            .then(() => { say('Machine ' + m.machineId + ' revoked.'); return machines(); }), 'Revoke');
        }
      };
      actions.append(button);
    }
    rows.append(row);
  }
}

async function exceptions() {
  const list = await get('/exceptions');
  const pending = $('pending');
  pending.replaceChildren();
  const waiting = list.filter((x) => x.state === 'pending');
  $('pendingCount').textContent = '(' + waiting.length + ')';
  if (waiting.length === 0) {
    const row = document.createElement('tr');
    cell(row, 'No request is waiting.').colSpan = 8;
    pending.append(row);
  }
  for (const x of waiting) {
    const row = document.createElement('tr');
    row.dataset.id = x.id;
    cell(row, when(x.createdAt)); cell(row, x.requester); cell(row, x.policy + (x.value ? ' (' + x.value + ')' : ''));
    cell(row, x.scopeType + ' ' + x.scopeValue); cell(row, x.reason);
    // the call the policy refused that made the developer ask, as their agent recorded it
    const refused = cell(row, x.trigger ? x.trigger.tool + ': ' + x.trigger.detail : 'not attached');
    refused.className = 'trigger';
    if (x.trigger) {
      const detail = document.createElement('small');
      detail.textContent = when(x.trigger.at) + ', event ' + x.trigger.eventId;
      refused.append(document.createElement('br'), detail);
    }
    cell(row, x.requestedDuration);
    const actions = cell(row, '');
    if (me.canDecideExceptions && x.requester !== me.user) {
      for (const [action, label] of [['approve', 'Approve'], ['deny', 'Deny']]) {
        const button = document.createElement('button');
        button.type = 'button'; button.textContent = label; button.className = action;
        button.setAttribute('aria-label', label + ' the request of ' + x.requester + ' for ' + x.policy);
        button.onclick = () => guard(decide(x, action), label);
        actions.append(button);
      }
    }
    pending.append(row);
  }
}

async function decide(x, action) {
  const reason = prompt(action === 'approve' ? 'Note for the approval (optional)' : 'Why is it denied?', '');
  if (reason === null) { return; }
  await act('/exceptions/' + x.id + '/' + action, { reason: reason });
  say('Request of ' + x.requester + ' for ' + x.policy + ': ' + (action === 'approve' ? 'approved' : 'denied') + '.');
  await exceptions();
}

async function policies() {
  const [versions, publications] = await Promise.all([get('/policies'), get('/publications')]);
  // newest first: the organization's first full publication is the revision in force there
  const inForceForAll = publications.find((p) => p.scope.type === 'organization' && p.canaryPercent >= 100);
  const table = $('versions');
  table.replaceChildren();
  for (const v of versions) {
    const row = document.createElement('tr');
    cell(row, v.revision); cell(row, v.author); cell(row, v.changeNote); cell(row, when(v.createdAt));
    const actions = cell(row, '');
    if (v.revision > 1) {
      const button = document.createElement('button');
      button.type = 'button'; button.textContent = 'Diff';
      button.setAttribute('aria-label', 'Changes from revision ' + (v.revision - 1) + ' to ' + v.revision);
      button.onclick = () => guard(diff(v.revision), 'Diff');
      actions.append(button);
    }
    if (inForceForAll && inForceForAll.revision === v.revision) {
      actions.append(Object.assign(document.createElement('span'), { className: 'in-force', textContent: 'in force' }));
    } else if (me.canPublish) {
      const button = document.createElement('button');
      button.type = 'button'; button.textContent = 'Publish';
      button.setAttribute('aria-label', 'Publish revision ' + v.revision + ' to the organization');
      button.onclick = () => guard(publish(v.revision), 'Publish');
      actions.append(button);
    }
    table.append(row);
  }
  const inForce = $('publications');
  inForce.replaceChildren();
  const seen = new Set();
  for (const p of publications) {
    const scope = p.scope.type + ' ' + p.scope.value;
    if (seen.has(scope)) { continue; }
    seen.add(scope);
    inForce.append(Object.assign(document.createElement('li'), {
      textContent: scope + ': revision ' + p.revision + (p.canaryPercent < 100 ? ' for ' + p.canaryPercent + '% of machines' : '')
        + ', published by ' + p.publishedBy + ' ' + when(p.publishedAt),
    }));
  }
}

async function diff(revision) {
  const changes = await get('/policies/' + revision + '/diff?against=' + (revision - 1));
  const box = $('diff');
  box.replaceChildren(Object.assign(document.createElement('h3'), { textContent: 'Revision ' + (revision - 1) + ' to ' + revision }));
  const list = document.createElement('ul');
  for (const c of changes) { list.append(Object.assign(document.createElement('li'), { textContent: c.kind + ' ' + c.subject + (c.detail ? ': ' + c.detail : '') })); }
  if (changes.length === 0) { list.append(Object.assign(document.createElement('li'), { textContent: 'No semantic change.' })); }
  box.append(list);
}

async function publish(revision) {
  const note = prompt('Why publish revision ' + revision + ' to the whole organization?', '');
  if (!note) { return; }
  await act('/publications', { revision: revision, scope: { type: 'organization', value: '*' }, canaryPercent: 100, note: note });
  say('Revision ' + revision + ' published to the organization.');
  await policies();
}

/** A link that runs the audit search filtered on one field (the other filters cleared). */
function searchLink(field, value) {
  const link = Object.assign(document.createElement('a'), { href: '#audit-title', textContent: value || '(none)' });
  link.dataset.filter = field;
  link.setAttribute('aria-label', 'Audit events of ' + field + ' ' + value);
  link.onclick = (event) => {
    event.preventDefault();
    const form = $('search');
    form.reset();
    form.elements[field].value = value;
    guard(search(form), 'Search').then(() => $('audit-title').scrollIntoView());
  };
  return link;
}

async function search(form) {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) { if (value) { params.set(key, value); } }
  params.set('limit', '50');
  const page = await get('/audit?' + params);
  const results = $('results');
  results.replaceChildren();
  for (const row of page.events) {
    const e = row.event; const tr = document.createElement('tr');
    cell(tr, when(row.occurredAt)); cell(tr, e.user && e.user.email); cell(tr, e.machine && e.machine.id); cell(tr, e.eventType);
    cell(tr, e.action && e.action.tool);
    cell(tr, e.decision && e.decision.verdict); cell(tr, ((e.policyCheck && e.policyCheck.policies) || []).join(', '));
    results.append(tr);
  }
  say(page.events.length + ' event(s) found.');
}

async function start() {
  me = await get('/me');
  $('user').textContent = me.user + ' (' + me.roles.join(', ') + ')';
  for (const element of document.querySelectorAll('[data-needs]')) {
    element.hidden = !me[element.dataset.needs];
  }
  const today = new Date();
  $('report').elements.to.value = today.toISOString().slice(0, 10);
  $('report').elements.from.value = new Date(today - 30 * 864e5).toISOString().slice(0, 10);
  $('window').onchange = () => guard(overview(), 'Overview');
  $('search').onsubmit = (event) => { event.preventDefault(); guard(search(event.target), 'Search'); };
  $('report').onsubmit = (event) => {
    event.preventDefault();
    const f = event.target.elements;
    location.href = '/api/v1/reports/' + f.kind.value + '?from=' + f.from.value + 'T00:00:00Z&to=' + f.to.value + 'T23:59:59Z&format=' + f.format.value;
  };
  $('rollback').onsubmit = (event) => {
    event.preventDefault();
    const f = event.target.elements;
    guard(act('/publications/rollback', { scope: { type: 'organization', value: '*' }, toRevision: Number(f.toRevision.value), note: f.note.value })
      .then(() => { say('Rolled back to revision ' + f.toRevision.value + '.'); return policies(); }), 'Rollback');
  };
  if (me.canReadAudit) { live(); await guard(overview(), 'Overview'); }
  if (me.canReadExceptions) { await guard(exceptions(), 'Exceptions'); }
  if (me.canReadPolicies) { await guard(policies(), 'Policies'); await guard(machines(), 'Machines'); }
}

start().catch((e) => say('The dashboard could not load: ' + e.message));
