// Jobs: the list of GET /v6/jobs/ filtered by status and paginated (the filter lives in the URL,
// #/jobs?status=QUEUED,RUNNING&page=2&page_size=25, so back and forward work), cancel, and
// requeue of a failed or canceled job.
import {api, byId, describeFailure, el, replaceKeepingFocus, setText, showResult,
        utc} from './lib.js';

const STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'];
const SIZES = ['10', '25', '100'];

export function cancellable(job) {
  return job.status === 'QUEUED' || job.status === 'RUNNING';
}

export function requeueable(job) {
  return job.status === 'FAILED' || job.status === 'CANCELED';
}

// POST /v6/jobs/requeue/ for one job (the bulk endpoint, filtered by its id): 202, and the leader
// puts it back in the queue with another set of tries. Shared with the job page.
export async function requeueJob(app, job, resultId) {
  const result = await api('v6/jobs/requeue/', {method: 'POST', body: {job_ids: [job.id]}});
  if (!result.ok) {
    showResult(resultId, `Job ${job.id}: ${describeFailure(result)}`, 'error');
    app.actionFailed(result);
    return;
  }
  app.actionSucceeded();
  showResult(resultId, `Job ${job.id}: requeue accepted, the leader puts it back in the queue.`,
             'ok');
  app.refreshSoon();
}

// The outcome of POST /v6/jobs/{id}/cancel/ in words; shared with the job page.
export async function cancelJob(app, job, resultId) {
  const result = await api(`v6/jobs/${encodeURIComponent(job.id)}/cancel/`, {method: 'POST'});
  if (!result.ok) {
    showResult(resultId, `Job ${job.id}: ${describeFailure(result)}`, 'error');
    app.actionFailed(result);
    return;
  }
  app.actionSucceeded();
  showResult(resultId, result.status === 202
    ? `Job ${job.id} is running: cancel requested, the leader kills its task.`
    : `Job ${job.id} canceled.`, 'ok');
  app.refreshSoon();
}

function filterOf(params) {
  const statuses = (params.get('status') || '').split(',').map((s) => s.toUpperCase())
    .filter((s) => STATUSES.includes(s));
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  const size = SIZES.includes(params.get('page_size')) ? params.get('page_size') : '25';
  return {statuses, page, size};
}

function hashOf({statuses, page, size}) {
  const params = new URLSearchParams();
  if (statuses.length) params.set('status', statuses.join(','));
  if (page > 1) params.set('page', String(page));
  if (size !== '25') params.set('page_size', size);
  const query = params.toString();
  return `#/jobs${query ? `?${query}` : ''}`;
}

export function init(app) {
  const form = byId('jobs-filter');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const statuses = [...form.querySelectorAll('input[name=status]:checked')].map((i) => i.value);
    location.hash = hashOf({statuses, page: 1, size: byId('jobs-page-size').value});
  });
  const turn = (delta) => {
    const filter = filterOf(app.route().params);
    location.hash = hashOf({...filter, page: Math.max(1, filter.page + delta)});
  };
  byId('jobs-prev').addEventListener('click', () => turn(-1));
  byId('jobs-next').addEventListener('click', () => turn(1));
}

function showFilter({statuses, size}) {
  for (const input of byId('jobs-filter').querySelectorAll('input[name=status]')) {
    input.checked = statuses.includes(input.value);
  }
  byId('jobs-page-size').value = size;
}

function row(app, job) {
  const actions = el('div', {class: 'cell-actions'},
    el('a', {href: `#/jobs/${encodeURIComponent(job.id)}`, 'data-key': `open-${job.id}`,
             text: 'Open', 'aria-label': `Open job ${job.id}`}));
  if (cancellable(job)) {
    actions.append(el('button', {type: 'button', 'data-key': `cancel-${job.id}`, text: 'Cancel',
                                 'aria-label': `Cancel job ${job.id}`,
                                 onclick: () => cancelJob(app, job, 'jobs-result')}));
  }
  if (requeueable(job)) {
    actions.append(el('button', {type: 'button', 'data-key': `requeue-${job.id}`, text: 'Requeue',
                                 'aria-label': `Requeue job ${job.id}`,
                                 onclick: () => requeueJob(app, job, 'jobs-result')}));
  }
  return el('tr', {'data-job': job.id},
    el('td', {class: 'num', text: job.id}),
    el('td', {class: 'wrap job-name', text: job.name}),
    el('td', {class: 'status-badge', text: job.cancel_requested && job.status === 'RUNNING'
      ? 'RUNNING (cancel requested)' : job.status}),
    el('td', {class: 'num', text: job.priority}),
    el('td', {class: 'num', text: `${job.num_exes} / ${job.max_tries}`}),
    el('td', {text: utc(job.created)}),
    el('td', {}, actions));
}

export async function refresh(app, {route}) {
  const filter = filterOf(route.params);
  showFilter(filter);
  const query = new URLSearchParams({page: String(filter.page), page_size: filter.size});
  if (filter.statuses.length) query.set('status', filter.statuses.join(','));
  const result = await api(`v6/jobs/?${query}`);
  const body = byId('jobs-table').tBodies[0];
  if (!result.ok) {
    setText('jobs-count', `Jobs unavailable: ${describeFailure(result)}`);
    body.replaceChildren();
    return [result];
  }
  const {count, results, next, previous} = result.data;
  const pages = Math.max(1, Math.ceil(count / Number(filter.size)));
  setText('jobs-count', `${count} job${count === 1 ? '' : 's'}` +
          `${filter.statuses.length ? ` ${filter.statuses.join(' or ')}` : ''}, newest first.`);
  setText('jobs-page', `Page ${filter.page} of ${pages}`);
  byId('jobs-prev').disabled = !previous;
  byId('jobs-next').disabled = !next;
  replaceKeepingFocus(body, results.length
    ? results.map((job) => row(app, job))
    : [el('tr', {}, el('td', {colspan: 7, text: 'No jobs.'}))]);
  return [result];
}

export const title = 'Jobs';
