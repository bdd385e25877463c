// Accessibility check of a published index page, in a real browser.
//
//   node check.js <index.html> <screenshot.png>
//
// Loads the page from disk in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM), with
// JavaScript of the page irrelevant (it has none) and every network request refused (the page must need
// no external resource), injects axe-core, runs every WCAG 2.x A/AA rule and best practice, prints one
// line per violation, saves a full-page screenshot, and exits 1 on any violation or refused request,
// 0 otherwise. Needs `npm ci` in this folder.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

async function main() {
  const [page_path, shot] = process.argv.slice(2);
  if (!page_path || !shot) {
    console.error('usage: node check.js <index.html> <screenshot.png>');
    process.exit(2);
  }
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  // Running as root (CI in a container) needs --no-sandbox; the page is our own output.
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  let failed = false;
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    const external = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) {
        return route.continue();
      }
      external.push(url);
      return route.abort();
    });
    await page.goto('file://' + path.resolve(page_path), { waitUntil: 'load' });
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      return await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
    });
    fs.mkdirSync(path.dirname(path.resolve(shot)), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    for (const v of result.violations) {
      failed = true;
      console.log(`violation: ${v.id} (${v.impact}): ${v.help} -- ${v.nodes.length} element(s)`);
      for (const n of v.nodes.slice(0, 5)) {
        console.log(`  at ${n.target.join(' ')}`);
      }
    }
    for (const u of external) {
      failed = true;
      console.log(`external resource requested: ${u}`);
    }
    console.log(
      `axe-core ${result.testEngine.version}: ${result.violations.length} violations, ` +
        `${external.length} external requests; screenshot ${shot}`
    );
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`a11y check failed to run: ${e && e.stack ? e.stack : e}`);
  process.exit(3);
});
