// One job (GET /v6/jobs/{id}/) with its executions, cancel and requeue. The agent and sandbox
// fields of an execution are shown when the API carries them (agent_id always; agent_hostname,
// sandbox_url and sandbox when present; a sandbox becomes a link only for an http(s) URL).
import {api, byId, describeFailure, el, number, safeUrl, setText, utc} from './lib.js';
import {cancelJob, cancellable, requeueJob, requeueable} from './jobs.js';

let current = null;  // the job shown, for the cancel and requeue buttons

export function init(app) {
  byId('job-cancel').addEventListener('click', () => {
    if (current) cancelJob(app, current, 'job-result');
  });
  byId('job-requeue').addEventListener('click', () => {
    if (current) requeueJob(app, current, 'job-result');
  });
}

function resourcesText(r) {
  if (!r) return '—';
  return `cpus ${number(r.cpus)}, mem ${number(r.mem)} MiB, disk ${number(r.disk)} MiB, ` +
         `gpus ${number(r.gpus)}`;
}

function renderFields(job) {
  const fields = [
    ['Name', job.name], ['Command', job.command],
    ['Status', job.cancel_requested && job.status === 'RUNNING'
      ? 'RUNNING (cancel requested)' : job.status],
    ['Priority', job.priority], ['Resources', resourcesText(job.resources)],
    ['Tries', `${job.num_exes} of at most ${job.max_tries}`], ['Error', job.error],
    ['Created', utc(job.created)], ['Queued', utc(job.queued)], ['Started', utc(job.started)],
    ['Ended', utc(job.ended)], ['Last modified', utc(job.last_modified)],
  ];
  byId('job-fields').replaceChildren(...fields.flatMap(([name, value]) => [
    el('dt', {text: name}),
    el('dd', {class: name === 'Name' ? 'job-name' : null,
              text: value === null || value === undefined || value === '' ? '—' : value})]));
}

function sandboxCell(exe) {
  const value = exe.sandbox_url || exe.sandbox;
  if (!value) return el('td', {text: '—'});
  const url = safeUrl(value);
  if (!url) return el('td', {class: 'wrap', text: value});
  return el('td', {class: 'wrap'}, el('a', {href: url, rel: 'noopener noreferrer',
                                            target: '_blank', text: 'sandbox'}));
}

const COLUMNS = [
  ['#', (e) => el('td', {class: 'num', text: e.exe_num})],
  ['Task', (e) => el('td', {class: 'wrap', text: e.task_id})],
  ['State', (e) => el('td', {text: e.state})],
  ['Agent', (e) => el('td', {class: 'wrap', text: e.agent_hostname
    ? `${e.agent_hostname} (${e.agent_id})` : e.agent_id || '—'})],
  ['Node', (e) => el('td', {class: 'num', text: e.node_id ?? '—'})],
  ['Epoch', (e) => el('td', {class: 'num', text: e.epoch})],
  ['Launched', (e) => el('td', {text: utc(e.launched)})],
  ['Started', (e) => el('td', {text: utc(e.started)})],
  ['Ended', (e) => el('td', {text: utc(e.ended)})],
  ['Exit', (e) => el('td', {class: 'wrap',
    text: [e.exit_reason, e.exit_message].filter(Boolean).join(': ') || '—'})],
];

function renderExecutions(executions) {
  const table = byId('executions-table');
  byId('executions-empty').hidden = executions.length > 0;
  table.hidden = executions.length === 0;
  const withSandbox = executions.some((e) => e.sandbox_url || e.sandbox);
  const headers = COLUMNS.map(([name]) => name).concat(withSandbox ? ['Sandbox'] : []);
  table.tHead.rows[0].replaceChildren(...headers.map((h) => el('th', {scope: 'col', text: h})));
  table.tBodies[0].replaceChildren(...executions.map((e) => el('tr', {},
    ...COLUMNS.map(([, cell]) => cell(e)), withSandbox ? sandboxCell(e) : null)));
}

export async function refresh(app, {route}) {
  setText('job-id', route.id);
  const result = await api(`v6/jobs/${encodeURIComponent(route.id)}/`);
  if (!result.ok) {
    current = null;
    byId('job-fields').replaceChildren(el('dt', {text: 'Unavailable'}),
                                       el('dd', {text: describeFailure(result)}));
    byId('job-cancel').disabled = true;
    byId('job-requeue').disabled = true;
    renderExecutions([]);
    return [result];
  }
  current = result.data;
  renderFields(current);
  byId('job-cancel').disabled = !cancellable(current);
  byId('job-requeue').disabled = !requeueable(current);
  renderExecutions(Array.isArray(current.executions) ? current.executions : []);
  return [result];
}

export const title = 'Job';
