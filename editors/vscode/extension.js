// extension.js - starts `bfplan lsp` for plan files through VS Code's
// language client: diagnostics as `bfplan check` finds them, hover, go to
// definition, references, outline, completion, formatting and quick fixes.
//
// The server's command line is `bfplan.path lsp [-I DIR]...`, from the
// settings `bfplan.path` and `bfplan.includeDirs` (package.json); the
// server reads BFPLAN_PATH from the environment VS Code gives it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

// The command line of the server, from the extension's settings.
function serverCommand(settings) {
  const args = ['lsp'];
  for (const dir of settings.get('includeDirs') || [])
    args.push('-I', dir);
  return { command: settings.get('path') || 'bfplan', args };
}

function activate(context) {
  const { command, args } = serverCommand(vscode.workspace.getConfiguration('bfplan'));
  // An executable without a transport speaks over stdio, with the arguments as given.
  const run = { command, args };
  client = new LanguageClient('bfplan', 'bfplan', { run, debug: run }, {
    documentSelector: [{ scheme: 'file', language: 'bfplan' }, { scheme: 'untitled', language: 'bfplan' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.plan') },
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverCommand };
