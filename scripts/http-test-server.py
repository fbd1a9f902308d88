#!/usr/bin/env python3
"""A small HTTP server for the downloader's tests (Python standard library only).

Serves the files of one directory on 127.0.0.1, on a port chosen by the system; the port is
the first line printed on stdout. Byte ranges are honoured (206 with Content-Range, 416 when
the range starts past the end). A first path component selects a fault:

  /FILE                  the file, with Range support
  /norange/FILE          the whole file with 200, whatever Range asked for
  /truncate/FILE         declares the full Content-Length, sends half the body, closes
  /stall/FILE            declares the full Content-Length, sends half, then sends nothing more
  /slow/FILE             the whole file in eight pieces, with a pause of 0.2 s before each
  /status/CODE/FILE      answers with status CODE and a short text body
  missing files          404

Every request is logged on stderr as one line,
`GET PATH range=RANGE encoding=ACCEPT_ENCODING status=STATUS`, so a test can check what the
client asked for (`-` for a header the request did not have).

The server stops on SIGTERM or SIGINT, and when its stdin reaches end of file, so one started
by a test with a pipe on stdin does not outlive the test process even if that one crashes.

Usage: http-test-server.py DIRECTORY
"""

import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Long enough that a client with a stall timeout of a few seconds gives up first; short enough
# that a forgotten server thread does not linger.
STALL_SECONDS = 60
SLOW_PIECES = 8
SLOW_PAUSE_SECONDS = 0.2


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open, as real servers do; a truncated body must then be
    # detected from Content-Length, not from the end of the connection.
    protocol_version = "HTTP/1.1"
    root = "."

    def log_message(self, format, *args):
        # The base class logs through here too; the one line per request is written by log_request.
        pass

    def log_request(self, code="-", size="-"):
        code = getattr(code, "value", code)
        sys.stderr.write(f"{self.command} {self.path} range={self.headers.get('Range', '-')} "
                         f"encoding={self.headers.get('Accept-Encoding', '-')} status={code}\n")
        sys.stderr.flush()

    def do_GET(self):
        mode, name = self.split_path()
        if mode.startswith("status/"):
            code = int(mode.split("/", 1)[1])
            self.send_text(code, f"status {code} as asked\n")
            return
        path = os.path.join(self.root, name)
        if not name or "/" in name or name.startswith(".") or not os.path.isfile(path):
            self.send_text(404, "not found\n")
            return
        with open(path, "rb") as f:
            body = f.read()
        start, end = 0, len(body)
        status = 200
        requested = self.headers.get("Range")
        if requested and mode != "norange":
            parsed = parse_range(requested, len(body))
            if parsed is None:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = parsed
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(body)}")
        self.end_headers()
        piece = body[start:end]
        if mode == "truncate":
            self.wfile.write(piece[: len(piece) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif mode == "stall":
            self.wfile.write(piece[: len(piece) // 2])
            self.wfile.flush()
            time.sleep(STALL_SECONDS)
            self.close_connection = True
        elif mode == "slow":
            step = max(1, -(-len(piece) // SLOW_PIECES))
            for offset in range(0, len(piece), step):
                time.sleep(SLOW_PAUSE_SECONDS)
                self.wfile.write(piece[offset : offset + step])
                self.wfile.flush()
        else:
            self.wfile.write(piece)

    def split_path(self):
        """(fault mode or "", file name) of the request path."""
        parts = self.path.split("?", 1)[0].lstrip("/").split("/")
        if parts[0] in ("norange", "truncate", "stall", "slow") and len(parts) == 2:
            return parts[0], parts[1]
        if parts[0] == "status" and len(parts) == 3 and parts[1].isdigit():
            return f"status/{parts[1]}", parts[2]
        return "", "/".join(parts)

    def send_text(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def parse_range(header, size):
    """(start, end) of a single `bytes=A-` or `bytes=A-B` range, or None when unsatisfiable."""
    if not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes="):].partition("-")
    if not first.isdigit():
        return None
    start = int(first)
    end = int(last) + 1 if last.isdigit() else size
    if start >= size or end <= start:
        return None
    return start, min(end, size)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: http-test-server.py DIRECTORY")
    # A parent may start us with these blocked (a multithreaded test runner does), and blocked
    # signals stay blocked across exec: SIGTERM would then never stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    Handler.root = sys.argv[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=stop_at_end_of_stdin, args=(server,), daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def stop_at_end_of_stdin(server):
    while sys.stdin.buffer.read(4096):
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
