// Failovers: the terms of leadership in the status document's cluster.terms (the last terms,
// newest first, each {epoch, replica_id, started, ended, end_reason, steps: [{name, ms}]}, a
// step's ms counted from the election win) as a timeline, each promotion step's duration (from
// the step before it) as a bar, and a table. Without that field: a note.
import {byId, describeFailure, duration, el, number, secondsSince, utc} from './lib.js';
import * as charts from './charts.js';

// The promotion's steps in the order the leader takes them; names the console does not know are
// drawn after these.
const STEP_ORDER = ['elected', 'fenced', 'state_loaded', 'subscribed', 'reconciled', 'first_launch'];
const STEP_COLORS = [charts.COLORS.grey, charts.COLORS.blue, charts.COLORS.teal,
                     charts.COLORS.purple, charts.COLORS.orange, charts.COLORS.green,
                     charts.COLORS.red];

export function init() {}

function termsOf(status) {
  if (!status.ok || !status.data || !status.data.cluster) return null;
  const terms = status.data.cluster.terms;
  return Array.isArray(terms) && terms.length > 0 ? terms : null;
}

function stepsOf(term) {
  return Array.isArray(term.steps)
    ? term.steps.filter((s) => s && typeof s.name === 'string' && typeof s.ms === 'number')
    : [];
}

// [{name, ms: since the win, took: since the step before}], in the order the steps completed.
function durationsOf(term) {
  const steps = [...stepsOf(term)].sort((a, b) => a.ms - b.ms);
  let previous = 0;
  return steps.map((s) => {
    const took = Math.max(0, s.ms - previous);
    previous = Math.max(previous, s.ms);
    return {name: s.name, ms: s.ms, took};
  });
}

// How long the promotion took so far: its last step's time since the win.
function promotionTotal(steps) {
  return steps.length ? steps[steps.length - 1].ms : undefined;
}

function stepNames(terms) {
  const names = new Set(STEP_ORDER);
  for (const term of terms) for (const step of stepsOf(term)) names.add(step.name);
  return [...names];
}

function termLabel(term) {
  return `epoch ${term.epoch} · ${term.replica_id}`;
}

// Minutes before now of an ISO time; an open term ends now.
function minutesAgo(iso) {
  const seconds = secondsSince(iso);
  return seconds === undefined ? 0 : -seconds / 60;
}

function renderTimeline(terms) {
  const chart = charts.chart('chart-timeline', () => {
    const config = charts.barConfig([], [{label: 'term', color: charts.COLORS.blue}],
                                    {horizontal: true});
    config.options.scales.x.ticks.callback = (value) => (value === 0 ? 'now'
      : `${Number(Math.abs(value).toFixed(2))} min ago`);
    config.options.scales.x.beginAtZero = false;
    config.options.scales.x.max = 0;
    return config;
  });
  if (!chart) return;
  chart.data.labels = terms.map(termLabel);
  // Floating bars: [start, end] in minutes before now.
  chart.data.datasets[0].data = terms.map((t) => [minutesAgo(t.started),
                                                  t.ended ? minutesAgo(t.ended) : 0]);
  charts.redraw(chart);
}

function renderSteps(terms) {
  const names = stepNames(terms);
  const chart = charts.chart('chart-steps', () => charts.barConfig([], [],
                                                                  {horizontal: true, stacked: true,
                                                                   unit: ' ms'}));
  if (!chart) return;
  chart.data.labels = terms.map(termLabel);
  chart.data.datasets = names.map((name, i) => ({
    label: name,
    backgroundColor: STEP_COLORS[i % STEP_COLORS.length],
    borderColor: STEP_COLORS[i % STEP_COLORS.length],
    data: terms.map((t) => {
      const step = durationsOf(t).find((s) => s.name === name);
      return step ? step.took : 0;
    }),
  }));
  chart.options.plugins.legend.display = true;
  charts.redraw(chart);
}

function renderTable(terms) {
  byId('terms-table').tBodies[0].replaceChildren(...terms.map((t) => {
    const steps = durationsOf(t);
    const total = promotionTotal(steps);
    const open = !t.ended;
    return el('tr', {'data-epoch': t.epoch},
      el('td', {class: 'num', text: t.epoch}),
      el('td', {text: t.replica_id}),
      el('td', {text: utc(t.started)}),
      el('td', {text: open ? `leading (${duration(secondsSince(t.started))})` : utc(t.ended)}),
      el('td', {text: t.end_reason || (open ? '—' : 'unknown')}),
      el('td', {class: 'wrap steps', text: steps.map((s) => `${s.name} ${number(s.took, 0)} ms`)
                                                .join(' · ') || '—'}),
      el('td', {class: 'num', text: total === undefined ? '—' : `${number(total, 0)} ms`}));
  }));
}

export async function refresh(app, {status}) {
  const terms = termsOf(status);
  const empty = byId('terms-empty');
  byId('terms-content').hidden = !terms;
  empty.hidden = Boolean(terms);
  if (!terms) {
    empty.textContent = status.ok
      ? 'No failover history yet: the status document has no terms to show.'
      : `No failover history yet: the status document is unavailable (${describeFailure(status)}).`;
    return [];
  }
  renderTimeline(terms);
  renderSteps(terms);
  renderTable(terms);
  return [];
}

export const title = 'Failovers';
