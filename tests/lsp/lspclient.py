"""lspclient.py - a small Language Server Protocol client for the tests.

It starts `bfplan lsp`, frames messages as the base protocol says
(Content-Length, CR LF, the JSON body), and reads the server's messages
with a timeout, keeping notifications until a test asks for them.
"""
import json
import os
import select
import subprocess
import time


class Failure(Exception):
    pass


def utf16_len(text):
    """The length of text in UTF-16 code units, as LSP positions count."""
    return len(text.encode("utf-16-le")) // 2


def uri_of(path):
    return "file://" + os.path.abspath(path)


class Client:
    def __init__(self, bfplan, args=(), env=None, cwd=None):
        self.proc = subprocess.Popen([bfplan, "lsp", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
        self.buf = b""
        self.next_id = 1
        self.notifications = []

    # ---- sending ----
    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request(self, method, params=None, timeout=10):
        rid = self.next_id
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.response(rid, timeout)

    # ---- receiving ----
    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure("no answer from the server in time")
        ready, _, _ = select.select([self.proc.stdout], [], [], left)
        if not ready:
            raise Failure("no answer from the server in time")
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            raise Failure("the server closed its output (exit status %s)" % self.proc.poll())
        self.buf += chunk

    def read_message(self, timeout=10):
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        header, rest = self.buf.split(b"\r\n\r\n", 1)
        fields = dict(line.split(b": ", 1) for line in header.split(b"\r\n"))
        length = int(fields[b"Content-Length"])
        while len(rest) < length:
            self._fill(deadline)
            header, rest = self.buf.split(b"\r\n\r\n", 1)
        body, self.buf = rest[:length], rest[length:]
        return json.loads(body)

    def response(self, rid, timeout=10):
        while True:
            msg = self.read_message(timeout)
            if "method" in msg:
                self.notifications.append(msg)
            elif msg.get("id") == rid:
                return msg

    def diagnostics(self, uri, version=None, timeout=10):
        """The next publishDiagnostics for uri (one already received first), of version or later if given."""
        while True:
            mine = [m for m in self.notifications
                    if m["method"] == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]
            for m in mine:
                self.notifications.remove(m)
                if version is None or m["params"].get("version", 0) >= version:
                    return m["params"]
            msg = self.read_message(timeout)
            if "method" in msg:
                self.notifications.append(msg)

    def close(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        return self.proc.wait(timeout=10)
