// Chart.js (Debian's libjs-chart.js, version 3, loaded before the modules as window.Chart) made
// once per canvas and fed new data on every refresh. Chart.js sizes its canvas through the CSSOM
// (element.style), which the Content-Security-Policy allows; it injects no <style> element.

const charts = new Map();

export const COLORS = {
  blue: '#0a58ca',
  green: '#146c2e',
  orange: '#b35c00',
  purple: '#6f42c1',
  grey: '#6c757d',
  red: '#b42318',
  teal: '#0f766e',
};

function configureDefaults() {
  const Chart = window.Chart;
  // A console that redraws every few seconds: motion would only distract (and cost CPU).
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.color = '#1b1f24';
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
}

export function available() {
  return typeof window.Chart === 'function';
}

let configured = false;

// The chart of canvas `id`, made by makeConfig() the first time; null without Chart.js.
export function chart(id, makeConfig) {
  if (!available()) return null;
  if (!configured) {
    configureDefaults();
    configured = true;
  }
  let existing = charts.get(id);
  if (!existing) {
    existing = new window.Chart(document.getElementById(id), makeConfig());
    charts.set(id, existing);
  }
  return existing;
}

// Redraws without animation after the caller replaced data.
export function redraw(instance) {
  if (instance) instance.update('none');
}

// A line chart of the last `minutes` minutes: x in minutes before now (negative), y from zero.
export function historyConfig(datasets, minutes = 15) {
  return {
    type: 'line',
    data: {datasets: datasets.map(({label, color}) => ({
      label, data: [], borderColor: color, backgroundColor: color, borderWidth: 2,
      pointRadius: 0, spanGaps: false, tension: 0,
    }))},
    options: {
      parsing: false,
      normalized: true,
      plugins: {legend: {display: datasets.length > 1}, tooltip: {intersect: false, mode: 'index'}},
      scales: {
        x: {type: 'linear', min: -minutes, max: 0,
            ticks: {stepSize: 5, callback: (value) => (value === 0 ? 'now' : `${value} min`)}},
        y: {beginAtZero: true, suggestedMax: 1},
      },
    },
  };
}

export function barConfig(labels, datasets, {horizontal = false, stacked = false, unit = ''} = {}) {
  const valueAxis = {beginAtZero: true, stacked,
                     ticks: {callback: (value) => `${value}${unit}`}};
  const labelAxis = {stacked};
  return {
    type: 'bar',
    data: {labels, datasets: datasets.map(({label, color, data}) => ({
      label, data: data || [], backgroundColor: color, borderColor: color,
    }))},
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      plugins: {legend: {display: datasets.length > 1}},
      scales: horizontal ? {x: valueAxis, y: labelAxis} : {x: labelAxis, y: valueAxis},
    },
  };
}
