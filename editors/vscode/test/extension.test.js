// The compiled extension (out/extension.js) with vscode-languageclient, run in plain node on a
// stand-in for the `vscode` module (test/vscode-stub.js): activation without a binary,
// starting and stopping a server over stdio, restarts, and, when IAMC_BIN names an iamc
// binary that has the `lsp` command, the real server.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { scene } = require('./vscode-stub');

const OUT = process.env.IAMC_VSCODE_OUT || path.join(__dirname, '..', 'out');
const FAKE_SERVER = path.join(__dirname, 'fake-server.js');
const posixOnly = { skip: process.platform === 'win32' ? 'the fake server is a script with a #! line' : false };

/** A fresh copy of the extension module (it keeps its client in module state). */
function loadExtension() {
  const file = require.resolve(path.join(OUT, 'extension.js'));
  delete require.cache[file];
  return require(file);
}

function tempDir(t) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iamc-ext-')));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The fake server's log: one entry per start (`args`, `cwd`) and per message (`method`). */
function readLog(file) {
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l))
    : [];
}

/** Waits (up to 10 s) until `done(log)` holds: the server writes its log as it exits. */
async function logWhen(file, done) {
  for (let i = 0; i < 200; i++) {
    const log = readLog(file);
    if (done(log)) {
      return log;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return readLog(file);
}

test('without the binary, activation says once how to install it and which setting to change', async () => {
  const record = scene({ settings: { 'iamc.server.path': 'iamc-not-installed-anywhere' }, workspaceFolder: undefined });
  const extension = loadExtension();
  await extension.activate({ subscriptions: [] });
  assert.equal(record.errors.length, 1, JSON.stringify(record.errors));
  const { message, items } = record.errors[0];
  assert.match(message, /`iamc-not-installed-anywhere` was not found on PATH/);
  assert.ok(message.includes('cargo install --path . --locked') && message.includes('iamc.server.path'), message);
  assert.deepEqual(items, ['Open Settings', 'Show Output']);
  assert.ok(record.output.some((l) => l.includes('Searched PATH')), record.output.join('\n'));
  assert.deepEqual([...record.commands.keys()].sort(), ['iamc.restartServer', 'iamc.showOutput']);
  await extension.deactivate();
});

test('activation starts `<path> lsp <extraArgs>` in the folder; deactivation shuts it down', posixOnly, async (t) => {
  const folder = tempDir(t);
  const log = path.join(folder, 'server.log');
  process.env.IAMC_FAKE_SERVER_LOG = log;
  const record = scene({
    settings: { 'iamc.server.path': FAKE_SERVER, 'iamc.server.extraArgs': ['--flag', 'value'] },
    workspaceFolder: folder,
  });
  const extension = loadExtension();
  await extension.activate({ subscriptions: [] });
  assert.deepEqual(record.errors, []);
  await extension.deactivate();
  const entries = await logWhen(log, (l) => l.some((e) => e.method === 'exit'));
  assert.deepEqual(entries[0].args, ['lsp', '--flag', 'value']);
  assert.equal(entries[0].cwd, folder);
  assert.deepEqual(
    entries.slice(1).map((e) => e.method),
    ['initialize', 'initialized', 'shutdown', 'exit'],
  );
});

test('the restart command and a change of iamc.server.* restart the server', posixOnly, async (t) => {
  const folder = tempDir(t);
  const log = path.join(folder, 'server.log');
  process.env.IAMC_FAKE_SERVER_LOG = log;
  const record = scene({ settings: { 'iamc.server.path': FAKE_SERVER }, workspaceFolder: folder });
  const extension = loadExtension();
  await extension.activate({ subscriptions: [] });
  const changed = (section) => record.configurationListeners.forEach((l) => l({ affectsConfiguration: (s) => s === section }));
  changed('editor.fontSize'); // not ours: no restart
  changed('iamc.server');
  await record.commands.get('iamc.restartServer')(); // queued after the restart for the change
  await extension.deactivate();
  const entries = await logWhen(log, (l) => l.filter((e) => e.method === 'exit').length === 3);
  const starts = entries.filter((e) => e.args !== undefined).map((e) => e.pid);
  assert.equal(starts.length, 3, JSON.stringify(entries));
  for (const pid of starts) {
    assert.deepEqual(
      // The client itself sends `$/setTrace` when any setting changes.
      entries.filter((e) => e.pid === pid && e.method !== undefined && !e.method.startsWith('$/')).map((e) => e.method),
      ['initialize', 'initialized', 'shutdown', 'exit'],
      `server ${pid}`,
    );
  }
  assert.deepEqual(record.errors, []);
});

/** Whether `bin` has the `lsp` command (it is being built beside this extension). */
function hasLsp(bin) {
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  return help.status === 0 && /^\s+lsp\b/m.test(help.stdout);
}

test('the real `iamc lsp` starts and stops', async (t) => {
  const bin = process.env.IAMC_BIN;
  if (bin === undefined || bin === '') {
    t.skip('IAMC_BIN is not set: `cargo test editors` sets it');
    return;
  }
  if (!hasLsp(bin)) {
    t.skip(`${bin} has no \`lsp\` command yet`);
    return;
  }
  // A small project, as a user would open one.
  const folder = tempDir(t);
  fs.writeFileSync(path.join(folder, 'iamc.toml'), '[project]\nname = "t"\nsources = ["iam"]\n');
  fs.mkdirSync(path.join(folder, 'iam'));
  fs.writeFileSync(path.join(folder, 'iam', 'a.iamc'), 'policy P {\n    allow s3:GetObject on *\n}\n');
  const record = scene({ settings: { 'iamc.server.path': bin }, workspaceFolder: folder });
  const extension = loadExtension();
  await extension.activate({ subscriptions: [] });
  assert.deepEqual(record.errors, [], record.output.join('\n'));
  assert.ok(record.output.some((l) => l.includes(`Starting ${bin} lsp`)), record.output.join('\n'));
  await extension.deactivate();
});
