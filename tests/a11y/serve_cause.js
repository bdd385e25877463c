// The browser review of a batch read as one request: a proposal that another document caused shows
// why ("Because of consistent:<file>#<id>").
//
//   node serve_cause.js <url> <screenshot.png> <document-name> <cause-prefix>
//
// Opens the app at <url> (requests to another origin refused and reported), opens the document
// named <document-name>, selects its first proposal with the keyboard (n), checks that the panel
// shows a cause starting with <cause-prefix>, runs axe-core, and saves a screenshot. Prints one line
// per problem; exits 1 on any. Needs `npm ci` in this folder.
'use strict';

const { chromium } = require('playwright-core');

async function main() {
  const [url, shot, docName, prefix] = process.argv.slice(2);
  if (!prefix) {
    console.error('usage: node serve_cause.js <url> <screenshot.png> <document-name> <cause-prefix>');
    process.exit(2);
  }
  const origin = new URL(url).origin;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
  const problems = [];
  try {
    // (The app's content security policy forbids inline scripts; axe-core is injected as one.)
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.route('**/*', (route) => {
      if (new URL(route.request().url()).origin !== origin) {
        problems.push('request to another origin: ' + route.request().url());
        return route.abort();
      }
      return route.continue();
    });
    await page.goto(url);
    await page.waitForSelector('#docs button.doc');
    await page.locator('#docs button.doc', { hasText: docName }).first().click();
    await page.waitForFunction((n) => document.getElementById('doc-title').textContent.includes(n), docName);
    await page.keyboard.press('n');
    await page.waitForSelector('#panel:not([hidden])');
    const cause = (await page.locator('#p-cause').textContent()) || '';
    if (!(await page.locator('#p-cause').isVisible()) || !cause.startsWith(prefix)) {
      problems.push(`the panel shows no cause starting ${prefix}: "${cause}"`);
    }
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => `${v.id}: ${v.help}`);
    });
    problems.push(...violations.map((v) => 'axe: ' + v));
    // The panel with its cause, and the page below it.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot, fullPage: false });
  } catch (e) {
    problems.push('failed: ' + e.message);
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(p);
  console.log(`serve_cause.js: ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

main();
