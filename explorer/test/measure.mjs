// Measurements of the explorer in a page, shared by the large-network test
// and scripts/bench-explorer: frame intervals while panning and zooming,
// and the main thread's long tasks.

/** Frame intervals (ms) while fn runs: p50, p95, max, and how many frames. */
export async function frames(page, fn) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__stop = false;
    const loop = (t) => {
      window.__frames.push(t);
      if (!window.__stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  const start = Date.now();
  await fn();
  const wall = Date.now() - start;
  const f = await page.evaluate(() => {
    window.__stop = true;
    const d = window.__frames.slice(1).map((t, i) => t - window.__frames[i]).sort((a, b) => a - b);
    const at = (q) => Math.round(d[Math.min(d.length - 1, Math.floor(d.length * q))] ?? NaN);
    return { frames: d.length, p50: at(0.5), p95: at(0.95), max: Math.round(d[d.length - 1] ?? NaN) };
  });
  return { wall, ...f };
}

/** Drags the map, then zooms in and out with the wheel. */
export async function panAndZoom(page) {
  const box = await page.locator("#graph").boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 15; i++) await page.mouse.move(cx + i * 8, cy + i * 4);
  await page.mouse.up();
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -240);
  await page.waitForTimeout(400);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 240);
  await page.waitForTimeout(400);
}

/**
 * Records the page's long tasks (main-thread work over 50 ms) from its
 * first script on, in window.__longTasks as [start, duration] pairs. Call
 * before the page is opened.
 */
export async function recordLongTasks(context) {
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  });
}

/** The long tasks recorded so far: how many, the longest, and how many over 200 ms. */
export async function longTasks(page, since = 0) {
  const tasks = (await page.evaluate(() => window.__longTasks ?? [])).filter(([start]) => start >= since);
  const durations = tasks.map(([, d]) => d);
  return { count: tasks.length, max: Math.round(Math.max(0, ...durations)), over200: durations.filter((d) => d > 200).length };
}
