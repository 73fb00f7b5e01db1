"""A scripted Language Server Protocol client for tests/lsp.test.sh.

It starts `runbook lsp`, frames JSON-RPC messages the way editors do, and
collects what comes back: replies by id, notifications in order. Each read
has a timeout, so a server that hangs fails the test instead of blocking it.
"""
import json
import os
import select
import subprocess


class Client:
    def __init__(self, command, cwd=None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.buffer = b""
        self.next_id = 1
        self.notifications = []

    def send_raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def request(self, method, params=None, timeout=10):
        id_ = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": id_, "method": method, "params": params or {}})
        return self.reply(id_, timeout)

    def reply(self, id_, timeout=10):
        while True:
            message = self.read(timeout)
            if "id" in message and "method" not in message and message["id"] == id_:
                return message
            self.notifications.append(message)

    def diagnostics(self, uri, timeout=10):
        """The next publishDiagnostics for `uri` (earlier ones kept are used first)."""
        while True:
            for i, n in enumerate(self.notifications):
                if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri:
                    return self.notifications.pop(i)["params"]["diagnostics"]
            self.notifications.append(self.read(timeout))

    def read(self, timeout=10):
        while b"\r\n\r\n" not in self.buffer:
            self._fill(timeout)
        header, rest = self.buffer.split(b"\r\n\r\n", 1)
        length = None
        for line in header.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise AssertionError(f"a frame without Content-Length: {header!r}")
        while len(rest) < length:
            self.buffer = header + b"\r\n\r\n" + rest
            self._fill(timeout)
            header, rest = self.buffer.split(b"\r\n\r\n", 1)
        self.buffer = rest[length:]
        return json.loads(rest[:length])

    def _fill(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise AssertionError(f"no message from runbook lsp within {timeout} s")
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            raise AssertionError(f"runbook lsp closed its output (exit {self.proc.wait()}): "
                                 f"{self.proc.stderr.read().decode()[-2000:]}")
        self.buffer += chunk

    def finish(self, timeout=10):
        self.proc.stdin.close()
        return self.proc.wait(timeout)
