// Queue: queued and running jobs by priority (GET /v6/scheduler/queue-priorities/) and the
// resources they ask for against the cluster's (GET /v6/scheduler/queued-resources/).
import {api, byId, el, number, setText} from './lib.js';
import * as charts from './charts.js';

const RESOURCES = [
  {key: 'cpus', label: 'CPUs', unit: ''},
  {key: 'mem', label: 'Memory', unit: ' MiB'},
  {key: 'disk', label: 'Disk', unit: ' MiB'},
  {key: 'gpus', label: 'GPUs', unit: ''},
];

export function init() {}

function renderPriorities(result) {
  const lines = result.ok && result.data && Array.isArray(result.data.priorities)
    ? result.data.priorities : null;
  byId('priorities-empty').hidden = !lines || lines.length > 0;
  const body = byId('priorities-table').tBodies[0];
  if (!lines) {
    body.replaceChildren(el('tr', {}, el('td', {colspan: 3, text: 'Unavailable.'})));
    return;
  }
  body.replaceChildren(...lines.map((p) => el('tr', {},
    el('td', {class: 'num', text: p.priority}),
    el('td', {class: 'num', text: p.queued}),
    el('td', {class: 'num', text: p.running}))));
  const chart = charts.chart('chart-priorities', () => charts.barConfig([], [
    {label: 'queued', color: charts.COLORS.orange},
    {label: 'running', color: charts.COLORS.teal}]));
  if (!chart) return;
  chart.data.labels = lines.map((p) => `priority ${p.priority}`);
  chart.data.datasets[0].data = lines.map((p) => p.queued);
  chart.data.datasets[1].data = lines.map((p) => p.running);
  charts.redraw(chart);
}

function share(part, whole) {
  return whole > 0 ? (100 * part) / whole : 0;
}

function usageCell(queued, cluster, label) {
  const meter = el('meter', {min: 0, max: cluster > 0 ? cluster : 1,
                             value: Math.min(queued, cluster > 0 ? cluster : 0),
                             'aria-label': `${label} queued against the cluster`});
  const text = cluster > 0 ? `${number(share(queued, cluster), 0)} %` : 'no cluster resources';
  return el('td', {}, meter, el('span', {class: 'usage-text', text}));
}

function renderResources(result) {
  const body = byId('resources-table').tBodies[0];
  if (!result.ok || !result.data) {
    setText('queue-queued', '');
    setText('queue-running', '');
    body.replaceChildren(el('tr', {}, el('td', {colspan: 5, text: 'Unavailable.'})));
    return;
  }
  const {cluster_resources: cluster, queue_lengths: lengths, total_resources: totals} = result.data;
  setText('queue-queued', lengths.QUEUED);
  setText('queue-running', lengths.RUNNING);
  body.replaceChildren(...RESOURCES.map((r) => el('tr', {},
    el('th', {scope: 'row', text: r.label}),
    el('td', {class: 'num', text: `${number(totals.QUEUED[r.key])}${r.unit}`}),
    el('td', {class: 'num', text: `${number(totals.RUNNING[r.key])}${r.unit}`}),
    el('td', {class: 'num', text: `${number(cluster[r.key])}${r.unit}`}),
    usageCell(totals.QUEUED[r.key], cluster[r.key], r.label))));
  const chart = charts.chart('chart-resources', () => charts.barConfig(
    RESOURCES.map((r) => r.label),
    [{label: 'queued', color: charts.COLORS.orange}, {label: 'running', color: charts.COLORS.teal}],
    {unit: ' %'}));
  if (!chart) return;
  chart.data.datasets[0].data = RESOURCES.map((r) => share(totals.QUEUED[r.key], cluster[r.key]));
  chart.data.datasets[1].data = RESOURCES.map((r) => share(totals.RUNNING[r.key], cluster[r.key]));
  charts.redraw(chart);
}

export async function refresh() {
  const [resources, priorities] = await Promise.all([api('v6/scheduler/queued-resources/'),
                                                     api('v6/scheduler/queue-priorities/')]);
  renderResources(resources);
  renderPriorities(priorities);
  return [resources, priorities];
}

export const title = 'Queue';
