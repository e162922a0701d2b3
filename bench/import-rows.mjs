// Times the import of a filled Excel template through the API (all rows checked, then all
// written in one transaction). Usage: node bench/import-rows.mjs URL ROWS
// Prepares a cycle of its own with an open musrenbang kelurahan and one kamus item. Prints the
// figures; never fails on them. Only ever talks to the URL given (127.0.0.1 in `make bench`).
import JSZip from 'jszip';

const [url, rowsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg ?? 2000);
const PASSWORD = 'Rencana-Demo-2027';

async function api(method, path, token, body, raw) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined && !raw) headers['content-type'] = 'application/json';
  if (raw) headers['content-type'] = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const res = await fetch(url + path, { method, headers, body: raw ? body : body === undefined ? undefined : JSON.stringify(body) });
  const text = res.headers.get('content-type')?.includes('json') || res.status >= 300 ? await res.text() : null;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : res;
}

const token = async (username) => (await api('POST', '/api/v1/session', null, { username, password: PASSWORD })).token;
const admin = await token('bappeda');
const year = 2040 + Math.floor(Math.random() * 50);
const cycle = (await api('POST', '/api/v1/cycles', admin, { tahun_anggaran: year })).id;
const at = (m) => new Date(Date.now() + m * 60_000).toISOString();
await api('PUT', `/api/v1/cycles/${cycle}/stages/musrenbang_kelurahan`, admin, { opens: at(-60), closes: at(60 * 24) });
await api('POST', '/api/v1/kamus', admin, {
  tahun_anggaran: year,
  items: [{ code: 'BENCH-1', name: 'Pengerasan jalan', unit: 'meter', unit_price: 150000, opd_code: '1.03.01',
    bidang: 'infrastruktur_kewilayahan', fisik: true }],
});
const forum = `/api/v1/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001`;
const template = Buffer.from(await (await api('GET', `${forum}/import-template`)).arrayBuffer());
const zip = await JSZip.loadAsync(template);
const sheet = 'xl/worksheets/sheet1.xml';
const xml = await zip.file(sheet).async('string');
const text = (ref, v) => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
let body = '';
for (let i = 0; i < ROWS; i += 1) {
  const r = i + 2;
  const lingkungan = `12.71.01.1001.${String((i % 8) + 1).padStart(3, '0')}`;
  body += `<row r="${r}">${text(`A${r}`, `Jalan lingkungan nomor ${i + 1}`)}${text(`B${r}`, 'Jalan rusak dan tergenang')}`
    + `${text(`C${r}`, 'BENCH-1')}<c r="D${r}"><v>${(i % 90) + 10}</v></c>${text(`E${r}`, lingkungan)}`
    + `${text(`F${r}`, `Gg. Bench ${i + 1}`)}</row>`;
}
zip.file(sheet, xml.replace('</sheetData>', `${body}</sheetData>`).replace(/<dimension ref="[^"]*"\/>/, ''));
const file = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
const operator = await token('kel.pasarbaru');
const started = performance.now();
const answer = await api('POST', `${forum}/import`, operator, file, true);
const ms = performance.now() - started;
console.log(`import of ${ROWS} rows (${(file.length / 1024).toFixed(0)} KB workbook): ${(ms / 1000).toFixed(2)} s, `
  + `${answer.imported} proposals, ${(ROWS / (ms / 1000)).toFixed(0)} rows/s`);
const list = performance.now();
const listed = await fetch(`${url}/forums/${cycle}/musrenbang_kelurahan/12.71.01.1001/daftar.xlsx`);
const bytes = (await listed.arrayBuffer()).byteLength;
console.log(`the forum's ${ROWS} proposals as Excel: ${(performance.now() - list).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KB`);
