// Browser journey of proposals gathered on paper, in Debian's headless Chromium on a 360-px
// phone: the kelurahan operator downloads the forum's Excel template, fills it (one row wrong),
// uploads it, reads the report naming the row and the column, fixes the row, imports all; a
// visitor then opens an imported proposal, follows its timeline entry to the transparency log
// and reads that its inclusion proof matches the signed checkpoint. Then the forum's berita
// acara is printed as a PDF, and a visitor checks that file (and an altered copy) against the
// record of prints, from the page that explains how.
//
// Run: cargo build -p rencana && node --test tests/e2e/documents.test.mjs

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import { chromium } from 'playwright-core';

import { ROOT, startDemoServer } from './server.mjs';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const RESULTS = path.join(ROOT, 'test-results');
const DEMO_PASSWORD = 'Rencana-Demo-2027';
const YEAR = 2033;
const PHONE = { width: 360, height: 740 };

let server;
let browser;
let page;
/** The cycle the first journey opens, which the second prints from. */
let cycleId;
const serverErrors = [];

async function api(method, urlPath, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(server.url + urlPath, { method, headers, body: payload });
  const text = await res.text();
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${urlPath}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function clickAndWait(locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await locator.click();
  await navigated;
  await page.waitForLoadState('load');
}

async function fitsTheScreen() {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${page.url()} is ${scroll} px wide on a ${width}-px screen`);
}

/** The template with `rows` typed into its first sheet, as a person would in a spreadsheet. */
async function fill(template, rows) {
  const zip = await JSZip.loadAsync(template);
  const name = 'xl/worksheets/sheet1.xml';
  const xml = await zip.file(name).async('string');
  const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const letters = 'ABCDEFGHIJ';
  const body = rows.map((row, i) => {
    const r = i + 2;
    const cells = row.map((v, c) => (typeof v === 'number'
      ? `<c r="${letters[c]}${r}"><v>${v}</v></c>`
      : `<c r="${letters[c]}${r}" t="inlineStr"><is><t>${escape(v)}</t></is></c>`)).join('');
    return `<row r="${r}">${cells}</row>`;
  }).join('');
  const filled = xml.replace('</sheetData>', `${body}</sheetData>`).replace(/<dimension ref="[^"]*"\/>/, '');
  zip.file(name, filled);
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('proposals from paper, and a print of the record checked', () => {
  before(async () => {
    server = await startDemoServer(['--checkpoint-every', '2']);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
    page = await context.newPage();
    page.on('response', (res) => { if (res.status() >= 500) serverErrors.push(`${res.status()} ${res.url()}`); });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(serverErrors, [], 'no server errors');
  });

  it('imports a filled template all or nothing, then a visitor checks an imported proposal in the log', async () => {
    const session = await api('POST', '/api/v1/session', null, { username: 'bappeda', password: DEMO_PASSWORD });
    const admin = session.token;
    const cycle = (await api('POST', '/api/v1/cycles', admin, { tahun_anggaran: YEAR })).id;
    cycleId = cycle;
    const at = (m) => new Date(Date.now() + m * 60_000).toISOString();
    await api('PUT', `/api/v1/cycles/${cycle}/stages/musrenbang_kelurahan`, admin, { opens: at(-60), closes: at(60 * 24) });
    await api('POST', '/api/v1/kamus', admin, {
      tahun_anggaran: YEAR,
      items: [{ code: 'PU-009', name: 'Pengerasan jalan lingkungan', unit: 'meter', unit_price: 200000,
        opd_code: '1.03.01', bidang: 'infrastruktur_kewilayahan', fisik: true }],
    });
    const forum = `/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001`;

    await page.goto(`${server.url}/login`);
    await page.fill('form#login input[name=username]', 'kel.pasarbaru');
    await page.fill('form#login input[name=password]', DEMO_PASSWORD);
    await clickAndWait(page.locator('form#login button[type=submit]'));
    await page.goto(server.url + forum);
    await clickAndWait(page.locator('#import-link'));
    await fitsTheScreen();

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#template-download')]);
    const template = await readFile(await download.path());
    const rows = (volume) => [
      ['Pengerasan Gang Melati', 'Jalan tanah becek', 'PU-009', 30, '12.71.01.1001.001', 'Gg. Melati', '', '', '', ''],
      ['Pengerasan Gang Kenanga', 'Jalan berlubang', 'PU-009', volume, '12.71.01.1001.002', 'Gg. Kenanga', '', '', '', ''],
      ['Pengerasan Gang Dahlia', 'Genangan air', 'PU-009', 12.5, '12.71.01.1001.003', 'Gg. Dahlia', '', '', '', ''],
    ];
    await mkdir(RESULTS, { recursive: true });
    const wrong = path.join(RESULTS, 'usulan-salah.xlsx');
    await (await import('node:fs/promises')).writeFile(wrong, await fill(template, rows('banyak')));
    await page.setInputFiles('#import-file', wrong);
    await page.click('#import-submit');
    await page.waitForSelector('#refused-rows');
    const report = (await page.locator('#refused-rows').innerText()).replace(/\s+/g, ' ');
    assert.match(report, /3 volume Volume \(Baris 3\)/, report);
    assert.equal(await page.locator('#refused-rows tbody tr').count(), 1, 'one mistake, one row of the report');
    await fitsTheScreen();
    await page.screenshot({ path: path.join(RESULTS, 'import-report.png'), fullPage: true });
    const none = await (await fetch(`${server.url}/api/v1/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001`)).json();
    assert.equal(none.entries, 0, 'nothing was imported');

    const fixed = path.join(RESULTS, 'usulan-benar.xlsx');
    await (await import('node:fs/promises')).writeFile(fixed, await fill(template, rows(20)));
    await page.setInputFiles('#import-file', fixed);
    const landed = page.waitForURL((url) => url.pathname === forum);
    await page.click('#import-submit');
    await landed;
    assert.match(await page.locator('body').innerText(), /3 usulan diimpor ke forum ini atas nama Anda/);
    const all = await (await fetch(`${server.url}/api/v1/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001`)).json();
    assert.equal(all.entries, 3);

    // A visitor, logged out, follows an imported proposal's timeline into the log.
    await page.context().clearCookies();
    const proposal = all.items.find((i) => i.title === 'Pengerasan Gang Dahlia');
    await page.goto(`${server.url}/proposals/${proposal.id ?? proposal.proposal_id}`);
    await clickAndWait(page.locator('#timeline a').first());
    assert.match(new URL(page.url()).pathname, /^\/audit\/entry$/);
    // Checkpoints come every two seconds here: wait for the one that holds the event.
    for (let i = 0; i < 30 && !(await page.locator('#inclusion .ok').count()); i += 1) {
      await new Promise((r) => setTimeout(r, 1_000));
      await page.reload();
    }
    assert.match(await page.locator('#inclusion .ok').innerText(), /Bukti inklusi cocok dengan akar checkpoint/);
    await fitsTheScreen();
    await page.screenshot({ path: path.join(RESULTS, 'log-entry.png'), fullPage: true });
  });

  it('prints the berita acara, and a visitor checks the file and an altered copy against the record', async () => {
    const operator = (await api('POST', '/api/v1/session', null, { username: 'kel.pasarbaru', password: DEMO_PASSWORD })).token;
    const cycle = cycleId;
    assert.ok(cycle, 'the first journey opened the cycle');
    const forumApi = `/api/v1/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001`;
    const forum = await api('GET', forumApi, operator);
    for (const item of forum.items) {
      await api('POST', `/api/v1/proposals/${item.id ?? item.proposal_id}/decisions`, operator,
        { stage: 'musrenbang_kelurahan', decision: 'accept' });
    }
    await api('PUT', `${forumApi}/minutes`, operator, {
      date: '2033-02-03', place: 'Aula Kantor Lurah Pasar Baru', chair: 'Lurah Pasar Baru',
      attendees: [{ name: 'Lurah Pasar Baru', role: 'Pimpinan' }, { name: 'Sri Hutagalung', role: 'Kepala lingkungan' }],
      delegates: ['Sri Hutagalung'],
    });

    // The operator prints the berita acara from the forum page.
    await page.goto(`${server.url}/login`);
    await page.fill('form#login input[name=username]', 'kel.pasarbaru');
    await page.fill('form#login input[name=password]', DEMO_PASSWORD);
    await clickAndWait(page.locator('form#login button[type=submit]'));
    await page.goto(`${server.url}/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001`);
    await fitsTheScreen();
    // The link opens the PDF in the phone's viewer; the file is fetched as that tap fetches it.
    const link = page.locator('#print-berita-acara');
    assert.match(await link.innerText(), /Cetak berita acara/);
    const printed = await page.request.get(new URL(await link.getAttribute('href'), page.url()).href);
    assert.equal(printed.status(), 200);
    assert.equal(printed.headers()['content-type'], 'application/pdf');
    const pdf = await printed.body();
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const file = path.join(RESULTS, 'berita-acara.pdf');
    await writeFile(file, pdf);
    const altered = Buffer.from(pdf);
    altered[Math.floor(altered.length / 2)] ^= 1;
    const alteredFile = path.join(RESULTS, 'berita-acara-diubah.pdf');
    await writeFile(alteredFile, altered);

    // Once signed on paper, the berita acara's scan goes back to its forum, kept as it is.
    const scan = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ditandatangani\nxref\n0 1\ntrailer << >>\nstartxref\n9\n%%EOF\n');
    const scanFile = path.join(RESULTS, 'berita-acara-ttd.pdf');
    await writeFile(scanFile, scan);
    await page.setInputFiles('#scan-file', scanFile);
    await clickAndWait(page.locator('#scan-upload button[type=submit]'));
    const scanHash = createHash('sha256').update(scan).digest('hex');
    assert.match(await page.locator('#pindaian').innerText(), new RegExp(scanHash));
    await fitsTheScreen();

    // A visitor, logged out, finds the check through the page that explains it.
    await page.context().clearCookies();
    await page.goto(`${server.url}/audit/cara-memeriksa`);
    await clickAndWait(page.locator('#dokumen a[href="/dokumen/periksa"]'));
    await fitsTheScreen();
    await page.setInputFiles('#check-file-input', file);
    await clickAndWait(page.locator('#check-file button[type=submit]'));
    assert.match(await page.locator('#verdict').innerText(), /Cocok/);
    assert.equal(await page.locator('.document-record .sha256').innerText(), sha256);
    await fitsTheScreen();
    await page.screenshot({ path: path.join(RESULTS, 'document-check.png'), fullPage: true });

    // The record's page: its entry in the journal, whose proof matches a signed checkpoint.
    const code = (await page.locator('.document-record dd.code').innerText()).trim();
    await page.goto(`${server.url}/d/${code}`);
    for (let i = 0; i < 30 && !(await page.locator('.document-record .ok').count()); i += 1) {
      await new Promise((r) => setTimeout(r, 1_000));
      await page.reload();
    }
    assert.match(await page.locator('.document-record .ok').innerText(), /Bukti inklusi cocok/);

    // One changed byte: no match.
    await page.setInputFiles('#check-file-input', alteredFile);
    await clickAndWait(page.locator('#check-file button[type=submit]'));
    assert.match(await page.locator('#verdict').innerText(), /Tidak cocok/);

    // The signed scan is recognised too, with the forum it belongs to.
    await page.setInputFiles('#check-file-input', scanFile);
    await clickAndWait(page.locator('#check-file button[type=submit]'));
    assert.match(await page.locator('#verdict').innerText(), /pindaian berita acara bertanda tangan/);
    assert.match(await page.locator('.document-record').innerText(), /Pasar Baru/);
    await fitsTheScreen();
  });
});
