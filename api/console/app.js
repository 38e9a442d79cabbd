// The console's shell: hash routing between the pages, a refresh every few seconds (and right
// after an action), how old the data is, the API token form and the banner that says when the
// API refused a call (401/403) or could not be reached.
import {api, byId, describeFailure, duration, getToken, isAuthFailure, setToken,
        validToken} from './lib.js';
import * as overview from './overview.js';
import * as failovers from './failovers.js';
import * as queue from './queue.js';
import * as nodes from './nodes.js';
import * as jobs from './jobs.js';
import * as job from './job.js';

const REFRESH_MS = 5000;
const PAGES = {overview, failovers, queue, nodes, jobs, job};

let lastSuccess = 0;        // Date.now() of the last refresh that got the status and leader
let lastFailure = null;     // {at, text} of the last refresh that could not read them
let readProblem = null;     // why the last refresh's reads failed (auth, network), or null
let actionProblem = null;   // why the last action failed; kept until an action or token succeeds
let running = false;
let again = false;
let shownPage = null;

// #/jobs/12 -> {page: 'job', id: '12'}; #/jobs?status=QUEUED -> {page: 'jobs', params}.
function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  if (parts[0] === 'jobs' && parts[1]) return {page: 'job', id: parts[1], params};
  if (parts[0] in PAGES && parts[0] !== 'job') return {page: parts[0], params};
  return {page: 'overview', params};
}

function renderBanner() {
  const banner = byId('banner');
  const problem = actionProblem || readProblem;
  banner.hidden = !problem;
  banner.textContent = problem || '';
}

const app = {
  route,
  refreshSoon() {
    setTimeout(refresh, 300);
  },
  actionFailed(result) {
    if (isAuthFailure(result) || result.status === 0) {
      actionProblem = describeFailure(result);
      renderBanner();
    }
  },
  actionSucceeded() {
    actionProblem = null;
    renderBanner();
  },
};

function showPage(current) {
  const changed = shownPage !== null && shownPage !== current.page;
  for (const section of document.querySelectorAll('main > .page')) {
    section.hidden = section.id !== `page-${current.page}`;
  }
  const tab = current.page === 'job' ? 'jobs' : current.page;
  for (const link of document.querySelectorAll('.tabs a')) {
    if (link.dataset.page === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${PAGES[current.page].title} · Scale Scheduler`;
  // Keyboard and screen-reader users land on the new page, not on the link they left.
  if (changed) byId('main').focus();
  shownPage = current.page;
}

function readFailures(results) {
  const failed = results.filter((r) => r && (isAuthFailure(r) || r.status === 0));
  return failed.length ? describeFailure(failed[0]) : null;
}

async function refresh() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    const current = route();
    showPage(current);
    const [status, leader] = await Promise.all([api('v6/status/'), api('v6/leader/')]);
    const results = await PAGES[current.page].refresh(app, {status, leader, route: current});
    readProblem = readFailures([status, leader, ...results]);
    const reached = status.status !== 0 && !isAuthFailure(status);
    if (reached) lastSuccess = Date.now();
    else lastFailure = {at: Date.now(), text: describeFailure(status)};
    byId('answered-by').textContent = status.replica || leader.replica || '?';
    renderBanner();
    renderFreshness();
  } catch (error) {
    lastFailure = {at: Date.now(), text: String(error)};
  } finally {
    running = false;
    if (again) {
      again = false;
      setTimeout(refresh, 0);
    }
  }
}

function renderFreshness() {
  const node = byId('freshness');
  const now = Date.now();
  if (!lastSuccess) {
    node.textContent = lastFailure ? `no data: ${lastFailure.text}` : 'loading…';
    return;
  }
  let text = `data from ${duration((now - lastSuccess) / 1000)} ago`;
  if (lastFailure && lastFailure.at > lastSuccess) {
    text += ` (refresh failed ${duration((now - lastFailure.at) / 1000)} ago)`;
  }
  node.textContent = `${text}; refreshes every ${REFRESH_MS / 1000} s`;
}

function renderTokenState() {
  byId('token-state').textContent = getToken()
    ? 'token set (kept for this tab only)' : 'no token set';
}

function initToken() {
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('token-input');
    const token = input.value.trim();
    if (!validToken(token)) {
      byId('token-state').textContent = 'a token is printable ASCII without spaces';
      return;
    }
    setToken(token);
    input.value = '';
    actionProblem = null;
    renderTokenState();
    refresh();
  });
  byId('token-forget').addEventListener('click', () => {
    setToken('');
    renderTokenState();
    refresh();
  });
  renderTokenState();
}

function start() {
  initToken();
  for (const page of Object.values(PAGES)) page.init(app);
  byId('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    byId('main').focus();
  });
  window.addEventListener('hashchange', refresh);
  setInterval(refresh, REFRESH_MS);
  setInterval(renderFreshness, 1000);
  refresh();
}

start();
