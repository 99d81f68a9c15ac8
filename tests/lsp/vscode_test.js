// vscode_test.js BFPLAN PLANS_DIR - the VS Code extension (editors/vscode),
// tested without VS Code: its package.json contributions, then its
// activate() with stand-ins for the `vscode` and vscode-languageclient
// modules (tests/lsp/vscode-stubs, found through NODE_PATH), and the
// command line it asks the language client to spawn, spawned here: it
// must answer initialize and shutdown and exit with status 0.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const [bfplan, plans] = process.argv.slice(2);
const dir = path.join(__dirname, '..', '..', 'editors', 'vscode');
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
let failed = 0;
function check(cond, what) {
  console.log((cond ? 'ok    ' : 'FAIL  ') + what);
  if (!cond) failed++;
}

// ---- package.json ----
check(fs.existsSync(path.join(dir, pkg.main)), 'package.json: main names a file that is there');
check((pkg.activationEvents || []).includes('onLanguage:bfplan'), 'package.json: activates on bfplan files');
check(/^\^8\./.test((pkg.dependencies || {})['vscode-languageclient']), 'package.json: depends on the language client 8');
check(pkg.engines.vscode === '^1.67.0', 'package.json: the VS Code that language client 8 needs');
const props = ((pkg.contributes || {}).configuration || {}).properties || {};
check(props['bfplan.path'] && props['bfplan.path'].default === 'bfplan', 'package.json: setting bfplan.path');
check(props['bfplan.includeDirs'] && props['bfplan.includeDirs'].type === 'array', 'package.json: setting bfplan.includeDirs');
check(pkg.contributes.languages.some((l) => l.id === 'bfplan' && l.extensions.includes('.plan')),
  'package.json: the bfplan language for .plan files');

// ---- activate() ----
const ext = require(path.join(dir, pkg.main));
global.bfplanSettings = {};
check(JSON.stringify(ext.serverCommand({ get: () => undefined })) === JSON.stringify({ command: 'bfplan', args: ['lsp'] }),
  'extension: by default it starts `bfplan lsp`');
global.bfplanSettings = { 'bfplan.path': bfplan, 'bfplan.includeDirs': [plans] };
const subscriptions = [];
ext.activate({ subscriptions });
const client = global.bfplanClient;
check(client && client.started, 'extension: activate() starts a language client');
const run = client.serverOptions.run;
check(run.command === bfplan && JSON.stringify(run.args) === JSON.stringify(['lsp', '-I', plans]) && run.transport === undefined,
  'extension: the server command line from the settings, over stdio');
check(client.clientOptions.documentSelector.some((s) => s.language === 'bfplan' && s.scheme === 'file'),
  'extension: it serves bfplan files');

// ---- the command line it spawns ----
const child = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'inherit'] });
let buf = Buffer.alloc(0);
const replies = [];
function send(obj) {
  const body = Buffer.from(JSON.stringify(obj));
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
child.stdout.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const len = Number(/Content-Length: (\d+)/.exec(buf.slice(0, end).toString())[1]);
    if (buf.length < end + 4 + len) return;
    replies.push(JSON.parse(buf.slice(end + 4, end + 4 + len).toString()));
    buf = buf.slice(end + 4 + len);
  }
});
const timer = setTimeout(() => { console.log('FAIL  the server did not finish in 10 s'); child.kill(); process.exit(1); }, 10000);
child.on('exit', (code) => {
  clearTimeout(timer);
  const init = replies.find((r) => r.id === 1);
  check(init && init.result.capabilities.hoverProvider === true, 'server: answers initialize');
  check(replies.some((r) => r.id === 2 && r.result === null), 'server: answers shutdown');
  check(code === 0, 'server: exits with status 0 after exit');
  subscriptions.forEach((s) => s.dispose());
  check(client.stopped, 'extension: stops the client when disposed');
  console.log('vscode: ' + (failed ? failed + ' FAILED' : 'all passed'));
  process.exit(failed ? 1 : 0);
});
send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
send({ jsonrpc: '2.0', method: 'initialized', params: {} });
send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
send({ jsonrpc: '2.0', method: 'exit' });
