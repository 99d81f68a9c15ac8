// A stand-in for VS Code's `vscode` module: only what editors/vscode/extension.js
// calls, with settings the test sets in global.bfplanSettings.
'use strict';
module.exports = {
  workspace: {
    getConfiguration: (section) => ({
      get: (key) => (global.bfplanSettings || {})[section + '.' + key],
    }),
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
  },
};
