"""A small HTTP proxy in front of the API that fails chosen requests like a flaky network or load balancer:
forward the request (so the API acts on it) and then answer 503 or cut the connection."""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit


class FaultProxy:
    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.rules: List[Dict[str, Any]] = []
        self.seen: List[Tuple[str, str, Optional[str], Dict[str, str]]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                fault = proxy._take(self.command, self.path)
                proxy.seen.append((self.command, self.path, fault, {k.lower(): v for k, v in self.headers.items()}))
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                if fault == "503-after-forward":
                    answer.read()
                    payload = b'{"id":"proxy","name":"service_unavailable","message":"upstream hiccup"}'
                    self.send_response(503)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "drop-after-forward":
                    answer.read()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                cut = fault == "cut-after-first-chunk"  # the answer starts, then the connection is cut
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("connection", "close")
                self.end_headers()
                self.close_connection = True
                while True:
                    chunk = answer.read1(65536) if hasattr(answer, "read1") else answer.read(65536)
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if cut:
                        answer.close()
                        self.connection.shutdown(2)
                        return

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def fail_next(self, method: str, path: str, fault: str, times: int = 1) -> None:
        with self.lock:
            self.rules.append({"method": method, "path": re.compile(path), "fault": fault, "times": times})

    def _take(self, method: str, path: str) -> Optional[str]:
        with self.lock:
            for rule in self.rules:
                if rule["times"] > 0 and rule["method"] == method and rule["path"].fullmatch(path):
                    rule["times"] -= 1
                    return rule["fault"]
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
