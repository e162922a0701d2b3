// Test helper: runs a real Rencana server with the demo data set for the
// browser tests.
//
//   const server = await startDemoServer();   // seeds a temp data dir, starts `rencana serve`
//   server.url                                 // e.g. http://127.0.0.1:41234
//   await server.stop();                       // SIGTERM, then removes the data dir
//
// The binary is ${CARGO_TARGET_DIR:-target}/debug/rencana (relative paths are
// taken from the repository root), or $RENCANA_BIN when set. Build it first
// with `cargo build -p rencana`. Set E2E_VERBOSE=1 to see the server's output.
// $RENCANA_E2E_DEMO names a data dir the same binary seeded with `rencana demo` today
// (`make test` seeds one while the Rust tests run); each server copies it instead of seeding.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// The demo seeds two whole cycles (one adopted): a few minutes on a debug build.
const DEMO_TIMEOUT_MS = 480_000;
const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const VERBOSE = Boolean(process.env.E2E_VERBOSE);

export function rencanaBinary() {
  if (process.env.RENCANA_BIN) return path.resolve(ROOT, process.env.RENCANA_BIN);
  return path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target', 'debug', 'rencana');
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// The server must take its settings from our flags only, not from a
// developer's shell.
function childEnv() {
  const env = { ...process.env };
  for (const k of ['RENCANA_DATABASE_URL', 'RENCANA_LISTEN', 'RENCANA_DATA_DIR']) delete env[k];
  return env;
}

/** Keeps the last lines a child printed, for error messages. */
function captureOutput(child, label) {
  const lines = [];
  const onData = (chunk) => {
    const text = chunk.toString();
    if (VERBOSE) process.stderr.write(text.replace(/^(?=.)/gm, `[${label}] `));
    lines.push(...text.split('\n').filter((l) => l.length > 0));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return () => lines.join('\n');
}

function runDemo(bin, dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['demo', '--data-dir', dataDir], {
      cwd: dataDir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(child, 'demo');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`\`rencana demo\` did not finish within ${DEMO_TIMEOUT_MS / 1000} s\n${output()}`));
    }, DEMO_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output());
      else reject(new Error(`\`rencana demo\` exited with ${signal ?? code}\n${output()}`));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitHealthy(url, child, output) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`\`rencana serve\` exited early (${child.signalCode ?? child.exitCode})\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err?.cause?.code ?? err?.message ?? err);
    }
    await sleep(250);
  }
  throw new Error(`${url}/api/v1/health not 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})\n${output()}`);
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A data dir holding the demo as this binary seeds it today. Seeding takes minutes on a debug
 * build, so each test file copies one seeded copy instead of seeding its own; the copy is
 * keyed by the binary and the date (the demo's windows are relative to today), and older
 * copies are removed.
 */
async function seededDemo(bin) {
  if (process.env.RENCANA_E2E_DEMO) return path.resolve(ROOT, process.env.RENCANA_E2E_DEMO);
  const { mtimeMs, size } = await stat(bin);
  const prefix = 'rencana-e2e-demo-';
  const key = `${prefix}${Math.round(mtimeMs)}-${size}-${new Date().toISOString().slice(0, 10)}`;
  const ready = path.join(os.tmpdir(), key);
  if (existsSync(ready)) return ready;
  for (const name of await readdir(os.tmpdir())) {
    if (name.startsWith(prefix) && name !== key) await rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
  const fresh = await mkdtemp(path.join(os.tmpdir(), 'rencana-e2e-seed-'));
  try {
    await runDemo(bin, fresh);
    // Another test file may have finished first: then its copy is used, and this one dropped.
    await rename(fresh, ready).catch(() => rm(fresh, { recursive: true, force: true }));
  } catch (err) {
    await rm(fresh, { recursive: true, force: true });
    throw err;
  }
  return ready;
}

/** Starts `rencana serve` on a free port over a fresh copy of the seeded demo; `extraArgs` go
 * to `serve` (e.g. a shorter checkpoint interval). */
export async function startDemoServer(extraArgs = []) {
  const bin = rencanaBinary();
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: build it first with \`cargo build -p rencana\` (or \`make e2e\`)`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rencana-e2e-'));
  let child = null;
  try {
    await cp(await seededDemo(bin), dataDir, { recursive: true });
    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    child = spawn(bin, ['serve', '--data-dir', dataDir, '--listen', listen, ...extraArgs], {
      cwd: dataDir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(child, 'serve');
    const spawned = new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await spawned;
    // If the test process dies without calling stop(), don't leave the server behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);

    const url = `http://${listen}`;
    await waitHealthy(url, child, output);
    return {
      url,
      dataDir,
      output,
      async stop() {
        process.removeListener('exit', killOnExit);
        await stopChild(child);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
