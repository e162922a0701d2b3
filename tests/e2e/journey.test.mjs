// Browser journey through the Kota Medan demo, in Debian's headless Chromium
// driven by playwright-core:
//   login errors and the language switch, the Bappeda admin adding a
//   lingkungan and creating a kelurahan operator, Bappeda keeping an RPJMD
//   priority and importing, browsing and searching the nomenclature on a
//   360-px phone, the operator seeing that lingkungan and being refused the
//   user list, and a DPRD member on a phone recording a reses and entering a
//   pokir in their dapil (refused outside it), which a visitor then reads with
//   the member's name; then, in a cycle of its own prepared over the API, the
//   member's pokir and a kecamatan's proposal reach Dinas PU, whose operator on a
//   phone places both in one Renja line, is refused finalising over the OPD's
//   pagu, trims the line and finalises; Bappeda records the musrenbang RKPD and
//   adopts the RKPD; and a visitor walks from the RKPD line back to both sources.
//
// Run: cargo build -p rencana && node --test tests/e2e/
// (or `make e2e`). Screenshots go to test-results/.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';

import { ROOT, startDemoServer } from './server.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The tests talk to 127.0.0.1 only: a map's tile server does not resolve, as offline.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const RESULTS = path.join(ROOT, 'test-results');

const DEMO_PASSWORD = 'Rencana-Demo-2027';
const ADMIN = 'bappeda';
const KELURAHAN = '12.71.01.1001';
const REGION_PATH = `/regions/${KELURAHAN}`;

const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
const LINGKUNGAN_NUMBER = rand(900, 999);
const LINGKUNGAN_CODE = `${KELURAHAN}.${String(LINGKUNGAN_NUMBER).padStart(3, '0')}`;
const LINGKUNGAN_NAME = `Lingkungan Uji ${LINGKUNGAN_NUMBER}`;
const OPERATOR = `op.uji${rand(10000, 99999)}`;
const OPERATOR_PASSWORD = 'Kelurahan-Uji-2027';
const PRIORITY_CODE = `PU${rand(100, 999)}`;
const PHONE = { width: 360, height: 740 };
// A budget year of its own for the Renja journey (the demo uses 2026 and 2027).
const RENJA_YEAR = 2031;

let server;
let browser;
let context;
let page;
const serverErrors = []; // every response with status >= 500

// --- helpers ---------------------------------------------------------------

const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

function pathOf(p) {
  return new URL(p.url()).pathname;
}

async function goto(p, urlPath) {
  const res = await p.goto(server.url + urlPath, { waitUntil: 'load' });
  assert.ok(res, `no response for ${urlPath}`);
  return res;
}

/** Clicks something that navigates the main frame; resolves once the new page has loaded. */
async function clickAndWait(p, locator) {
  const navigated = p.waitForEvent('framenavigated', { predicate: (f) => f === p.mainFrame() });
  await locator.click();
  await navigated;
  await p.waitForLoadState('load');
}

/**
 * Submits a form with its submit button and waits for the resulting page.
 * Returns the response to the POST (a redirect or a re-rendered page).
 */
async function submitForm(p, formSelector) {
  const form = p.locator(formSelector);
  await form.waitFor();
  const posted = p.waitForResponse((r) => r.request().method() === 'POST' && r.request().frame() === p.mainFrame());
  const navigated = p.waitForEvent('framenavigated', { predicate: (f) => f === p.mainFrame() });
  await form.locator('[type=submit]').first().click();
  const res = await posted;
  await navigated;
  await p.waitForLoadState('load');
  assert.ok(res.status() < 500, `POST ${res.url()} answered ${res.status()}`);
  return res;
}

async function htmlLang(p) {
  return p.locator('html').getAttribute('lang');
}

async function login(p, username, password) {
  await goto(p, '/login');
  await p.fill('form#login input[name=username]', username);
  await p.fill('form#login input[name=password]', password);
  return submitForm(p, 'form#login');
}

async function logout(p) {
  await submitForm(p, 'form#logout');
  assert.equal(pathOf(p), '/login', 'logout should land on /login');
}

/** The page must not scroll sideways at the current (phone) width. */
async function fitsTheScreen(p) {
  const { scroll, width } = await p.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${pathOf(p)} is ${scroll} px wide on a ${width}-px screen`);
}

/** A JSON API call (a body of text is sent as CSV). */
async function api(method, urlPath, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (typeof body === 'string') {
    headers['content-type'] = 'text/csv';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(server.url + urlPath, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function tokenOf(username) {
  const res = await api('POST', '/api/v1/session', null, { username, password: DEMO_PASSWORD });
  assert.equal(res.status, 200, res.text);
  return res.json().token;
}

function ok(res, what) {
  assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text}`);
  return res;
}

/** A window from `opensMinutes` to `closesMinutes` from now. */
function window(opensMinutes, closesMinutes) {
  const at = (m) => new Date(Date.now() + m * 60_000).toISOString();
  return { opens: at(opensMinutes), closes: at(closesMinutes) };
}

async function screenshot(p, name) {
  await mkdir(RESULTS, { recursive: true });
  await p.screenshot({ path: path.join(RESULTS, name), fullPage: true });
}

// Steps depend on each other: once one fails, the rest are skipped instead of
// failing with confusing follow-up errors.
let failedStep = null;
function step(name, fn, timeout = 60_000) {
  it(name, { timeout }, async (t) => {
    if (failedStep) {
      t.skip(`earlier step failed: ${failedStep}`);
      return;
    }
    try {
      await fn(t);
    } catch (err) {
      failedStep = name;
      throw err;
    }
  });
}

// --- the journey -------------------------------------------------------------

describe('journey: Bappeda admin and kelurahan operator (Kota Medan demo)', () => {
  before(
    async () => {
      assert.ok(
        existsSync(CHROMIUM),
        `${CHROMIUM} not found: run scripts/ensure-chromium.sh (apt-get install -y chromium)`,
      );
      server = await startDemoServer();
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
      context = await browser.newContext({
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
        viewport: { width: 1280, height: 900 },
      });
      context.setDefaultTimeout(15_000);
      context.setDefaultNavigationTimeout(30_000);
      page = await context.newPage();
      page.on('response', (r) => {
        if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
    },
    { timeout: 600_000 },
  );

  after(
    async () => {
      if (page && failedStep) {
        await screenshot(page, 'journey-failure.png').catch(() => {});
        console.log(`failed at "${failedStep}" on ${page.url()}; screenshot: test-results/journey-failure.png`);
        if (server) console.log(`--- last server output ---\n${server.output()}`);
      }
      await browser?.close().catch(() => {});
      await server?.stop();
    },
    { timeout: 30_000 },
  );

  step('login page is Indonesian with the login form', async () => {
    const res = await goto(page, '/login');
    assert.equal(res.status(), 200);
    assert.equal(await htmlLang(page), 'id');
    for (const sel of [
      'form#login input[name=username]',
      'form#login input[name=password]',
      'form#login button[type=submit]',
    ]) {
      assert.equal(await page.locator(sel).count(), 1, `expected exactly one ${sel}`);
    }
    assert.equal(norm(await page.locator('form#login button[type=submit]').textContent()), 'Masuk');
  });

  step('wrong password: 401 with an Indonesian alert', async () => {
    const res = await login(page, ADMIN, 'salah-sekali-123');
    assert.equal(res.status(), 401);
    const alert = page.locator('[role=alert]', { hasText: 'Nama pengguna atau kata sandi salah' });
    await alert.first().waitFor();
    assert.equal(await page.locator('form#login').count(), 1, 'login form shown again');
  });

  step('language switch to English and back', async () => {
    await goto(page, '/login');
    await clickAndWait(page, page.locator('a[hreflang=en]').first());
    assert.equal(await htmlLang(page), 'en');
    assert.equal(norm(await page.locator('form#login button[type=submit]').textContent()), 'Log in');

    await clickAndWait(page, page.locator('a[hreflang=id]').first());
    assert.equal(await htmlLang(page), 'id');
    assert.equal(norm(await page.locator('form#login button[type=submit]').textContent()), 'Masuk');
  });

  step('Bappeda admin logs in and lands on the pemda home', async () => {
    await login(page, ADMIN, DEMO_PASSWORD);
    assert.equal(pathOf(page), '/');
    assert.ok(norm(await page.locator('#whoami').textContent()).includes(ADMIN), '#whoami shows the admin');
    assert.equal(await page.locator('form#logout [type=submit]').count(), 1, 'logout button in the header');
    assert.equal(await htmlLang(page), 'id');
  });

  step('adding a lingkungan with a non-numeric number is refused with an alert', async () => {
    const res = await goto(page, REGION_PATH);
    assert.equal(res.status(), 200);
    await page.locator('form#add-lingkungan').waitFor();
    // Bypass the browser's own validation (type=number, pattern, required) so
    // that the server's validation is what gets tested.
    await page.locator('form#add-lingkungan').evaluate((form) => {
      form.noValidate = true;
      const number = form.querySelector('input[name=number]');
      number.type = 'text';
      for (const a of ['pattern', 'min', 'max', 'maxlength', 'minlength', 'inputmode']) number.removeAttribute(a);
      number.value = 'abc';
    });
    await page.fill('form#add-lingkungan input[name=name]', 'Lingkungan Salah');
    const post = await submitForm(page, 'form#add-lingkungan');
    assert.ok(post.status() >= 400 && post.status() < 500, `expected a 4xx for number=abc, got ${post.status()}`);
    await page.locator('[role=alert]', { hasText: 'Nomor' }).first().waitFor();
  });

  step(`Bappeda admin adds ${LINGKUNGAN_CODE}`, async () => {
    await goto(page, REGION_PATH);
    await page.fill('form#add-lingkungan input[name=number]', String(LINGKUNGAN_NUMBER));
    await page.fill('form#add-lingkungan input[name=name]', LINGKUNGAN_NAME);
    await submitForm(page, 'form#add-lingkungan');
    assert.equal(pathOf(page), REGION_PATH, 'redirected back to the kelurahan page');
    const row = page.locator('table#children tr', { hasText: LINGKUNGAN_CODE });
    assert.equal(await row.count(), 1, `one row for ${LINGKUNGAN_CODE} in table#children`);
    assert.ok(norm(await row.textContent()).includes(LINGKUNGAN_NAME), 'row shows the name');
  });

  step(`Bappeda admin creates operator ${OPERATOR}`, async () => {
    const res = await goto(page, '/users/new');
    assert.equal(res.status(), 200);
    await page.fill('form#new-user input[name=username]', OPERATOR);
    await page.fill('form#new-user input[name=name]', 'Operator Uji Pasar Baru');
    await page.fill('form#new-user input[name=password]', OPERATOR_PASSWORD);
    await page.selectOption('form#new-user select[name=role]', 'operator_kelurahan');
    await page.fill('form#new-user input[name=scope]', KELURAHAN);
    await submitForm(page, 'form#new-user');
    assert.equal(pathOf(page), '/users', 'redirected to the user list');
    assert.ok(norm(await page.locator('table#users').textContent()).includes(OPERATOR), 'new user listed');
  });

  step(`on a phone, Bappeda keeps RPJMD priority ${PRIORITY_CODE}`, async () => {
    await page.setViewportSize(PHONE);
    await goto(page, '/prioritas');
    await fitsTheScreen(page);
    await page.fill('form#new-priority input[name=code]', PRIORITY_CODE);
    await page.fill('form#new-priority input[name=name]', 'Jalan lingkungan yang mantap');
    await page.fill('form#new-priority textarea[name=sasaran]', 'Meningkatnya jalan dalam kondisi baik\nBerkurangnya genangan');
    await submitForm(page, 'form#new-priority');
    assert.equal(pathOf(page), '/prioritas');
    const item = page.locator('#priorities li', { hasText: PRIORITY_CODE });
    assert.ok(norm(await item.first().textContent()).includes('Berkurangnya genangan'));
    await fitsTheScreen(page);
  });

  step('on a phone, Bappeda walks the nomenclature down to a sub kegiatan and searches it', async () => {
    await goto(page, '/nomenklatur?tahun=2027');
    await fitsTheScreen(page);
    for (const code of ['1', '1.03', '1.03.06', '1.03.06.2.01']) {
      await clickAndWait(page, page.locator(`#nomenclature-items a[href$="kode=${code}"]`));
      await fitsTheScreen(page);
    }
    assert.ok(norm(await page.locator('#nomenclature-path').textContent()).includes('PEKERJAAN UMUM'));
    const sub = page.locator('#nomenclature-items li').first();
    assert.ok(norm(await sub.textContent()).includes('Indikator'), 'a sub kegiatan shows its output indicator');
    await page.fill('form#nomenclature-search input[name=q]', 'drainase');
    await clickAndWait(page, page.locator('form#nomenclature-search [type=submit]'));
    assert.ok((await page.locator('#nomenclature-items li').count()) >= 3, 'drainase is found');
    await fitsTheScreen(page);
    await screenshot(page, 'journey-nomenclature-phone.png');
  });

  step('a nomenclature CSV with a broken row is refused whole; the right one goes in', async () => {
    await goto(page, '/nomenklatur?tahun=2031');
    const broken = 'kode;nama;indikator;satuan\n1;URUSAN WAJIB;;\n1.03;BIDANG PU;;\n1.03.10;PROGRAM PENYELENGGARAAN JALAN;;\n1.03.10.2.01;Penyelenggaraan Jalan;;\n1.03.10.2.01.0001;Pembangunan Jalan;;\n';
    await page.setInputFiles('form#upload-nomenclature input[name=file]', {
      name: 'nomenklatur.csv', mimeType: 'text/csv', buffer: Buffer.from(broken),
    });
    const refused = await submitForm(page, 'form#upload-nomenclature');
    assert.equal(refused.status(), 422);
    await page.locator('[role=alert]', { hasText: 'Baris 5' }).first().waitFor();
    await fitsTheScreen(page);
    const good = broken.replace('Pembangunan Jalan;;', 'Pembangunan Jalan;Panjang Jalan yang Dibangun;Km');
    await page.setInputFiles('form#upload-nomenclature input[name=file]', {
      name: 'nomenklatur.csv', mimeType: 'text/csv', buffer: Buffer.from(good),
    });
    await submitForm(page, 'form#upload-nomenclature');
    assert.ok(norm(await page.locator('main').textContent()).includes('5 entri nomenklatur tahun anggaran 2031 disimpan'));
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('Bappeda admin logs out', async () => {
    await logout(page);
  });

  step('the new operator logs in and sees the new lingkungan, without the add form', async () => {
    await login(page, OPERATOR, OPERATOR_PASSWORD);
    assert.equal(pathOf(page), '/');
    assert.ok(norm(await page.locator('#whoami').textContent()).includes(OPERATOR), '#whoami shows the operator');

    await clickAndWait(page, page.locator(`a[href$="${REGION_PATH}"]`).first());
    assert.equal(pathOf(page), REGION_PATH);
    const row = page.locator('table#children tr', { hasText: LINGKUNGAN_CODE });
    assert.equal(await row.count(), 1, `operator sees ${LINGKUNGAN_CODE}`);
    assert.ok(norm(await row.textContent()).includes(LINGKUNGAN_NAME));
    assert.equal(await page.locator('form#add-lingkungan').count(), 0, 'only Bappeda may add lingkungan');
    await screenshot(page, 'journey-operator-region.png');
  });

  step('the operator is refused the user list (403)', async () => {
    const res = await goto(page, '/users');
    assert.equal(res.status(), 403);
    await screenshot(page, 'journey-final.png');
  });

  step('on a phone, a DPRD member records a reses in their dapil', async () => {
    await goto(page, '/');
    await logout(page);
    await page.setViewportSize(PHONE);
    await login(page, 'dprd.demo', DEMO_PASSWORD);
    await goto(page, '/pokir');
    await fitsTheScreen(page);
    assert.ok(norm(await page.locator('#member').textContent()).includes('MEDAN-1'));
    await page.fill('form#record-reses input[name=date]', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await page.fill('form#record-reses input[name=place]', 'Masjid Al-Ikhlas');
    await page.selectOption('form#record-reses select[name=kelurahan]', '12.71.01.1001');
    await page.fill('form#record-reses input[name=attendees]', '52');
    await page.fill('form#record-reses textarea[name=minutes]', 'Reses masa sidang II bersama warga.');
    await page.fill('form#record-reses textarea[name=aspirations]', 'Drainase Gang Uji tersumbat\nLampu jalan Gang Uji padam');
    await submitForm(page, 'form#record-reses');
    assert.equal(pathOf(page), '/pokir');
    assert.ok(norm(await page.locator('#reses').textContent()).includes('Drainase Gang Uji tersumbat'));
    await fitsTheScreen(page);
  });

  let pokirUrl;
  step('the member is refused a pokir outside the dapil, then enters it inside', async () => {
    const source = await page.locator('form#submit-pokir select[name=source] option', { hasText: 'Drainase Gang Uji' }).first().getAttribute('value');
    await page.selectOption('form#submit-pokir select[name=source]', source);
    await page.fill('form#submit-pokir input[name=title]', 'Normalisasi drainase Gang Uji');
    await page.fill('form#submit-pokir textarea[name=problem]', 'Saluran tersumbat, air meluap ke rumah warga.');
    await page.selectOption('form#submit-pokir select[name=kamus_code]', 'PU-005');
    await page.fill('form#submit-pokir input[name=volume]', '80');
    await page.fill('form#submit-pokir input[name=lingkungan]', '12.71.20.1001.001');
    await page.fill('form#submit-pokir input[name=address]', 'Gg. Uji, Jl. Halat');
    await page.selectOption('form#submit-pokir select[name=priority]', 'P1');
    const refused = await submitForm(page, 'form#submit-pokir');
    assert.equal(refused.status(), 422);
    await page.locator('[role=alert]', { hasText: 'di luar dapil' }).first().waitFor();
    await fitsTheScreen(page);
    await page.fill('form#submit-pokir input[name=lingkungan]', '12.71.01.1001.002');
    await submitForm(page, 'form#submit-pokir');
    const link = page.locator('#pokir a', { hasText: 'Normalisasi drainase Gang Uji' });
    assert.equal(await link.count(), 1, 'the pokir is listed');
    pokirUrl = await link.getAttribute('href');
    await screenshot(page, 'journey-pokir-phone.png');
    await logout(page);
  });

  step('a visitor reads the pokir with the member, fraksi and dapil', async () => {
    const res = await goto(page, pokirUrl);
    assert.equal(res.status(), 200);
    const box = norm(await page.locator('#pokir').textContent());
    assert.ok(box.includes('Anggota DPRD (demo)') && box.includes('MEDAN-1'), box);
    assert.ok(box.includes('Drainase Gang Uji tersumbat'), box);
    await fitsTheScreen(page);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  // --- the Renja journey, in a cycle of its own -------------------------------

  let renjaCycle;
  let forwardedId;
  step('Bappeda prepares a cycle over the API in which a kecamatan forwards a proposal to Dinas PU', async () => {
    const admin = await tokenOf(ADMIN);
    const cycle = ok(await api('POST', '/api/v1/cycles', admin, { tahun_anggaran: RENJA_YEAR }), 'cycle');
    renjaCycle = cycle.json().id;
    for (const stage of ['musrenbang_kecamatan', 'pokir', 'forum_opd']) {
      ok(await api('PUT', `/api/v1/cycles/${renjaCycle}/stages/${stage}`, admin, window(-24 * 60, 30 * 24 * 60)), stage);
    }
    const nomenclature = 'kode;nama;indikator;satuan\n'
      + '1;URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR;;\n'
      + '1.03;URUSAN PEMERINTAHAN BIDANG PEKERJAAN UMUM DAN PENATAAN RUANG;;\n'
      + '1.03.06;PROGRAM PENGELOLAAN DAN PENGEMBANGAN SISTEM DRAINASE;;\n'
      + '1.03.06.2.01;Pengelolaan dan Pengembangan Sistem Drainase;;\n'
      + '1.03.06.2.01.0012;Pembangunan Sistem Drainase Lingkungan;Panjang Saluran Drainase Lingkungan yang Dibangun;Km\n';
    ok(await api('POST', `/api/v1/nomenclature/import?tahun=${RENJA_YEAR}`, admin, nomenclature), 'nomenclature');
    ok(await api('POST', '/api/v1/kamus', admin, {
      tahun_anggaran: RENJA_YEAR,
      items: [{ code: 'PU-005', name: 'Normalisasi saluran drainase', unit: 'meter', unit_price: 250000,
        opd_code: '1.03.01', bidang: 'infrastruktur_kewilayahan', fisik: true, sub_kegiatan: '1.03.06.2.01.0012' }],
    }), 'kamus');
    ok(await api('PUT', `/api/v1/cycles/${renjaCycle}/ceilings/12.71.01`, admin, { amount: 1_000_000_000 }), 'ceiling');
    ok(await api('PUT', `/api/v1/cycles/${renjaCycle}/opd-ceilings/1.03.01`, admin, { amount: '30.000.000' }), 'opd ceiling');
    const camat = await tokenOf('kec.medankota');
    const raised = ok(await api('POST', '/api/v1/proposals', camat, {
      cycle_id: renjaCycle, stage: 'musrenbang_kecamatan', title: 'Saluran drainase Jl. Uji Kecamatan',
      problem: 'Air tergenang setiap hujan deras.', kamus_code: 'PU-005', volume: '40',
      lingkungan: '12.71.01.1001.003', address: 'Jl. Uji Kecamatan', track: 'apbd', priority: 'P1',
    }), 'proposal');
    forwardedId = raised.json().id;
    ok(await api('POST', `/api/v1/proposals/${forwardedId}/decisions`, camat, { stage: 'musrenbang_kecamatan', decision: 'accept' }), 'decision');
    const forum = `/api/v1/forums/${renjaCycle}/musrenbang_kecamatan/12.71.01`;
    ok(await api('PUT', `${forum}/ranking`, camat, { order: [forwardedId] }), 'ranking');
    ok(await api('PUT', `${forum}/minutes`, camat, { date: new Date().toISOString().slice(0, 10), place: 'Kantor Camat',
      chair: 'Camat Medan Tuntungan', attendees: [{ name: 'Camat', role: 'ketua' }], delegates: ['Delegasi Uji'] }), 'minutes');
    ok(await api('POST', `${forum}/close`, camat), 'close');
  });

  let renjaPokir;
  step('on a phone, the DPRD member enters a pokir for Dinas PU in that cycle', async () => {
    await page.setViewportSize(PHONE);
    await login(page, 'dprd.demo', DEMO_PASSWORD);
    await goto(page, `/pokir?cycle=${renjaCycle}`);
    await page.fill('form#record-reses input[name=date]', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await page.fill('form#record-reses input[name=place]', 'Balai Warga Uji');
    await page.selectOption('form#record-reses select[name=kelurahan]', '12.71.01.1001');
    await page.fill('form#record-reses input[name=attendees]', '40');
    await page.fill('form#record-reses textarea[name=minutes]', 'Reses bersama warga.');
    await page.fill('form#record-reses textarea[name=aspirations]', 'Parit Gang Renja meluap');
    await submitForm(page, 'form#record-reses');
    const source = await page.locator('form#submit-pokir select[name=source] option', { hasText: 'Parit Gang Renja' }).first().getAttribute('value');
    await page.selectOption('form#submit-pokir select[name=source]', source);
    await page.fill('form#submit-pokir input[name=title]', 'Parit Gang Renja');
    await page.fill('form#submit-pokir textarea[name=problem]', 'Parit meluap ke rumah warga.');
    await page.selectOption('form#submit-pokir select[name=kamus_code]', 'PU-005');
    await page.fill('form#submit-pokir input[name=volume]', '60');
    await page.fill('form#submit-pokir input[name=lingkungan]', '12.71.01.1001.002');
    await page.fill('form#submit-pokir input[name=address]', 'Gg. Renja');
    await page.selectOption('form#submit-pokir select[name=priority]', 'P1');
    await submitForm(page, 'form#submit-pokir');
    const link = page.locator('#pokir a', { hasText: 'Parit Gang Renja' });
    assert.equal(await link.count(), 1, 'the pokir is listed');
    renjaPokir = (await link.getAttribute('href')).split('/').pop();
    await logout(page);
  });

  let lineHref;
  step('on a phone, the OPD operator places both in one Renja line and is refused finalising over the pagu', async () => {
    await login(page, 'opd.pupr', DEMO_PASSWORD);
    const renja = `/renja/${renjaCycle}/1.03.01`;
    await goto(page, renja);
    await fitsTheScreen(page);
    assert.equal(await page.locator('#renja-items li').count(), 2, 'the pokir and the forwarded proposal wait');
    await page.fill('form#line-form input[name=sub_kegiatan]', '1.03.06.2.01.0012');
    await page.fill('form#line-form input[name=locations]', '12.71.01');
    await page.fill('form#line-form input[name=output_description]', 'Panjang saluran drainase lingkungan');
    await page.fill('form#line-form input[name=output_target]', '0,1');
    await page.fill('form#line-form input[name=output_unit]', 'Km');
    await page.fill('form#line-form input[name=outcome_description]', 'Genangan berkurang');
    await page.fill('form#line-form input[name=outcome_target]', '80');
    await page.fill('form#line-form input[name=outcome_unit]', 'persen');
    await page.fill('form#line-form input[name=pagu]', '45.000.000');
    await page.selectOption('form#line-form select[name=funding]', 'dau');
    await page.fill('form#line-form input[name=prakiraan_maju]', '0');
    await submitForm(page, 'form#line-form');
    assert.equal(pathOf(page), renja);
    lineHref = await page.locator('#renja-lines a').first().getAttribute('href');
    const lineId = lineHref.split('/').pop();
    for (const id of [renjaPokir, forwardedId]) {
      const item = page.locator(`#p-${id}`);
      await item.locator('details.decide summary').click();
      await item.locator('input[name=decision][value=accept]').check();
      await item.locator('select[name=line]').selectOption(lineId);
      // Decided in place (htmx): no page load; the card, the totals and the lines are swapped.
      const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/decide/${id}`));
      await item.locator('form.decide-form [type=submit]').click();
      const res = await posted;
      assert.ok(res.status() < 400, `deciding ${id}: ${res.status()}`);
      await page.locator(`#p-${id} .status`, { hasText: 'Diterima' }).waitFor();
    }
    assert.equal(norm(await page.locator('#renja-lines').textContent()).includes('Usulan dimuat: 2'), true);
    await page.fill('form#minutes input[name=date]', new Date().toISOString().slice(0, 10));
    await page.fill('form#minutes input[name=place]', 'Aula Dinas PU');
    await page.fill('form#minutes input[name=chair]', 'Kepala Dinas PU');
    await page.fill('form#minutes textarea[name=attendees]', 'Kepala Dinas PU, ketua\nDelegasi Uji, delegasi kecamatan');
    await submitForm(page, 'form#minutes');
    const refused = await submitForm(page, 'form#finalise-renja');
    assert.equal(refused.status(), 422);
    const alert = norm(await page.locator('[role=alert]').textContent());
    assert.ok(alert.includes('Rp45.000.000') && alert.includes('Rp30.000.000'), alert);
    await fitsTheScreen(page);
    await screenshot(page, 'journey-renja-over-pagu-phone.png');
  });

  step('the operator trims the line to the pagu and finalises the Renja', async () => {
    await goto(page, lineHref);
    await fitsTheScreen(page);
    await page.fill('form#line-form input[name=pagu]', '27.500.000');
    await submitForm(page, 'form#line-form');
    await submitForm(page, 'form#finalise-renja');
    assert.equal(norm(await page.locator('#renja-state').textContent()), 'Renja final');
    await logout(page);
  });

  step('on a phone, Bappeda records the musrenbang RKPD and adopts the RKPD', async () => {
    const admin = await tokenOf(ADMIN);
    ok(await api('PUT', `/api/v1/cycles/${renjaCycle}/stages/pokir`, admin, window(-24 * 60, -1)), 'pokir closes');
    for (const stage of ['musrenbang_rkpd', 'penetapan']) {
      ok(await api('PUT', `/api/v1/cycles/${renjaCycle}/stages/${stage}`, admin, window(-1, 30 * 24 * 60)), stage);
    }
    await login(page, ADMIN, DEMO_PASSWORD);
    await goto(page, `/rkpd/${renjaCycle}`);
    await fitsTheScreen(page);
    await page.fill('form#rkpd-musrenbang-form input[name=date]', new Date().toISOString().slice(0, 10));
    await page.fill('form#rkpd-musrenbang-form input[name=place]', 'Balai Kota Medan');
    await page.fill('form#rkpd-musrenbang-form input[name=chair]', 'Wali Kota Medan');
    await page.fill('form#rkpd-musrenbang-form textarea[name=attendees]', 'Kepala Bappeda, sekretaris');
    await page.locator('form#rkpd-musrenbang-form input[name=priority][value=P1]').check();
    await submitForm(page, 'form#rkpd-musrenbang-form');
    await page.fill('form#rkpd-adopt-form input[name=number]', `Perkada Nomor 9 Tahun ${RENJA_YEAR - 1}`);
    await page.fill('form#rkpd-adopt-form input[name=date]', new Date().toISOString().slice(0, 10));
    await submitForm(page, 'form#rkpd-adopt-form');
    const adopted = norm(await page.locator('#rkpd-adopted').textContent());
    assert.ok(adopted.includes('Rp27.500.000'), adopted);
    assert.equal(await page.locator('form#rkpd-adopt-form').count(), 0, 'nothing more to adopt');
    await fitsTheScreen(page);
    await screenshot(page, 'journey-rkpd-adopted-phone.png');
    await logout(page);
  });

  step('a visitor walks from the RKPD line back to the pokir and the kecamatan proposal', async () => {
    await goto(page, `/rkpd/${renjaCycle}`);
    await clickAndWait(page, page.locator('#rkpd-lines li.line a').first());
    await fitsTheScreen(page);
    const sources = norm(await page.locator('#line-sources').textContent());
    assert.ok(sources.includes('Parit Gang Renja') && sources.includes('dari reses'), sources);
    assert.ok(sources.includes('Saluran drainase Jl. Uji Kecamatan') && sources.includes('Musrenbang kecamatan: Diterima'), sources);
    await clickAndWait(page, page.locator('#line-sources a', { hasText: 'Saluran drainase Jl. Uji Kecamatan' }));
    assert.equal(pathOf(page), `/proposals/${forwardedId}`);
    assert.equal(await page.locator(`#outcome a[href="${lineHref}"]`).count(), 1, 'the proposal leads forward to its line');
    await fitsTheScreen(page);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('no request answered with a 5xx', async () => {
    assert.deepEqual(serverErrors, []);
  });
});
