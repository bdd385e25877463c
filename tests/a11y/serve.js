// The browser review (`foiredact review --serve`), driven in headless Chromium as an officer would:
//
//   node serve.js <url> <shot-dir> <keep-text> <exemption-text> <box-word> <text-word>
//
// Opens the app at <url> (every request to another origin is refused and reported), runs axe-core
// (every WCAG 2.x A/AA rule and best practice), then: keeps the proposal whose text is <keep-text>
// (selected with the keyboard: n until it, then k), gives the proposal of <exemption-text> the
// exemption s31, draws a box over the word <box-word> with the mouse (and one in the bottom margin
// with the keyboard), selects the word <text-word>
// on the page and redacts it everywhere, undoes and redoes a change, marks the document reviewed,
// applies, and runs axe-core again on the result. Screenshots go to <shot-dir>. Prints one line per
// violation or failed step; exits 1 on any, 0 otherwise. Needs `npm ci` in this folder.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

async function axe(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
}

async function main() {
  const [url, shots, keepText, exText, boxWord, textWord] = process.argv.slice(2);
  if (!textWord) {
    console.error('usage: node serve.js <url> <shot-dir> <keep-text> <exemption-text> <box-word> <text-word>');
    process.exit(2);
  }
  const origin = new URL(url).origin;
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  const problems = [];
  const external = [];
  let pageRef = null;
  try {
    // axe-core is injected by the test: the page's own policy forbids any script not served by it.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    const page = await context.newPage();
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + '/')) return route.continue();
      external.push(u);
      return route.abort();
    });
    page.on('pageerror', (e) => problems.push('script error: ' + e.message));
    page.on('console', (m) => console.log('page: ' + m.text()));
    pageRef = page;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('.mark');
    await page.waitForFunction(() => [...document.querySelectorAll('.sheet img')].every((i) => i.complete && i.naturalWidth > 0));
    for (const v of await axe(page)) problems.push('violation (app): ' + v);
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'serve-app.png'), fullPage: true });

    const saved = async (what) => {
      await page.waitForFunction(() => /saved/i.test(document.getElementById('status').textContent) || document.getElementById('error').textContent);
      const err = await page.textContent('#error');
      if (err) problems.push(what + ': ' + err);
      await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    };
    const tipOf = (text) => page.evaluate((t) => {
      const m = [...document.querySelectorAll('.mark')].find((b) => b.nextElementSibling && b.nextElementSibling.classList.contains('tip') && b.nextElementSibling.textContent === t);
      return m ? m.dataset.id : null;
    }, text);

    // Keep: with the keyboard only (n moves to the next proposal, k keeps it).
    const keepId = await tipOf(keepText);
    if (!keepId) problems.push('no proposal shows the text to keep');
    await page.focus('#main');
    for (let i = 0; i < 50; i++) {
      await page.keyboard.press('n');
      const sel = await page.evaluate(() => document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id : null);
      if (sel === keepId) break;
    }
    const focused = await page.evaluate(() => document.activeElement.dataset.id);
    if (focused !== keepId) problems.push('n never reached the proposal to keep');
    await page.keyboard.press('k');
    await saved('keep');
    const left1 = await page.textContent('#counter');

    // Undo, then keep again (with the button).
    await page.keyboard.press('u');
    await saved('undo');
    const decision = await page.textContent('#p-decision');
    if (!/redact/.test(decision)) problems.push('undo did not bring back redact: ' + decision);
    await page.click('#keep');
    await saved('keep again');
    if (!/keep/.test(await page.textContent('#p-decision'))) problems.push('the panel does not say keep');

    // Another exemption.
    const exId = await tipOf(exText);
    if (!exId) problems.push('no proposal shows the text whose exemption changes');
    await page.click(`.mark[data-id="${exId}"]`);
    await page.selectOption('#exemption', 's31');
    await saved('exemption');

    // A box over a word, drawn with the mouse.
    const wordBox = async (w) => {
      const h = await page.evaluateHandle((t) => [...document.querySelectorAll('.w')].find((s) => s.textContent.replace(/[.,;:]$/, '') === t), w);
      const e = h.asElement();
      if (!e) { problems.push('no word ' + w + ' on the page'); return null; }
      return e;
    };
    const bw = await wordBox(boxWord);
    if (bw) {
      await page.click('#draw');
      await bw.scrollIntoViewIfNeeded();
      const b = await bw.boundingBox();
      await page.mouse.move(b.x - 1, b.y - 1);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 3 });
      await page.mouse.move(b.x + b.width + 1, b.y + b.height + 1, { steps: 3 });
      await page.mouse.up();
      await saved('box');
    }

    // A box from the keyboard: b, arrows down to the bottom margin (a box over no text), Enter.
    await page.focus('#main');
    await page.keyboard.press('b');
    for (let i = 0; i < 45; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Enter');
    await saved('keyboard box');

    // A text: selected on the page, redacted on every page.
    const tw = await wordBox(textWord);
    if (tw) {
      await tw.evaluate((s) => {
        const r = document.createRange();
        r.selectNodeContents(s);
        const sel = document.getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
      });
      await page.waitForFunction((t) => document.getElementById('text').value === t, textWord);
      await page.selectOption('#text-where', '');
      await page.selectOption('#text-exemption', 's40(2)');
      await page.click('#add-text');
      await saved('text');
    }

    // A change the reader would refuse: a text that is nowhere in the document.
    await page.fill('#text', 'zzqx nowhere in this letter');
    await page.click('#add-text');
    await page.waitForFunction(() => document.getElementById('error').textContent);
    const refused = await page.textContent('#error');
    if (!/Not saved/.test(refused)) problems.push('a text= that matches nothing was not refused: ' + refused);
    else console.log('refused as expected: ' + refused);
    await page.evaluate(() => { document.getElementById('error').textContent = ''; });

    await page.check('#reviewed');
    await saved('reviewed');
    console.log('counter after keeping: ' + left1.trim());
    await page.screenshot({ path: path.join(shots, 'serve-decided.png'), fullPage: true });

    await page.click('#apply');
    await page.waitForFunction(() => !document.getElementById('result').hidden || document.getElementById('error').textContent, null, { timeout: 300000 });
    const err = await page.textContent('#error');
    if (err) problems.push('apply: ' + err);
    await page.waitForFunction(() => [...document.querySelectorAll('.result-page')].every((i) => i.complete && i.naturalWidth > 0));
    const rows = await page.$$eval('#result tbody tr', (t) => t.length);
    console.log('schedule rows shown: ' + rows);
    if (!rows) problems.push('no schedule shown');
    for (const v of await axe(page)) problems.push('violation (result): ' + v);
    await page.screenshot({ path: path.join(shots, 'serve-result.png'), fullPage: true });
  } catch (e) {
    if (pageRef) {
      await pageRef.screenshot({ path: path.join(shots, 'serve-failure.png'), fullPage: true }).catch(() => {});
      console.log('status: ' + (await pageRef.textContent('#status').catch(() => '')) + '; error: ' + (await pageRef.textContent('#error').catch(() => '')));
    }
    for (const p of problems) console.log(p);
    throw e;
  } finally {
    await browser.close();
  }
  for (const u of external) problems.push('external resource requested: ' + u);
  for (const p of problems) console.log(p);
  console.log(`serve.js: ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`serve.js failed to run: ${e && e.stack ? e.stack : e}`);
  process.exit(3);
});
