// Nodes: every agent of GET /v6/nodes/ with its usage from the status document's `nodes`
// (running against total, per resource, with what is free: running + offered + free +
// unavailable = total), paused or resumed with PATCH /v6/nodes/{id}/.
import {api, byId, describeFailure, el, number, replaceKeepingFocus, setText,
        showResult} from './lib.js';

const RESOURCES = [['cpus', 'CPU', ''], ['mem', 'memory', ' MiB'], ['disk', 'disk', ' MiB'],
                   ['gpus', 'GPU', '']];
const PAGE_SIZE = 1000;  // the API's largest page

// What the operator typed as a pause reason, by node id: a refresh redraws the rows.
const reasons = new Map();

export function init() {}

async function patchNode(app, node, body) {
  const result = await api(`v6/nodes/${encodeURIComponent(node.id)}/`, {method: 'PATCH', body});
  if (!result.ok) {
    showResult('node-result', `${node.hostname}: ${describeFailure(result)}`, 'error');
    app.actionFailed(result);
    return;
  }
  app.actionSucceeded();
  reasons.delete(node.id);
  showResult('node-result', body.is_paused ? `${node.hostname} paused: it gets no new tasks.`
                                            : `${node.hostname} resumed.`, 'ok');
  app.refreshSoon();
}

function usageCell(usage, key, label, unit, hostname) {
  const line = usage && usage.resources && usage.resources[key];
  if (!line || typeof line.total !== 'number') return el('td', {class: 'muted', text: '—'});
  const used = typeof line.running === 'number' ? line.running : 0;
  const free = typeof line.free === 'number' ? ` · ${number(line.free)} free` : '';
  return el('td', {},
    el('meter', {min: 0, max: line.total > 0 ? line.total : 1, value: used,
                 'aria-label': `${label} in use on ${hostname}`}),
    el('span', {class: 'usage-text',
                text: `${number(used)} / ${number(line.total)}${unit}${free}`}));
}

function stateText(node) {
  if (!node.is_active) return 'inactive';
  if (node.is_paused) return node.pause_reason ? `paused: ${node.pause_reason}` : 'paused';
  return 'active';
}

function actionCell(app, node) {
  if (node.is_paused) {
    return el('td', {}, el('button', {type: 'button', 'data-key': `resume-${node.id}`,
      text: 'Resume', 'aria-label': `Resume ${node.hostname}`,
      onclick: () => patchNode(app, node, {is_paused: false})}));
  }
  const inputId = `reason-${node.id}`;
  const input = el('input', {id: inputId, type: 'text', maxlength: 1024, 'data-key': inputId,
                             placeholder: 'reason (optional)',
                             oninput: (e) => reasons.set(node.id, e.target.value)});
  input.value = reasons.get(node.id) || '';
  const pause = () => {
    const reason = input.value.trim();
    patchNode(app, node, reason ? {is_paused: true, pause_reason: reason} : {is_paused: true});
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') pause();
  });
  return el('td', {}, el('div', {class: 'cell-actions'},
    el('label', {class: 'sr-only', for: inputId, text: `Pause reason for ${node.hostname}`}),
    input,
    el('button', {type: 'button', 'data-key': `pause-${node.id}`, text: 'Pause',
                  'aria-label': `Pause ${node.hostname}`, onclick: pause})));
}

function tasksText(usage) {
  const exes = usage && usage.job_executions;
  if (!exes) return '—';
  const total = (k) => (exes[k] && typeof exes[k].total === 'number' ? exes[k].total : 0);
  return `${total('running')} running · ${total('completed')} done · ${total('failed')} failed`;
}

function row(app, node, usage) {
  return el('tr', {},
    el('td', {class: 'num', text: node.id}),
    el('td', {class: 'wrap', text: node.hostname}),
    el('td', {class: 'wrap', text: node.agent_id}),
    el('td', {class: 'state-text', text: stateText(node)}),
    ...RESOURCES.map(([key, label, unit]) => usageCell(usage, key, label, unit, node.hostname)),
    el('td', {text: tasksText(usage)}),
    actionCell(app, node));
}

export async function refresh(app, {status}) {
  const result = await api(`v6/nodes/?page_size=${PAGE_SIZE}`);
  const body = byId('nodes-table').tBodies[0];
  if (!result.ok) {
    setText('nodes-count', `Nodes unavailable: ${describeFailure(result)}`);
    body.replaceChildren();
    return [result];
  }
  const usage = new Map();
  if (status.ok && Array.isArray(status.data.nodes)) {
    for (const n of status.data.nodes) usage.set(n.id, n);
  }
  const nodes = result.data.results;
  setText('nodes-count', result.data.count > nodes.length
    ? `${result.data.count} nodes; the first ${nodes.length} shown.`
    : `${result.data.count} nodes. Usage: running tasks against the agent's total` +
      `${status.ok ? '' : ' (unknown: no fresh status document)'}.`);
  replaceKeepingFocus(body, nodes.map((n) => row(app, n, usage.get(n.id))));
  return [result];
}

export const title = 'Nodes';
