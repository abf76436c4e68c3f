"""A copy of the shared data served over HTTP on 127.0.0.1, with one source made faulty on demand.

Faults (for the one path set in `fault_path`):
  "500"      answers HTTP 500 Internal Server Error
  "hang"     sends headers, then nothing until the client gives up (past its read timeout)
  "truncate" declares the real Content-Length but sends only the first half of the body
  "garbage"  answers 200 with random bytes (a proxy's error page in binary, a broken cache)
  "schema"   answers 200 with the real file whose header renames its first value column
Every request is counted per path in `hits`, so a test can see how often the client retried.
"""

from __future__ import annotations

import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FAULTS = ("500", "hang", "truncate", "garbage", "schema")


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, data_dir: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.data_dir = Path(data_dir).resolve()
        self.fault: str | None = None
        self.fault_path: str | None = None  # mirror path of the faulty source, e.g. "indicators/x.csv"
        self.hits: dict[str, int] = {}
        self.released = threading.Event()  # set at shutdown so hanging handlers end
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def start(self) -> MirrorServer:
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout case) is expected, not worth a traceback

    def count(self, path: str) -> None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1


def schema_changed(body: bytes) -> bytes:
    """The file with the last column of its header renamed: what a publisher's redesign looks like."""
    header, sep, rest = body.partition(b"\n")
    columns = header.rstrip(b"\r").split(b",")
    columns[-1] = b"renamed_" + columns[-1].strip(b'"')
    return b",".join(columns) + b"\n" + rest


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server: MirrorServer = self.server
        path = unquote(urlsplit(self.path).path).lstrip("/")
        server.count(path)
        file = (server.data_dir / path).resolve()
        if server.data_dir not in file.parents or not file.is_file():
            return self._send(404, b"not found")
        body = file.read_bytes()
        fault = server.fault if path == server.fault_path else None
        try:
            if fault == "500":
                self._send(500, b"Internal Server Error")
            elif fault == "hang":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.flush()
                server.released.wait(60)
            elif fault == "truncate":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
            elif fault == "garbage":
                self._send(200, random.Random(7).randbytes(4096))
            elif fault == "schema":
                self._send(200, schema_changed(body))
            else:
                self._send(200, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing left to answer

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
