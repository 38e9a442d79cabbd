// What every page of the console shares: building DOM that only ever holds text, the REST client
// with the bearer token, and formatting. No function here parses HTML: values from the API reach
// the page through textContent and text nodes only, so a job named <img src=x onerror=...> shows
// those characters.

const TOKEN_KEY = 'scale.console.token';

// Relative to /ui/, so the console works on any replica and behind HAProxy under any host.
export const API = '../';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

// A token as the server accepts it: printable ASCII without spaces (api/bearer_auth.cpp).
export function validToken(token) {
  return /^[\x21-\x7e]+$/.test(token);
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// el('td', {class: 'num', text: 42}) or el('p', {}, 'text ', el('strong', {text: name})).
// Attributes are set with setAttribute (never parsed as markup); `text` sets textContent; keys
// starting with "on" add listeners.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

export function setText(id, value) {
  byId(id).textContent = value === undefined || value === null || value === '' ? '—' : String(value);
}

// Replaces the children of `parent`, keeping keyboard focus (and what was typed) on the element
// with the same data-key, so a refresh every few seconds never throws the operator's cursor out.
export function replaceKeepingFocus(parent, children) {
  const active = document.activeElement;
  const key = active && parent.contains(active) ? active.dataset.key : undefined;
  const value = key !== undefined && 'value' in active ? active.value : undefined;
  parent.replaceChildren(...children);
  if (key === undefined) return;
  const again = parent.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (!again) return;
  if (value !== undefined && 'value' in again && again.type !== 'button') again.value = value;
  again.focus();
}

// One REST call. Never throws: {ok, status, data, detail}, status 0 when the replica could not be
// reached. The token goes only in the Authorization header, never in a URL or a cookie.
export async function api(path, {method = 'GET', body} = {}) {
  const headers = {Accept: 'application/json'};
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = {method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch (error) {
    return {ok: false, status: 0, data: null, detail: `cannot reach the replica (${error.message})`};
  }
  const text = await response.text().catch(() => '');
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  let detail = '';
  if (!response.ok) {
    detail = data && typeof data.detail === 'string' ? data.detail : `HTTP ${response.status}`;
  }
  return {ok: response.ok, status: response.status, data, detail,
          replica: response.headers.get('X-Scale-Replica')};
}

export function isAuthFailure(result) {
  return result.status === 401 || result.status === 403;
}

// "401 Unauthorized: <detail>" for the page, with what to do about it.
export function describeFailure(result) {
  if (result.status === 401) {
    return `401 Unauthorized: ${result.detail}. Enter the API token at the top of the page.`;
  }
  if (result.status === 403) {
    return `403 Forbidden: ${result.detail}. The token entered is not the replicas' token.`;
  }
  if (result.status === 0) return result.detail;
  return `${result.status}: ${result.detail}`;
}

// Shows the outcome of an action in a role=status element.
export function showResult(id, text, kind) {
  const node = byId(id);
  node.textContent = text;
  node.dataset.kind = kind;
}

export function number(value, digits = 1) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// "2026-11-25 01:40:00 UTC" from an ISO-8601 text; the text itself when it does not parse.
export function utc(iso) {
  if (typeof iso !== 'string' || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
         `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}

// "4 s", "3 min 20 s", "2 h 5 min".
export function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 0) seconds = 0;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

// Seconds between an ISO time and `now` (ms), or undefined.
export function secondsSince(iso, now = Date.now()) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : (now - at) / 1000;
}

// A link only for http(s) URLs: a javascript: or data: URL from the API never becomes a link.
export function safeUrl(value) {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
