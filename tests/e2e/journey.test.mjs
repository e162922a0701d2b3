// Browser journey through the Kota Medan demo, in Debian's headless Chromium
// driven by playwright-core:
//   login errors and the language switch, the Bappeda admin adding a
//   lingkungan and creating a kelurahan operator, Bappeda keeping an RPJMD
//   priority and importing, browsing and searching the nomenclature on a
//   360-px phone, the operator seeing that lingkungan and being refused the
//   user list, and a DPRD member on a phone recording a reses and entering a
//   pokir in their dapil (refused outside it), which a visitor then reads with
//   the member's name.
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
    { timeout: 240_000 },
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

  step('no request answered with a 5xx', async () => {
    assert.deepEqual(serverErrors, []);
  });
});
