// Browser tests of the pages as people use them on a phone, against the demo:
//
// 1. Forum day: on a 360-px phone with JavaScript, the operator kecamatan decides ten
//    proposals in place (one by one and several at once), sees the totals follow each
//    decision, fits the accepted list under the pagu, ranks with the arrows, records the
//    minutes and closes the forum, all without the page reloading.
// 2. A visitor without an account finds a rejected proposal by its street name, reads the
//    reason, follows a pokir to its DPRD member and downloads the cycle's proposals as CSV.
// 3. Every page, as the public and as each role, in Indonesian and in English: none scrolls
//    sideways at 360 px, and axe-core finds no serious or critical accessibility fault.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';

import { ROOT, startDemoServer } from './server.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // The tests talk to 127.0.0.1 only: a map's tile server does not resolve, as offline.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const RESULTS = path.join(ROOT, 'test-results');
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const PASSWORD = 'Rencana-Demo-2027';
const PHONE = { width: 360, height: 740 };
const KECAMATAN = '12.71.01';
const YEAR = 2033;
const KAMUS = 'FD-JLN';

let server;
let browser;
const serverErrors = [];
let failed = null;

function step(name, fn, timeout = 120_000) {
  it(name, { timeout }, async (t) => {
    if (failed) { t.skip(`earlier step failed: ${failed}`); return; }
    try { await fn(); } catch (error) { failed = name; throw error; }
  });
}

async function api(method, urlPath, token, body) {
  const res = await fetch(server.url + urlPath, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 400, `${method} ${urlPath} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const tokenOf = async (username) => (await api('POST', '/api/v1/session', null, { username, password: PASSWORD })).token;

async function newPhone(options = {}) {
  const context = await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta', viewport: PHONE, ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('response', (r) => { if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`); });
  return page;
}

async function login(page, username) {
  await page.goto(`${server.url}/login`);
  await page.fill('form#login input[name=username]', username);
  await page.fill('form#login input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('form#login [type=submit]')]);
}

/** Elements that stick out to the right of the screen, named for the failure message. */
async function sideways(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
  });
}

let axeSource = null;

/**
 * Serious and critical axe-core violations of the page as it is now. axe is evaluated through
 * the driver rather than added as a script tag, so the page keeps its real Content-Security-Policy.
 */
async function axeViolations(page) {
  axeSource ??= readFileSync(AXE, 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: run scripts/ensure-chromium.sh`);
  server = await startDemoServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}, { timeout: 600_000 });

after(async () => {
  if (failed) console.log(`failed at "${failed}"; server output:\n${server?.output?.() ?? ''}`);
  await browser?.close();
  await server?.stop();
});

describe('forum day: an operator kecamatan runs the forum on a phone without a page reload', () => {
  let page;
  let cycleId;
  const titles = Array.from({ length: 10 }, (_, i) => `Jalan setapak Gg. Uji ${i + 1}`);
  const card = (n) => page.locator('#forum-proposals > li', { hasText: new RegExp(`${titles[n]}$|${titles[n]}\\s`) });
  const statusOf = (n) => card(n).getAttribute('data-status');
  const waitStatus = (n, status) => page.waitForFunction(
    ([title, status]) => [...document.querySelectorAll('#forum-proposals > li')]
      .some((li) => li.querySelector('.item-head a')?.textContent === title && li.dataset.status === status),
    [titles[n], status],
  );
  const totals = async () => (await page.locator('#forum-totals').innerText()).replace(/\s+/g, ' ');

  after(async () => {
    if (page && failed) {
      await mkdir(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, 'forum-day-failure.png'), fullPage: true }).catch(() => {});
    }
  });

  step('Bappeda opens a kecamatan forum with a pagu of Rp60 juta; ten proposals of Rp10 juta wait in it', async () => {
    const admin = await tokenOf('bappeda');
    cycleId = (await api('POST', '/api/v1/cycles', admin, { tahun_anggaran: YEAR })).id;
    const opens = new Date(Date.now() - 86_400_000).toISOString();
    const closes = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await api('PUT', `/api/v1/cycles/${cycleId}/stages/musrenbang_kecamatan`, admin, { opens, closes });
    await api('POST', '/api/v1/kamus', admin, {
      tahun_anggaran: YEAR, code: KAMUS, name: 'Jalan setapak beton', unit: 'meter', unit_price: '1.000.000',
      opd_code: '1.03.01', bidang: 'infrastruktur_kewilayahan', fisik: 'ya',
    });
    await api('PUT', `/api/v1/cycles/${cycleId}/ceilings/${KECAMATAN}`, admin, { amount: 60_000_000 });
    const camat = await tokenOf('kec.medankota');
    for (const [i, title] of titles.entries()) {
      await api('POST', '/api/v1/proposals', camat, {
        cycle_id: cycleId, stage: 'musrenbang_kecamatan', title, problem: 'Jalan tanah becek saat hujan.',
        kamus_code: KAMUS, volume: '10', lingkungan: `12.71.01.1001.00${1 + (i % 3)}`, address: `Gg. Uji ${i + 1}`, track: 'apbd',
      });
    }
  });

  step('the forum page is a compact list with nothing chosen in advance, as wide as the phone', async () => {
    page = await newPhone();
    await login(page, 'kec.medankota');
    await page.goto(`${server.url}/forums/${cycleId}/musrenbang_kecamatan/${KECAMATAN}`);
    await page.evaluate(() => { window.sameDocument = true; });
    assert.equal(await page.locator('#forum-proposals > li').count(), 10);
    assert.equal(await page.locator('#forum-proposals input:checked').count(), 0, 'no choice is preselected');
    assert.deepEqual(await sideways(page), []);
    assert.deepEqual(await axeViolations(page), []);
    // Names first: the lingkungan, the kamus item and the OPD by name.
    const first = await card(0).innerText();
    assert.match(first, /Jalan setapak beton/);
    assert.match(first, /Dinas Pekerjaan Umum/i);
    assert.match(await totals(), /0 dari batas|0 \(jumlah tidak dibatasi\)/);
  });

  step('five accepted one by one: each card and the totals change in place', async () => {
    for (let n = 0; n < 5; n++) {
      await card(n).locator('button[value=accept]').click();
      await waitStatus(n, 'accepted');
    }
    await page.waitForFunction(() => document.querySelector('#accepted-total')?.textContent.includes('50.000.000'));
    assert.match(await totals(), /Rp50\.000\.000/);
    assert.match(await totals(), /Sisa pagu Rp10\.000\.000/);
  });

  step('two rejected with a reason, three accepted together: the totals show the list over the pagu', async () => {
    for (const n of [5, 6]) {
      await card(n).locator('summary', { hasText: 'Tolak' }).click();
      await card(n).locator('form:has(button[value=reject]) input[name=reason]').fill('Sudah dianggarkan tahun lalu');
      await card(n).locator('button[value=reject]').click();
      await waitStatus(n, 'rejected');
    }
    for (const n of [7, 8, 9]) await card(n).locator('input.pick').check();
    await page.locator('form#bulk button[type=submit]').click();
    for (const n of [7, 8, 9]) await waitStatus(n, 'accepted');
    await page.waitForFunction(() => document.querySelector('#remaining')?.classList.contains('over'));
    assert.match(await totals(), /Rp80\.000\.000/);
    assert.match(await totals(), /Melebihi pagu Rp20\.000\.000/);
  });

  step('the operator fits the list under the pagu: two rejected after all, one made smaller', async () => {
    for (const n of [8, 9]) {
      await card(n).locator('details.decide > summary').click();
      await card(n).locator('summary', { hasText: 'Tolak' }).click();
      await card(n).locator('form:has(button[value=reject]) input[name=reason]').fill('Melebihi pagu kecamatan');
      await card(n).locator('button[value=reject]').click();
      await waitStatus(n, 'rejected');
    }
    await card(7).locator('details.decide > summary').click();
    await card(7).locator('summary', { hasText: 'Ubah…' }).click();
    await card(7).locator('input[name=volume]').fill('5');
    await card(7).locator('form:has(button[value=accept_with_changes]) input[name=reason]').fill('Disesuaikan dengan pagu');
    await card(7).locator('button[value=accept_with_changes]').click();
    await waitStatus(7, 'accepted_with_changes');
    // The forms as they are mid-decision (folded choices open, a card swapped in) pass axe too.
    assert.deepEqual(await axeViolations(page), []);
    await page.waitForFunction(() => document.querySelector('#accepted-total')?.textContent.includes('55.000.000'));
    assert.match(await totals(), /Sisa pagu Rp5\.000\.000/);
    assert.deepEqual(await sideways(page), []);
  });

  step('ranking with the arrows moves a proposal and saves the order', async () => {
    const order = () => page.locator('#ranking-section li label').allInnerTexts();
    const before = await order();
    assert.equal(before.length, 6);
    await page.locator('#ranking-section li', { hasText: before[0] }).locator('button[value^="down:"]').click();
    await page.waitForFunction((second) => document.querySelector('#ranking-section li label')?.textContent === second, before[1]);
    const afterMove = await order();
    assert.deepEqual(afterMove.slice(0, 2), [before[1], before[0]]);
    assert.match(await page.locator('#flash').innerText(), /Urutan prioritas disimpan/);
  });

  step('the minutes recorded and the forum closed: still the same page, never reloaded', async () => {
    await page.fill('form#minutes input[name=date]', new Date().toISOString().slice(0, 10));
    await page.fill('form#minutes input[name=place]', 'Aula Kantor Camat');
    await page.fill('form#minutes input[name=chair]', 'Camat Medan Kota');
    await page.fill('form#minutes textarea[name=attendees]', 'Camat Medan Kota, ketua\nLurah Pasar Baru, peserta');
    await page.locator('form#minutes [type=submit]').click();
    await page.waitForFunction(() => document.querySelector('#flash')?.textContent.includes('Berita acara disimpan'));
    await page.locator('form#close-forum [type=submit]').click();
    await page.waitForFunction(() => document.querySelector('#forum-state')?.textContent.includes('Ditutup'));
    assert.match(await page.locator('#flash').innerText(), /6 usulan diteruskan/);
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'the page was never reloaded');
    assert.deepEqual(serverErrors, []);
  });
});

describe('a visitor finds, reads, follows and downloads without an account', () => {
  let page;
  let rejected;

  after(async () => {
    if (page && failed) {
      await mkdir(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, 'visitor-failure.png'), fullPage: true }).catch(() => {});
    }
    await page?.context().close();
  });

  step('a rejected proposal is found by its street name, whatever the case, and its reason read', async () => {
    // A rejected proposal of the demo whose decision gave a reason, and the street it is on.
    const listed = await api('GET', '/api/v1/proposals?status=rejected&limit=50');
    for (const item of listed.items) {
      const detail = await api('GET', `/api/v1/proposals/${item.id}`);
      const last = detail.stages[detail.stages.length - 1];
      const street = last.address.replace(/\b(jl|jln|jalan|gg|gang|no)\b\.?/gi, ' ').replace(/[0-9.,]/g, ' ').trim().split(/\s+/).slice(0, 2).join(' ');
      if (last.reason && street.length >= 4) { rejected = { id: item.id, reason: last.reason, street }; break; }
    }
    assert.ok(rejected, 'the demo has a rejected proposal with a reason and a street');
    page = await newPhone();
    await page.goto(`${server.url}/proposals`);
    await page.fill('#f-q', rejected.street.toUpperCase());
    await page.selectOption('#f-status', 'rejected');
    await Promise.all([page.waitForURL(/q=/), page.click('form#filter [type=submit]')]);
    assert.match(page.url(), /status=rejected/, 'the search is in the address, to share');
    assert.match(await page.locator('#found').innerText(), /usulan ditemukan/);
    await Promise.all([page.waitForURL(`**/proposals/${rejected.id}`), page.locator(`a[href="/proposals/${rejected.id}"]`).click()]);
    assert.ok((await page.locator('#stages').innerText()).includes(rejected.reason), 'the reason is shown');
    assert.deepEqual(await sideways(page), []);
  });

  step('the proposal is placed by name and coordinates, and a map without tiles says so in words', async () => {
    const location = page.locator('#location');
    assert.match(await location.innerText(), /Kecamatan /);
    if (await page.locator('#point-map').count()) {
      assert.match(await page.locator('#coordinates').innerText(), /°\s*L[US], .*° B[TB]/);
      // This machine reaches no tile server: the map keeps its marker and tells why it is blank.
      await page.locator('#point-map .leaflet-marker-icon').waitFor();
      await page.locator('#map-note', { hasText: 'Peta dasar tidak dapat dimuat' }).waitFor();
    }
    assert.deepEqual(await sideways(page), []);
  });

  step('the filtered proposals open on a map, clustered', async () => {
    await page.goto(`${server.url}/proposals?stage=musrenbang_kecamatan`);
    await page.locator('#map-details summary').click();
    await page.locator('#cycle-map .marker-cluster').first().waitFor();
    assert.match(await page.locator('#map-note').innerText(), /usulan bertitik lokasi ditampilkan/);
    assert.deepEqual(await sideways(page), []);
  });

  step('the statistics draw each chart beside its table', async () => {
    await page.goto(`${server.url}/statistics`);
    assert.equal(await page.locator('figure.chart svg[role=img]').count(), 6);
    const figures = await (await fetch(`${server.url}/api/v1/statistics`)).json();
    assert.ok(figures.by_kecamatan.length > 0);
    assert.equal(await page.locator('#kecamatan-table tbody tr').count(), figures.by_kecamatan.length, 'a row per kecamatan, as the API counts');
    assert.deepEqual(await sideways(page), []);
  });

  step('a pokir leads to its DPRD member, whose page lists it', async () => {
    await page.goto(`${server.url}/proposals?origin=pokir`);
    const first = page.locator('#proposals tbody a').first();
    const href = await first.getAttribute('href');
    await Promise.all([page.waitForURL(`**${href}`), first.click()]);
    const member = page.locator('#pokir a');
    const name = (await member.innerText()).trim();
    await Promise.all([page.waitForURL('**/anggota/**'), member.click()]);
    assert.equal((await page.locator('h1').innerText()).trim(), name);
    assert.ok(await page.locator(`#member-pokir a[href="${href}"]`).count(), 'the pokir is on its member\'s page');
    assert.deepEqual(await sideways(page), []);
  });

  step('the adopted cycle\'s proposals download as CSV from the open data page', async () => {
    await page.goto(`${server.url}/data`);
    assert.match(await page.locator('#licences').innerText(), /CC BY 4\.0/);
    assert.match(await page.locator('#licences').innerText(), /ODbL/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#downloads tr', { hasText: '2026' }).locator('a', { hasText: 'CSV' }).click()]);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.match(lines[0], /^id,tahun_anggaran,title,origin,stage,status,/);
    assert.ok(lines.length > 100, `${lines.length} lines`);
    assert.deepEqual(serverErrors, []);
  });
});

// Paths that are one page however many there are: ids, codes and numbers stand for any.
function pattern(url) {
  const { pathname, searchParams } = new URL(url);
  const shape = pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')
    .replace(/\/\d+(\.[0-9A-Za-z]+)*(?=\/|$)/g, '/:code');
  const keys = [...searchParams.keys()].filter((k) => !['page', 'after', 'before', 'offset'].includes(k)).sort();
  return keys.length ? `${shape}?${keys.join('&')}` : shape;
}

const SKIP = /^\/(logout|lang\/|static\/|favicon|pindaian\/)|\.(csv|xlsx|pdf)$|\/photos\/|\/api\//;
const PAGES_PER_VISITOR = 40;

/** Visits the pages a visitor reaches by following links, one of each shape, and checks each. */
async function sweep(page, label, start, seen) {
  const queue = [...start];
  const visited = new Set();
  const faults = [];
  while (queue.length && visited.size < PAGES_PER_VISITOR) {
    const href = queue.shift();
    const url = new URL(href, server.url);
    const shape = pattern(url.href);
    if (visited.has(shape) || SKIP.test(url.pathname) || url.origin !== server.url) continue;
    visited.add(shape);
    const res = await page.goto(url.href, { waitUntil: 'load' });
    if (!res || res.status() >= 400) { faults.push(`${label} ${url.pathname}${url.search}: HTTP ${res?.status()}`); continue; }
    if (!(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    const wide = await sideways(page);
    if (wide.length) faults.push(`${label} ${url.pathname}${url.search} scrolls sideways at 360 px: ${wide.join('; ')}`);
    // axe once per page shape and language: the roles see the same markup with more or fewer forms.
    const lang = label.split('/')[1];
    if (!seen.has(`${lang}|${shape}`)) {
      seen.add(`${lang}|${shape}`);
      for (const v of await axeViolations(page)) faults.push(`${label} ${url.pathname}${url.search}: ${v}`);
    }
    const links = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    queue.push(...links);
  }
  return { faults, visited: [...visited] };
}

describe('every page fits a 360-px phone and passes axe-core', () => {
  const seen = new Set();
  // Where a visitor starts; the rest is reached by following links, as a person would.
  const START = ['/', '/proposals', '/data', '/audit', '/dprd', '/pokir', '/nomenklatur', '/prioritas', '/opd', '/kamus', '/login'];
  // Those who see the most forms first: axe checks each page shape once per language.
  const visitors = [
    ['bappeda', 'bappeda'], ['kec.medankota', 'kecamatan'], ['kel.pasarbaru', 'kelurahan'], ['kepling.pasarbaru1', 'kepling'],
    ['opd.pupr', 'opd'], ['dprd.demo', 'dprd'], ['setwan.demo', 'setwan'], ['auditor', 'auditor'], [null, 'publik'],
  ];
  for (const [username, label] of visitors) {
    for (const lang of username === null || username === 'bappeda' ? ['id', 'en'] : ['id']) {
      // Each visitor on its own: one's faults do not hide another's.
      it(`${label} (${lang})`, { timeout: 300_000 }, async (t) => {
        const page = await newPhone({ locale: lang === 'en' ? 'en-GB' : 'id-ID' });
        try {
          if (username) await login(page, username);
          if (lang === 'en') await page.goto(`${server.url}/lang/en?next=/`);
          const { faults, visited } = await sweep(page, `${label}/${lang}`, START, seen);
          t.diagnostic(`${visited.length} pages: ${visited.join(' ')}`);
          assert.ok(visited.length >= 8, `${label} reached only ${visited.length} pages`);
          assert.deepEqual(faults, []);
        } finally {
          await page.context().close();
        }
      });
    }
  }
  it('no page answered a server error', () => { assert.deepEqual(serverErrors, []); });
});
