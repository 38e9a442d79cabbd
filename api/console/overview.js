// Overview: the scheduler card (state, leader, epoch, Mesos), pause and resume, warnings, the
// replicas of the status document and the charts of the last 15 minutes.
import {api, byId, describeFailure, duration, el, replaceKeepingFocus, safeUrl, secondsSince,
        setText, showResult, utc} from './lib.js';
import * as charts from './charts.js';

let settings = null;  // the last GET /v6/scheduler/ answer: whether pausing is what was asked

export function init(app) {
  byId('pause-button').addEventListener('click', () => togglePause(app));
}

async function togglePause(app) {
  const button = byId('pause-button');
  const pause = !(settings && settings.is_paused);
  button.disabled = true;
  const result = await api('v6/scheduler/', {method: 'PATCH', body: {is_paused: pause}});
  button.disabled = false;
  if (!result.ok) {
    showResult('pause-result', `${pause ? 'Pause' : 'Resume'} refused: ${describeFailure(result)}`,
               'error');
    app.actionFailed(result);
    return;
  }
  settings = result.data;
  app.actionSucceeded();
  showResult('pause-result', pause
    ? 'Paused: the leader launches nothing new from its next status write on.'
    : 'Resumed: the leader launches again from its next status write on.', 'ok');
  renderPauseButton();
  app.refreshSoon();
}

function renderPauseButton() {
  const button = byId('pause-button');
  button.disabled = false;
  button.textContent = settings && settings.is_paused ? 'Resume scheduling' : 'Pause scheduling';
}

function schedulerState(status) {
  if (status.ok) {
    const state = status.data && status.data.scheduler && status.data.scheduler.state;
    const name = state && typeof state.name === 'string' ? state.name : 'UNKNOWN';
    return {name, detail: state && state.description};
  }
  // 503: no status document, or one older than the limit: no leader is writing.
  if (status.status === 503) return {name: 'OFFLINE', detail: status.detail};
  return {name: 'UNKNOWN', detail: describeFailure(status)};
}

function renderCard(status, leader) {
  const state = schedulerState(status);
  const node = byId('scheduler-state');
  node.textContent = state.name;
  node.dataset.state = state.name;
  let detail = state.detail || '';
  if (settings && status.ok && settings.is_paused !== (state.name === 'PAUSED')) {
    detail = `${settings.is_paused ? 'Pause' : 'Resume'} requested; the leader applies it at its ` +
             'next status write.';
  }
  setText('scheduler-state-detail', detail);
  if (leader.ok) {
    setText('leader-replica', leader.data.replica_id);
    setText('leader-epoch', leader.data.epoch);
    const age = secondsSince(leader.data.since);
    setText('leader-since', `${utc(leader.data.since)} (${duration(age)} ago)`);
  } else {
    setText('leader-replica', `none (${describeFailure(leader)})`);
    setText('leader-epoch', '');
    setText('leader-since', '');
  }
  const mesos = status.ok && status.data.scheduler ? status.data.scheduler.mesos || {} : {};
  setText('framework-id', mesos.framework_id);
  setText('mesos-master', mesos.master);
  const written = status.ok ? status.data.timestamp : undefined;
  setText('status-written', written ? `${utc(written)} (${duration(secondsSince(written))} ago)`
                                    : '');
}

function renderWarnings(status) {
  const list = byId('warnings');
  if (!status.ok) {
    list.replaceChildren(el('li', {text: 'Unknown: no fresh status document.'}));
    return;
  }
  const warnings = (status.data.scheduler && status.data.scheduler.warnings) || [];
  if (warnings.length === 0) {
    list.replaceChildren(el('li', {class: 'muted', text: 'No active warnings.'}));
    return;
  }
  list.replaceChildren(...warnings.map((w) => el('li', {},
    el('strong', {text: w.title || w.name}), ` (${w.name}) `,
    el('span', {text: w.description || ''}),
    el('span', {class: 'muted', text: ` · since ${utc(w.started)}`}))));
}

// The optional columns are shown only when some replica carries them.
const REPLICA_COLUMNS = [
  {title: 'Role', has: (r) => typeof r.role === 'string', cell: (r) => r.role},
  {title: 'Version', has: (r) => typeof r.version === 'string', cell: (r) => r.version},
  {title: 'Started', has: (r) => typeof r.started === 'string', cell: (r) => utc(r.started)},
  {title: 'Heartbeat age', has: (r) => heartbeatAge(r) !== undefined,
   cell: (r) => duration(heartbeatAge(r))},
];

function heartbeatAge(replica) {
  if (typeof replica.heartbeat_age_s === 'number') return replica.heartbeat_age_s;
  if (typeof replica.last_heartbeat === 'string') return secondsSince(replica.last_heartbeat);
  return undefined;
}

function replicaLink(replica) {
  const url = safeUrl(replica.api_url);
  if (!url) return el('span', {text: replica.api_url || '—'});
  // That replica's own console: the same page, answered (and sampled) by it.
  return el('a', {href: `${url.replace(/\/$/, '')}/ui/`, text: replica.api_url});
}

function renderReplicas(status, answeredBy) {
  const table = byId('replicas-table');
  const replicas = status.ok && status.data.cluster && Array.isArray(status.data.cluster.replicas)
    ? status.data.cluster.replicas : [];
  const columns = REPLICA_COLUMNS.filter((c) => replicas.some(c.has));
  table.tHead.rows[0].replaceChildren(el('th', {scope: 'col', text: 'Replica'}),
    el('th', {scope: 'col', text: 'API URL (its console)'}),
    ...columns.map((c) => el('th', {scope: 'col', text: c.title})));
  if (replicas.length === 0) {
    table.tBodies[0].replaceChildren(el('tr', {}, el('td', {colspan: 2 + columns.length,
      text: status.ok ? 'No replicas in the status document.' : 'Unknown: no fresh status document.'})));
    return;
  }
  replaceKeepingFocus(table.tBodies[0], replicas.map((r) => el('tr', {},
    el('td', {}, r.replica_id, r.replica_id === answeredBy ? el('span', {class: 'muted',
      text: ' (answering this page)'}) : null),
    el('td', {class: 'wrap'}, replicaLink(r)),
    ...columns.map((c) => el('td', {text: c.has(r) ? c.cell(r) : '—'})))));
}

const HISTORY_CHARTS = [
  {id: 'chart-launched', series: [{key: 'jobs_launched_per_sec', label: 'launched/s',
                                   color: charts.COLORS.blue}]},
  {id: 'chart-finished', series: [{key: 'jobs_finished_per_sec', label: 'finished/s',
                                   color: charts.COLORS.green}]},
  {id: 'chart-updates', series: [{key: 'task_updates_per_sec', label: 'updates/s',
                                  color: charts.COLORS.purple}]},
  {id: 'chart-queue', series: [{key: 'queued', label: 'queued', color: charts.COLORS.orange},
                               {key: 'running', label: 'running', color: charts.COLORS.teal}]},
];

function renderHistory(history) {
  if (!history.ok || !history.data || !Array.isArray(history.data.samples)) return;
  const {samples, now_ms: now} = history.data;
  for (const spec of HISTORY_CHARTS) {
    const chart = charts.chart(spec.id, () => charts.historyConfig(spec.series));
    if (!chart) return;
    spec.series.forEach((series, i) => {
      chart.data.datasets[i].data = samples.map((s) => ({
        x: (s.time_ms - now) / 60000,
        y: typeof s[series.key] === 'number' ? s[series.key] : null,
      }));
    });
    charts.redraw(chart);
  }
}

export async function refresh(app, {status, leader}) {
  const [settingsResult, history] = await Promise.all([api('v6/scheduler/'),
                                                       api('v6/status/history/')]);
  if (settingsResult.ok) {
    settings = settingsResult.data;
    renderPauseButton();
  } else {
    byId('pause-button').disabled = false;  // a click shows why (401 without the token, ...)
  }
  renderCard(status, leader);
  renderWarnings(status);
  renderReplicas(status, status.replica || leader.replica);
  renderHistory(history);
  return [settingsResult, history];
}

export const title = 'Overview';
