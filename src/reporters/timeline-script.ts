/**
 * The browser half of the timeline: reads the `TimelineData` JSON block and draws four uPlot
 * charts on one synced time axis: traffic (requests/s, errors/s, error rate), p95 latency,
 * share served per region (stacked), and swim lanes for DNS answers per resolver and
 * health-check status. A run that loaded several services gets a traffic and a share chart per
 * service instead of the two for the whole run, and its p95 chart one line per service. Every
 * chart gets the phase bands behind, the fault markers on top, and thinner marks for steps
 * started, approvals answered and notes written (labelled on the first chart).
 * Plain ES2017 with no imports: it is inlined after uPlot into a file that must open offline.
 * It sets `data-rendered` on the figure (number of charts drawn) so tests and people can tell a
 * drawn chart from a failed one.
 */
export const TIMELINE_SCRIPT = String.raw`
(function () {
  'use strict';
  var figure = document.getElementById('timeline-figure');
  var source = document.getElementById('timeline-data');
  if (!figure || !source || typeof uPlot !== 'function') return;
  var data = JSON.parse(source.textContent);
  var host = document.getElementById('timeline-charts');
  var charts = [];
  var SYNC = 'drdrill-timeline';
  var LABEL_FONT = '11px -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

  function width() { return Math.max(360, Math.floor(host.clientWidth || 960)); }
  // The axis reads on the report's clock: T0 is the first injection (data.t0 s after the start).
  function fmtS(v) {
    if (v == null) return '';
    var d = Math.round((v - (data.t0 || 0)) * 10) / 10;
    return 'T0' + (d < 0 ? '−' + (-d) : '+' + d) + ' s';
  }
  function xs() { return data.end; }

  // A vertical line across the plot at time "at" (dash lengths in CSS px).
  function markLine(u, at, colour, width, dash) {
    var ctx = u.ctx, dpr = devicePixelRatio, x = Math.round(u.valToPos(at, 'x', true));
    ctx.strokeStyle = colour;
    ctx.lineWidth = width * dpr;
    ctx.setLineDash(dash.map(function (d) { return d * dpr; }));
    ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
  }

  // A label beside its line, on the first row of "band" where it does not overlap the previous one.
  function markLabel(u, at, label, colour, band) {
    var ctx = u.ctx, dpr = devicePixelRatio, x = Math.round(u.valToPos(at, 'x', true));
    ctx.font = band.font;
    var w = ctx.measureText(label).width;
    var row = 0;
    while (band.rows[row] !== undefined && band.rows[row] > x - 4 * dpr && row < band.max) row++;
    band.rows[row] = x + w + 8 * dpr;
    var y = u.bbox.top + (band.top + row * band.height) * dpr;
    var tx = x + w + 6 * dpr > u.bbox.left + u.bbox.width ? x - w - 4 * dpr : x + 4 * dpr;
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(tx - 2 * dpr, y - 1 * dpr, w + 4 * dpr, band.height * dpr);
    ctx.fillStyle = colour;
    ctx.textBaseline = 'top';
    ctx.fillText(label, tx, y);
  }

  // Phase bands behind the data and fault markers over it, on every chart.
  function overlay(opts) {
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
          ctx.save();
          data.phases.forEach(function (p) {
            var x0 = u.valToPos(p.from, 'x', true), x1 = u.valToPos(p.to, 'x', true);
            ctx.fillStyle = p.colour;
            ctx.fillRect(x0, top, Math.max(0, x1 - x0), h);
            if (opts.phaseLabels && x1 - x0 > 30 * devicePixelRatio) {
              // Bottom of the band: the top is where fault markers put their labels.
              ctx.fillStyle = '#4a5568';
              ctx.font = 'bold ' + LABEL_FONT.replace('11px', (11 * devicePixelRatio) + 'px');
              ctx.textBaseline = 'bottom';
              ctx.fillText(p.phase, x0 + 4 * devicePixelRatio, top + h - 3 * devicePixelRatio);
            }
          });
          ctx.restore();
        }],
        draw: [function (u) {
          var ctx = u.ctx, dpr = devicePixelRatio;
          ctx.save();
          // Faults: bold lines and labels in the top rows.
          var faultRows = { rows: [], top: 16, height: 13, max: 3, font: 'bold ' + LABEL_FONT.replace('11px', (11 * dpr) + 'px') };
          data.markers.forEach(function (m) {
            markLine(u, m.at, m.colour, 2, m.kind === 'verified' ? [4, 3] : []);
            if (opts.markerLabels) markLabel(u, m.at, m.label, m.colour, faultRows);
          });
          // What people did: steps (dashed), approvals (solid), notes (dotted); labels below the faults'.
          var markRows = { rows: [], top: 58, height: 12, max: 4, font: LABEL_FONT.replace('11px', (10 * dpr) + 'px') };
          (data.marks || []).forEach(function (m) {
            markLine(u, m.at, m.colour, m.kind === 'step' ? 1 : 1.5, m.kind === 'step' ? [5, 4] : m.kind === 'note' ? [1.5, 2.5] : []);
            if (opts.markerLabels) markLabel(u, m.at, (m.kind === 'note' ? '✎ ' : m.kind === 'step' ? '▸ ' : '✓ ') + m.label, m.colour, markRows);
          });
          ctx.setLineDash([]);
          ctx.restore();
        }],
      },
    };
  }

  var GUTTER_LEFT = 160, GUTTER_RIGHT = 60;
  // Same gutters on every chart, so one x position means one time across all of them.
  function yAxis(label) { return { label: label, labelSize: 24, size: GUTTER_LEFT }; }
  function rightPad() { return { side: 1, label: '', labelSize: 24, size: GUTTER_RIGHT, values: function (u, t) { return t.map(function () { return ''; }); }, grid: { show: false }, ticks: { show: false } }; }
  function xAxis(showLabel) {
    return { scale: 'x', values: function (u, ticks) { return ticks.map(fmtS); }, label: showLabel ? 'time since T0, the first injection (run started ' + data.startedAt + ')' : '', size: showLabel ? 50 : 30 };
  }

  function chart(title, opts, seriesData, plugins) {
    var wrap = document.createElement('div');
    wrap.className = 'chart';
    wrap.setAttribute('data-chart', title);
    host.appendChild(wrap);
    opts.width = width();
    opts.scales = opts.scales || {};
    opts.scales.x = { time: false, range: function () { return [0, xs()]; } };
    opts.cursor = { sync: { key: SYNC }, drag: { x: true, y: false } };
    opts.plugins = plugins;
    opts.title = title;
    var u = new uPlot(opts, seriesData, wrap);
    charts.push(u);
    return u;
  }

  var stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
  var c = data.colours;

  function trafficChart(title, t, labels) {
    chart(title, {
      height: 230,
      scales: { pct: { range: [0, 100] } },
      series: [
        { label: 'time', value: function (u, v) { return fmtS(v); } },
        { label: 'requests/s', stroke: c.requests, width: 2, paths: stepped, points: { show: false } },
        { label: 'errors/s', stroke: c.errors, fill: 'rgba(197,48,48,0.35)', width: 2, paths: stepped, points: { show: false } },
        { label: 'error rate %', stroke: c.errorRate, width: 1.5, dash: [6, 4], scale: 'pct', paths: stepped, points: { show: false } },
      ],
      axes: [xAxis(false), yAxis('per second'), { side: 1, scale: 'pct', label: 'error rate %', labelSize: 24, grid: { show: false }, size: GUTTER_RIGHT }],
    }, [data.x, t.requestsPerS, t.errorsPerS, t.errorRate], [overlay({ phaseLabels: labels, markerLabels: labels })]);
  }

  // Stacked shares: cumulative tops drawn largest first, so each region shows as its own band.
  function shareChart(title, t) {
    var cumulative = [], acc = data.x.map(function () { return 0; });
    t.regions.forEach(function (r) {
      acc = acc.map(function (v, i) { return r.share[i] == null ? null : (v || 0) + r.share[i]; });
      cumulative.push(acc.slice());
    });
    var regionSeries = [{ label: 'time', value: function (u, v) { return fmtS(v); } }];
    var regionData = [data.x];
    for (var i = t.regions.length - 1; i >= 0; i--) {
      (function (r) {
        regionSeries.push({ label: r.name + ' %', stroke: r.colour, fill: r.colour, width: 0, paths: stepped, points: { show: false },
          value: function (u, v, si, idx) { return idx == null || r.share[idx] == null ? '' : r.share[idx].toFixed(1); } });
      })(t.regions[i]);
      regionData.push(cumulative[i]);
    }
    chart(title, {
      height: 130,
      scales: { y: { range: [0, 100] } },
      series: regionSeries,
      axes: [xAxis(false), yAxis('% of requests'), rightPad()],
    }, regionData, [overlay({})]);
  }

  // One p95 line per service when several were loaded (each its own colour), else the run's.
  var SERVICE_P95 = ['#553c9a', '#b7791f', '#2c7a7b', '#97266d'];
  function latencyChart(title) {
    var lines = data.services.length > 0
      ? data.services.map(function (t, i) { return { label: t.service + ' p95 ms', stroke: SERVICE_P95[i % SERVICE_P95.length], values: t.p95 }; })
      : [{ label: 'p95 ms', stroke: c.p95, values: data.p95 }];
    chart(title, {
      height: 150,
      series: [{ label: 'time', value: function (u, v) { return fmtS(v); } }].concat(lines.map(function (l) {
        return { label: l.label, stroke: l.stroke, width: 2, spanGaps: false, points: { show: false } };
      })),
      axes: [xAxis(false), yAxis('p95 latency ms'), rightPad()],
    }, [data.x].concat(lines.map(function (l) { return l.values; })), [overlay({})]);
  }

  if (data.x.length > 0 && data.services.length > 0) {
    // Several services: each one's traffic and share on its own pair of charts, since a service
    // that failed over and one that stayed would blur into one misleading average.
    data.services.forEach(function (t, i) {
      trafficChart('Traffic · service ' + t.service, t, i === 0);
      shareChart('Share served by region · service ' + t.service, t);
    });
    latencyChart('p95 latency · per service');
  } else if (data.x.length > 0) {
    trafficChart('Traffic', data, true);
    latencyChart('p95 latency');
    shareChart('Share served by region', data);
  }

  if (data.lanes.length > 0) {
    var LANE = 26, n = data.lanes.length;
    chart('DNS answers per resolver · health checks', {
      height: 90 + n * LANE,
      scales: { y: { range: [0, n] } },
      legend: { show: false },
      series: [{ label: 'time' }, { label: 'lanes', stroke: 'transparent', points: { show: false } }],
      axes: [xAxis(true), { label: '', labelSize: 24, size: GUTTER_LEFT, values: function (u, t) { return t.map(function () { return ''; }); }, grid: { show: false }, ticks: { show: false } }, rightPad()],
    }, [[0, xs()], [null, null]], [overlay({}), { hooks: { draw: [function (u) {
      var ctx = u.ctx, dpr = devicePixelRatio;
      ctx.save();
      ctx.font = LABEL_FONT.replace('11px', (11 * dpr) + 'px');
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'right';
      data.lanes.forEach(function (lane, i) {
        var y0 = u.valToPos(n - i, 'y', true), y1 = u.valToPos(n - i - 1, 'y', true);
        var pad = 4 * dpr;
        lane.segments.forEach(function (s) {
          var x0 = u.valToPos(s.from, 'x', true), x1 = u.valToPos(s.to, 'x', true);
          ctx.fillStyle = s.colour;
          ctx.fillRect(x0, y0 + pad, Math.max(1, x1 - x0), y1 - y0 - 2 * pad);
        });
        // Lane labels in the left gutter, drawn here because an axis cannot label bands.
        ctx.fillStyle = '#2d3748';
        var label = (lane.group === 'DNS' ? 'DNS ' : 'HC ') + lane.label;
        if (label.length > 26) label = label.slice(0, 25) + '…';
        ctx.fillText(label, u.bbox.left - 8 * dpr, (y0 + y1) / 2);
      });
      ctx.restore();
    }] } }]);
  }

  figure.setAttribute('data-rendered', String(charts.length));

  function resize(w) { charts.forEach(function (u) { u.setSize({ width: w, height: u.height }); }); }
  var pending;
  window.addEventListener('resize', function () { clearTimeout(pending); pending = setTimeout(function () { resize(width()); }, 100); });
  // A printed A4/Letter page is narrower than most screens: redraw to fit, then back.
  window.addEventListener('beforeprint', function () { resize(Math.min(width(), 680)); });
  window.addEventListener('afterprint', function () { resize(width()); });
})();
`;
