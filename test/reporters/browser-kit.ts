import type { Page } from 'playwright-core';

/**
 * What a page did while loading: console errors, uncaught exceptions and requests anywhere but
 * `allowed` (a URL prefix: the report's own files, or the console's own origin).
 */
export function watchErrors(page: Page, allowed = 'file:'): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    if (!request.url().startsWith(allowed)) errors.push(`network request: ${request.url()}`);
  });
  return errors;
}

/** Pixel counts per colour of interest in each drawn chart canvas, keyed by chart title. */
export async function chartColours(page: Page, colours: Readonly<Record<string, string>>): Promise<Record<string, Record<string, number>>> {
  // A string, not a function: the TypeScript loader would wrap named arrows in a helper the page lacks.
  return page.evaluate(`(${COUNT_COLOURS})(${JSON.stringify(colours)})`) as Promise<Record<string, Record<string, number>>>;
}

const COUNT_COLOURS = `function (wanted) {
  var result = {};
  var charts = document.querySelectorAll('#timeline-charts .chart');
  for (var c = 0; c < charts.length; c++) {
    var wrap = charts[c];
    var canvas = wrap.querySelector('canvas');
    var ctx = canvas && canvas.getContext('2d');
    if (!ctx) continue;
    var pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    var counts = {};
    Object.keys(wanted).forEach(function (name) {
      var hex = wanted[name];
      var r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
      var n = 0;
      for (var i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i] - r) <= 2 && Math.abs(pixels[i + 1] - g) <= 2 && Math.abs(pixels[i + 2] - b) <= 2) n++;
      }
      counts[name] = n;
    });
    result[wrap.getAttribute('data-chart')] = counts;
  }
  return result;
}`;
