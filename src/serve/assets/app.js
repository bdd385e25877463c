// foiredact review in the browser: talks only to the server that served it (same origin, the
// address's key in every path). Every change is sent at once; the server saves it to the decisions
// file or answers why not.
'use strict';

const $ = (id) => document.getElementById(id);
const st = { docs: [], exemptions: [], doc: null, sel: null, page: 1, draw: null, drawing: false };

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of kids) e.append(c);
  return e;
}

function say(msg) { $('status').textContent = msg; $('error').textContent = ''; }
function fail(msg) { $('error').textContent = msg; }

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  };
  const r = await fetch(path, opts);
  const v = await r.json();
  if (!r.ok) throw new Error(v.error || ('error ' + r.status));
  return v;
}

function fillExemptions(select, current) {
  select.replaceChildren();
  for (const x of st.exemptions) {
    const o = el('option', { value: x.code, text: x.code + ' ' + x.label });
    if (x.code === current) o.selected = true;
    select.append(o);
  }
}

async function loadDocs() {
  const v = await api('api/docs');
  st.docs = v.docs;
  st.exemptions = v.exemptions;
  const ul = $('docs');
  ul.replaceChildren();
  for (const d of v.docs) {
    const left = d.state === 'declined' ? (d.reason || '') : d.left + ' of ' + d.proposals + ' left';
    const b = el('button', { type: 'button', class: 'doc', text: d.name + ' (' + d.state + '; ' + left + ')' });
    if (st.doc && st.doc.index === d.index) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => openDoc(d.index));
    ul.append(el('li', {}, b));
  }
}

async function openDoc(k) {
  try {
    const d = await api('api/doc/' + k);
    st.doc = d;
    st.sel = null;
    buildPages();
    update(d);
    await loadDocs();
    $('main').focus();
  } catch (e) { fail(e.message); }
}

// The page images with their word and mark layers (built once per document).
function buildPages() {
  const d = st.doc;
  const host = $('pages');
  host.replaceChildren();
  $('doc-title').textContent = d.name;
  const where = $('text-where');
  where.replaceChildren(el('option', { value: '', text: 'Every page' }));
  for (const p of d.pages) {
    where.append(el('option', { value: String(p.n), text: 'Only page ' + p.n }));
    const sheet = el('div', { class: 'sheet', id: 'sheet-' + p.n, 'data-page': String(p.n) });
    sheet.style.width = p.width + 'px';
    sheet.style.height = p.height + 'px';
    if (p.rendered) {
      sheet.append(el('img', { src: 'page/' + d.index + '/' + p.n + '.png', alt: 'Page ' + p.n + ' of ' + d.name, width: String(p.width), height: String(p.height) }));
    } else {
      sheet.append(el('p', { text: 'Page ' + p.n + ' could not be drawn.' }));
    }
    const words = el('div', { class: 'words' });
    for (const w of p.words) {
      const s = el('span', { class: 'w', text: w.t });
      s.style.left = w.x + 'px';
      s.style.top = w.y + 'px';
      s.style.width = w.w + 'px';
      s.style.height = w.h + 'px';
      s.style.fontSize = Math.max(4, w.h * 0.85) + 'px';
      words.append(s, document.createTextNode(' '));
    }
    sheet.append(words, el('div', { class: 'marks' }));
    sheet.addEventListener('mousedown', startDraw);
    sheet.addEventListener('keydown', drawKey);
    host.append(el('section', { class: 'page', 'aria-label': 'Page ' + p.n }, el('h3', { text: 'Page ' + p.n }), sheet));
  }
  $('doc-tools').hidden = !d.reviewable;
  $('text-tools').hidden = !d.reviewable;
  fillExemptions($('text-exemption'), 's40(2)');
  fillExemptions($('box-exemption'), 's40(2)');
}

function proposal(id) { return st.doc.proposals.find((p) => p.id === id); }

// Everything that changes with a decision: marks, counter, panel, added rows.
function update(d) {
  st.doc = Object.assign(st.doc, d);
  // A keyboard user on a mark stays on it when the marks are drawn again.
  const onMark = document.activeElement && document.activeElement.classList.contains('mark');
  for (const p of d.pages) {
    const layer = document.querySelector('#sheet-' + p.n + ' .marks');
    if (layer) layer.replaceChildren();
  }
  for (const p of d.proposals) {
    const layer = document.querySelector('#sheet-' + p.page + ' .marks');
    if (!layer) continue;
    p.rects.forEach((r, i) => {
      const b = el('button', {
        type: 'button', class: 'mark' + (p.decision === 'keep' ? ' kept' : '') + (st.sel === p.id ? ' selected' : ''),
        'data-id': p.id,
        // The visible label (id and exemption) first, as the accessible name must hold it.
        'aria-label': p.id + ' ' + p.exemption + ': ' + p.category + ', ' + (p.decision === 'keep' ? 'kept' : 'redact') + (p.decided ? '' : ', not yet reviewed'),
      });
      if (i > 0) b.tabIndex = -1;
      b.style.left = r.x + 'px';
      b.style.top = r.y + 'px';
      b.style.width = r.w + 'px';
      b.style.height = r.h + 'px';
      b.style.borderColor = p.colour;
      if (i === 0) b.append(el('span', { class: 'label', 'aria-hidden': 'true', text: p.id + ' ' + p.exemption }));
      b.addEventListener('click', () => select(p.id));
      layer.append(b);
      // The proposed text, beside its box: shown on hover, focus or selection only (CSS).
      if (i === 0) {
        const tip = el('span', { class: 'tip sensitive', 'aria-hidden': 'true', text: p.text });
        tip.style.left = r.x + 'px';
        tip.style.top = (r.y + r.h + 2) + 'px';
        layer.append(tip);
      }
    });
  }
  for (const a of d.added) {
    if (!a.rect) continue;
    const layer = document.querySelector('#sheet-' + a.rect.page + ' .marks');
    if (!layer) continue;
    const b = el('div', { class: 'added-box', 'aria-hidden': 'true' });
    b.style.left = a.rect.x + 'px';
    b.style.top = a.rect.y + 'px';
    b.style.width = a.rect.w + 'px';
    b.style.height = a.rect.h + 'px';
    layer.append(b);
  }
  $('counter').textContent = !d.reviewable
    ? 'This document cannot be reviewed here: ' + (d.reason || '')
    : (d.state === 'declined' ? 'The last apply declined it: ' + (d.reason || '') + '. ' : '') + d.left + ' of ' + d.proposals.length + ' proposals left to review; decisions saved to ' + (d.decisions_file || '');
  $('reviewed').checked = !!d.reviewed;
  $('undo').disabled = !d.can_undo;
  const ul = $('added');
  ul.replaceChildren();
  d.added.forEach((a) => {
    const what = a.decision.startsWith('rect=') ? 'Box on page ' + (a.rect ? a.rect.page : '?')
      : 'Text "' + a.decision.slice(5) + '"' + (a.page ? ' on page ' + a.page : ' on every page');
    const rm = el('button', { type: 'button', text: 'Remove', 'aria-label': 'Remove: ' + what });
    rm.addEventListener('click', () => change({ op: 'remove', index: a.index }));
    ul.append(el('li', {}, what + ', ' + a.exemption + (a.note ? ' (' + a.note + ')' : '') + ' ', rm));
  });
  $('added-section').hidden = d.added.length === 0;
  showPanel();
  if (onMark && st.sel) {
    const b = document.querySelector('.mark[data-id="' + st.sel + '"]');
    if (b) b.focus({ preventScroll: true });
  }
}

function showPanel() {
  const p = st.sel && proposal(st.sel);
  $('panel').hidden = !p;
  if (!p) return;
  $('panel-title').textContent = 'Proposal ' + p.id + ' (page ' + p.page + ')';
  $('p-rule').textContent = p.rule;
  // Why a text no rule found here is proposed: another document of the request, a name's surname.
  $('p-cause-term').hidden = !p.cause;
  $('p-cause').hidden = !p.cause;
  $('p-cause').textContent = p.cause || '';
  $('p-category').textContent = p.category;
  $('p-decision').textContent = p.decision === 'keep' ? 'keep (not redacted)' : 'redact';
  $('p-text').textContent = p.text;
  fillExemptions($('exemption'), p.exemption);
  $('note').value = p.note;
}

function select(id, focus) {
  st.sel = id;
  for (const b of document.querySelectorAll('.mark')) b.classList.toggle('selected', b.dataset.id === id);
  showPanel();
  const b = document.querySelector('.mark[data-id="' + id + '"]');
  if (b) {
    b.scrollIntoView({ block: 'center' });
    if (focus) b.focus();
  }
}

function step(dir) {
  const ps = st.doc ? st.doc.proposals : [];
  if (!ps.length) return;
  let k = ps.findIndex((p) => p.id === st.sel);
  for (let i = 0; i < ps.length; i++) {
    k = (k + dir + ps.length) % ps.length;
    if (dir < 0 || !ps[k].decided) break;
  }
  select(ps[k].id, true);
  say('Proposal ' + ps[k].id + ': ' + ps[k].category + ', ' + ps[k].exemption);
}

async function change(c, done) {
  if (!st.doc) return;
  try {
    const d = await api('api/doc/' + st.doc.index + '/change', c);
    update(d);
    await loadDocs();
    say(done || 'Saved to ' + (d.decisions_file || 'the decisions file'));
  } catch (e) { fail('Not saved: ' + e.message); }
}

function decide(decision) {
  if (st.sel) change({ op: 'decide', id: st.sel, decision }, st.sel + ': ' + decision + ', saved');
}

// Drawing a box: with the mouse, or from the keyboard (arrows move, Shift+arrows resize).
function scaleOf(sheet) {
  const img = sheet.querySelector('img');
  return img && img.clientWidth ? img.naturalWidth / img.clientWidth : 1;
}

function startDraw(ev) {
  if (!st.drawing || ev.button !== 0) return;
  ev.preventDefault();
  const sheet = ev.currentTarget;
  const box = sheet.getBoundingClientRect();
  const x0 = ev.clientX - box.left, y0 = ev.clientY - box.top;
  const draft = el('div', { class: 'draft', 'aria-hidden': 'true' });
  sheet.append(draft);
  const move = (e) => {
    const x = e.clientX - box.left, y = e.clientY - box.top;
    draft.style.left = Math.min(x, x0) + 'px';
    draft.style.top = Math.min(y, y0) + 'px';
    draft.style.width = Math.abs(x - x0) + 'px';
    draft.style.height = Math.abs(y - y0) + 'px';
  };
  const up = (e) => {
    document.removeEventListener('mousemove', move);
    document.removeEventListener('mouseup', up);
    draft.remove();
    const s = scaleOf(sheet);
    const x = e.clientX - box.left, y = e.clientY - box.top;
    addBox(Number(sheet.dataset.page), x0 * s, y0 * s, x * s, y * s);
  };
  document.addEventListener('mousemove', move);
  document.addEventListener('mouseup', up);
}

function addBox(page, x0, y0, x1, y1) {
  setDrawing(false);
  change({ op: 'add_rect', page, x0, y0, x1, y1, exemption: $('box-exemption').value }, 'Box added on page ' + page + ', saved');
}

function setDrawing(on) {
  st.drawing = on;
  $('draw').setAttribute('aria-pressed', on ? 'true' : 'false');
  document.body.classList.toggle('drawing', on);
  for (const d of document.querySelectorAll('.draft')) d.remove();
  for (const s of document.querySelectorAll('.sheet')) {
    if (on) {
      s.tabIndex = 0;
      s.setAttribute('role', 'group');
      s.setAttribute('aria-label', 'Page ' + s.dataset.page + ': draw a box. Arrows move it, Shift+arrows resize it, Enter adds it, Escape cancels');
    } else {
      s.removeAttribute('tabindex');
      s.removeAttribute('role');
      s.removeAttribute('aria-label');
    }
  }
  st.draw = null;
  if (on) {
    say('Drawing: drag over a page, or use the arrows on the page and Enter');
    // From the keyboard, the first page takes the arrows at once.
    const first = document.querySelector('.sheet');
    if (first) first.focus({ preventScroll: true });
  }
}

function drawKey(ev) {
  if (!st.drawing) return;
  const sheet = ev.currentTarget;
  if (!st.draw || st.draw.sheet !== sheet) {
    const d = el('div', { class: 'draft', 'aria-hidden': 'true' });
    sheet.append(d);
    st.draw = { sheet, d, x: sheet.clientWidth / 2 - 60, y: sheet.clientHeight / 2 - 15, w: 120, h: 30 };
  }
  const b = st.draw;
  const k = 10;
  const moves = { ArrowLeft: [-k, 0], ArrowRight: [k, 0], ArrowUp: [0, -k], ArrowDown: [0, k] };
  if (moves[ev.key]) {
    const [dx, dy] = moves[ev.key];
    if (ev.shiftKey) { b.w = Math.max(4, b.w + dx); b.h = Math.max(4, b.h + dy); } else { b.x += dx; b.y += dy; }
  } else if (ev.key === 'Enter') {
    const s = scaleOf(sheet);
    addBox(Number(sheet.dataset.page), b.x * s, b.y * s, (b.x + b.w) * s, (b.y + b.h) * s);
    ev.preventDefault();
    return;
  } else if (ev.key === 'Escape') {
    setDrawing(false);
    return;
  } else {
    return;
  }
  ev.preventDefault();
  Object.assign(b.d.style, { left: b.x + 'px', top: b.y + 'px', width: b.w + 'px', height: b.h + 'px' });
}

// Text selected on a page goes into the "Redact a text" field, with its page.
document.addEventListener('selectionchange', () => {
  const s = document.getSelection();
  if (!s || s.isCollapsed || !s.anchorNode) return;
  const words = s.anchorNode.parentElement && s.anchorNode.parentElement.closest('.words');
  if (!words) return;
  const t = s.toString().replace(/\s+/g, ' ').trim();
  if (!t) return;
  $('text').value = t;
  $('text-where').value = words.parentElement.dataset.page;
});

async function apply() {
  say('Redacting the reviewed documents...');
  try {
    const v = await api('api/apply', {});
    const body = $('result-body');
    body.replaceChildren();
    for (const r of v.results) {
      const sec = el('section', { class: 'result-doc' }, el('h3', { text: r.name + ': ' + r.status }));
      if (r.reason) sec.append(el('p', { text: r.reason }));
      sec.append(el('p', { text: r.redactions + ' redactions applied, ' + r.kept + ' proposals kept, ' + r.added + ' added' }));
      for (const part of r.parts) {
        sec.append(el('h4', { text: 'Part ' + part.part + ' (' + part.file + ')' }));
        for (let n = 1; n <= part.pages; n++) {
          sec.append(el('img', { class: 'result-page', src: 'result/' + r.index + '/' + part.part + '/' + n + '.png', alt: 'Part ' + part.part + ', page ' + n + ' of ' + r.name }));
        }
      }
      body.append(sec);
    }
    if (v.schedule && v.schedule.columns) {
      const want = ['file', 'part', 'page', 'id', 'category', 'exemption', 'decision', 'note'];
      const idx = want.map((c) => v.schedule.columns.indexOf(c)).filter((i) => i >= 0);
      const table = el('table', {}, el('caption', { text: 'Schedule of redactions (redactions.csv)' }));
      table.append(el('thead', {}, el('tr', {}, ...idx.map((i) => el('th', { scope: 'col', text: v.schedule.columns[i] })))));
      const tb = el('tbody');
      for (const row of v.schedule.rows) tb.append(el('tr', {}, ...idx.map((i) => el('td', { text: row[i] }))));
      table.append(tb);
      body.append(table);
    }
    $('result').hidden = false;
    $('result-title').scrollIntoView();
    say('Applied: ' + v.results.map((r) => r.name + ' ' + r.status).join(', '));
  } catch (e) { fail('Not applied: ' + e.message); }
}

function wire() {
  $('prev').addEventListener('click', () => step(-1));
  $('next').addEventListener('click', () => step(1));
  $('undo').addEventListener('click', () => change({ op: 'undo' }, 'Undone, saved'));
  $('draw').addEventListener('click', () => setDrawing(!st.drawing));
  $('reviewed').addEventListener('change', (e) => change({ op: 'reviewed', reviewed: e.target.checked }));
  $('keep').addEventListener('click', () => decide('keep'));
  $('redact').addEventListener('click', () => decide('redact'));
  $('keep-all').addEventListener('click', () => st.sel && change({ op: 'keep_all', id: st.sel }, 'Every occurrence kept, saved'));
  $('redact-all').addEventListener('click', () => st.sel && change({ op: 'redact_all', id: st.sel }, 'Every occurrence redacted, saved'));
  $('exemption').addEventListener('change', (e) => st.sel && change({ op: 'exemption', id: st.sel, exemption: e.target.value }));
  $('save-note').addEventListener('click', () => st.sel && change({ op: 'note', id: st.sel, note: $('note').value }));
  $('add-text').addEventListener('click', () => {
    const where = $('text-where').value;
    change({ op: 'add_text', text: $('text').value, page: where ? Number(where) : null, exemption: $('text-exemption').value }, 'Text added, saved');
  });
  $('apply').addEventListener('click', apply);
  document.addEventListener('keydown', (ev) => {
    if (!$('keys').checked || ev.ctrlKey || ev.metaKey || ev.altKey || !st.doc) return;
    if (ev.target.closest && ev.target.closest('input, select, textarea')) return;
    if (st.drawing && ev.target.closest && ev.target.closest('.sheet')) return;
    const act = { n: () => step(1), p: () => step(-1), k: () => decide('keep'), r: () => decide('redact'), u: () => change({ op: 'undo' }, 'Undone, saved'), b: () => setDrawing(!st.drawing) }[ev.key];
    if (act) { ev.preventDefault(); act(); }
  });
  loadDocs().then(() => { if (st.docs.length) openDoc(st.docs[0].index); }).catch((e) => fail(e.message));
}

wire();
