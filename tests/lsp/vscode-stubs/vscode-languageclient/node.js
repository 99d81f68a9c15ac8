// A stand-in for vscode-languageclient/node: it records what the extension
// asks for instead of starting anything (the test starts the server itself).
'use strict';
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    global.bfplanClient = { id, name, serverOptions, clientOptions, started: false, stopped: false };
  }
  start() { global.bfplanClient.started = true; return Promise.resolve(); }
  stop() { global.bfplanClient.stopped = true; return Promise.resolve(); }
}
module.exports = { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };
