// Browser journey of issue 3, in Debian's headless Chromium driven by playwright-core: a
// kepala lingkungan enters three proposals and finalises the rembuk warga; the operator
// kelurahan accepts one, accepts one with a smaller volume, rejects one with a reason, ranks
// and closes; the operator kecamatan sees two, cannot close over the ceiling, fits the list to
// it and closes; the proposal page shows the whole timeline with both stages' figures.
//
// JavaScript is off here: every step must work as plain forms (the in-place forum day, with
// htmx, is forum-day.test.mjs).
//
// The demo's own 2027 cycle has its rembuk and kelurahan stages in the past, so the journey
// sets up a cycle of its own through the API as the Bappeda admin, every forum open today.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
const PASSWORD = 'Rencana-Demo-2027';
const LINGKUNGAN = '12.71.01.1001.001';
const KELURAHAN = '12.71.01.1001';
const KECAMATAN = '12.71.01';
const YEAR = 2029;
const KAMUS = 'E2E-JLN';
const PROPOSALS = [
  { title: 'Pengaspalan Gg. Kenanga', volume: '30' },
  { title: 'Pengaspalan Gg. Dahlia', volume: '20' },
  { title: 'Pengaspalan Gg. Anggrek', volume: '15' },
];

let server;
let browser;
let page;
let cycleId;
const serverErrors = [];

async function api(method, urlPath, token, body) {
  const res = await fetch(server.url + urlPath, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, json, text };
}

async function expectApi(method, urlPath, token, body, statuses) {
  const res = await api(method, urlPath, token, body);
  assert.ok(statuses.includes(res.status), `${method} ${urlPath} answered ${res.status}: ${res.text}`);
  return res;
}

async function goto(urlPath) {
  const res = await page.goto(server.url + urlPath, { waitUntil: 'load' });
  assert.ok(res && res.status() < 400, `GET ${urlPath} answered ${res && res.status()}`);
  return res;
}

/** Submits `form` with its first submit button (or `button`) and waits for the page that follows. */
async function submit(form, button = '[type=submit]') {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().frame() === page.mainFrame());
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await form.locator(button).first().click();
  const res = await posted;
  await navigated;
  await page.waitForLoadState('load');
  assert.ok(res.status() < 500, `POST ${res.url()} answered ${res.status()}`);
  return res;
}

async function login(username) {
  await goto('/login');
  await page.fill('form#login input[name=username]', username);
  await page.fill('form#login input[name=password]', PASSWORD);
  const res = await submit(page.locator('form#login'));
  assert.ok(res.status() === 303 || res.status() === 302, `login of ${username} answered ${res.status()}`);
}

async function logout() {
  await submit(page.locator('form#logout'));
}

const forum = (stage, region) => `/forums/${cycleId}/${stage}/${region}`;
const row = (title) => page.locator('#forum-proposals > li', { hasText: title });

/** Opens the folded choices around a decision's form and submits it. */
async function decide(title, decision, { volume, reason } = {}) {
  const form = row(title).locator('form.decide-form', { has: page.locator(`button[value=${decision}]`) });
  await form.evaluate((el) => { for (let d = el.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; });
  if (volume !== undefined) await form.locator('input[name=volume]').fill(volume);
  if (reason !== undefined) await form.locator('input[name=reason]').fill(reason);
  return submit(form);
}

async function recordMinutesAndRank() {
  await submit(page.locator('form#ranking'), '#save-ranking');
  await page.fill('form#minutes input[name=date]', `${YEAR - 1}-02-10`);
  await page.fill('form#minutes input[name=place]', 'Aula kantor');
  await page.fill('form#minutes input[name=chair]', 'Pimpinan forum');
  await page.fill('form#minutes textarea[name=attendees]', 'Siti Aminah, tokoh masyarakat\nRudi Hartono, delegasi');
  await page.fill('form#minutes textarea[name=delegates]', 'Rudi Hartono');
  await submit(page.locator('form#minutes'));
}

let failed = null;
function step(name, fn) {
  it(name, { timeout: 90_000 }, async (t) => {
    if (failed) { t.skip(`earlier step failed: ${failed}`); return; }
    try { await fn(); } catch (error) { failed = name; throw error; }
  });
}

describe('journey: a proposal from rembuk warga to musrenbang kecamatan', () => {
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: run scripts/ensure-chromium.sh`);
    server = await startDemoServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    const context = await browser.newContext({
      locale: 'id-ID', timezoneId: 'Asia/Jakarta', viewport: { width: 412, height: 900 }, javaScriptEnabled: false,
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('response', (r) => { if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`); });
  }, { timeout: 600_000 });

  after(async () => {
    if (page && failed) {
      await mkdir(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, 'musrenbang-failure.png'), fullPage: true }).catch(() => {});
      console.log(`failed at "${failed}" on ${page.url()}; server output:\n${server?.output?.() ?? ''}`);
    }
    await browser?.close();
    await server?.stop();
  });

  step('Bappeda sets up a cycle with every forum open, an OPD, a kamus item and a low ceiling', async () => {
    const token = (await expectApi('POST', '/api/v1/session', null, { username: 'bappeda', password: PASSWORD }, [200])).json.token;
    const cycle = await expectApi('POST', '/api/v1/cycles', token, { tahun_anggaran: YEAR }, [201]);
    cycleId = cycle.json.id;
    const opens = new Date(Date.now() - 86_400_000).toISOString();
    const closes = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (const stage of ['rembuk_warga', 'musrenbang_kelurahan', 'musrenbang_kecamatan']) {
      await expectApi('PUT', `/api/v1/cycles/${cycleId}/stages/${stage}`, token, { opens, closes }, [200, 204]);
    }
    await expectApi('POST', '/api/v1/opd', token, { code: 'E2E.01', name: 'Dinas Uji Peramban' }, [201]);
    await expectApi('POST', '/api/v1/kamus', token, {
      tahun_anggaran: YEAR, code: KAMUS, name: 'Pengaspalan jalan (uji)', unit: 'meter', unit_price: '200.000',
      opd_code: 'E2E.01', bidang: 'infrastruktur_kewilayahan', fisik: 'ya',
    }, [200, 201]);
    await expectApi('PUT', `/api/v1/cycles/${cycleId}/ceilings/${KECAMATAN}`, token, { amount: 5_000_000 }, [200, 204]);
  });

  step('the kepala lingkungan enters three proposals, ranks, records the minutes and finalises', async () => {
    await login('kepling.pasarbaru1');
    await goto('/tasks');
    await page.locator(`a[href="${forum('rembuk_warga', LINGKUNGAN)}"]`).click();
    await page.waitForLoadState('load');
    for (const p of PROPOSALS) {
      await page.locator('a#add-proposal').click();
      await page.waitForLoadState('load');
      const form = page.locator('form#new-proposal');
      await form.locator('input[name=title]').fill(p.title);
      await form.locator('textarea[name=problem]').fill('Jalan berlubang dan tergenang saat hujan');
      await form.locator('select[name=kamus_code]').selectOption(KAMUS);
      await form.locator('input[name=volume]').fill(p.volume);
      await form.locator('input[name=address]').fill(p.title.replace('Pengaspalan ', ''));
      const res = await submit(form);
      assert.equal(res.status(), 303, `submitting ${p.title}`);
    }
    for (const p of PROPOSALS) assert.ok(await row(p.title).count(), `${p.title} is listed`);
    await recordMinutesAndRank();
    await submit(page.locator('form#close-forum'));
    assert.match(await page.locator('#forum-state').innerText(), /Ditutup/);
    await logout();
  });

  step('the operator kelurahan accepts one, shrinks one, rejects one with a reason, ranks and closes', async () => {
    await login('kel.pasarbaru');
    await goto(forum('musrenbang_kelurahan', KELURAHAN));
    await decide(PROPOSALS[0].title, 'accept');
    await decide(PROPOSALS[1].title, 'accept_with_changes', { volume: '10', reason: 'Separuh jalan sudah diaspal swadaya' });
    // The browser refuses an empty reason itself; blanks reach the server, which refuses them.
    const refused = await decide(PROPOSALS[2].title, 'reject', { reason: '   ' });
    assert.equal(refused.status(), 422);
    assert.match(await page.locator('[role=alert]').first().innerText(), /Alasan wajib diisi/);
    await decide(PROPOSALS[2].title, 'reject', { reason: 'Jalan ini kewenangan provinsi' });
    await recordMinutesAndRank();
    await submit(page.locator('form#close-forum'));
    assert.match(await page.locator('#forum-state').innerText(), /Ditutup/);
    await logout();
  });

  step('the operator kecamatan sees two, cannot close over the ceiling, fits the list and closes', async () => {
    await login('kec.medankota');
    await goto(forum('musrenbang_kecamatan', KECAMATAN));
    assert.equal(await page.locator('#forum-proposals > li').count(), 2);
    await decide(PROPOSALS[0].title, 'accept');
    await decide(PROPOSALS[1].title, 'accept');
    await recordMinutesAndRank();
    const over = await submit(page.locator('form#close-forum'));
    assert.equal(over.status(), 422);
    const alert = await page.locator('[role=alert]').first().innerText();
    assert.match(alert, /Rp8\.000\.000/, alert);
    assert.match(alert, /Rp5\.000\.000/, alert);
    await decide(PROPOSALS[0].title, 'accept_with_changes', { volume: '15', reason: 'Disesuaikan dengan pagu kecamatan' });
    await submit(page.locator('form#ranking'), '#save-ranking');
    const closed = await submit(page.locator('form#close-forum'));
    assert.equal(closed.status(), 303);
    assert.match(await page.locator('#forum-state').innerText(), /Ditutup/);
  });

  step('the proposal page shows both stages figures and the whole timeline', async () => {
    await page.locator('#forum-proposals a', { hasText: PROPOSALS[1].title }).click();
    await page.waitForLoadState('load');
    const stages = await page.locator('#stages').innerText();
    assert.match(stages, /20 meter/);
    assert.match(stages, /10 meter/);
    assert.match(stages, /Separuh jalan sudah diaspal swadaya/);
    const timeline = await page.locator('#timeline').innerText();
    for (const what of ['Usulan dicatat', 'Diputuskan', 'Forum ditutup']) assert.match(timeline, new RegExp(what));
    // Each decision says what it decided and why, in the order it was made.
    assert.match(timeline, /Musrenbang kelurahan: Diterima dengan perubahan — 10 meter, Rp\s?[\d.]+ — Alasan: Separuh jalan sudah diaspal swadaya/);
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'musrenbang-proposal.png'), fullPage: true });
    assert.deepEqual(serverErrors, []);
  });
});
