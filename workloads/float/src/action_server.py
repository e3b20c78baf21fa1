"""float workload, native build: a CPython action server speaking the OpenWhisk action protocol.

    python3 action_server.py [--port P] [--host H]      (default 8080, 127.0.0.1)

Prints {"listening": P} on stdout when ready. POST /init → {"ok":true}; POST /run
{"value": input} → result JSON, or 502 {"error"}, with x-faas-service-ns (monotonic ns around
the workload); bodies over 8 MiB → 413; chunked bodies → 411 (as the Rust servers); other
paths 404, other methods 405. Each connection gets its own thread (idle keep-alive connections
never block) but one workload runs at a time. Standard library only; run with Debian's
`python3.11 -I -S` (docs/workloads.md "float"); float_kernel.py must sit beside this file.
"""

import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from float_kernel import error_json, handle_float, js_stringify, parse_json  # noqa: E402

MAX_BODY_BYTES = 8 * 1024 * 1024  # MAX_BODY_BYTES in workloads/shared/inputs.ts
WORKLOAD_LOCK = threading.Lock()


def parse_args(argv):
    port, host = 8080, "127.0.0.1"
    i = 0
    while i < len(argv):
        flag = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else None
        if flag == "--port" and value is not None and value.isdigit() and int(value) <= 65535:
            port = int(value)
        elif flag == "--host" and value is not None:
            host = value
        else:
            sys.stderr.write(
                f"error: unknown or malformed argument {json.dumps(flag)}; usage: action_server.py [--port P] [--host H]\n"
            )
            sys.exit(2)
        i += 2
    return port, host


def unwrap_value(body):
    """The /run body {"value": input} → the workload's input JSON text (raises InputError-ish ValueError)."""
    if body.strip() == "":
        return ""
    try:
        parsed = parse_json(body)
    except ValueError as err:
        raise ValueError(f"invalid JSON: {err}") from None
    if not isinstance(parsed, dict):
        raise ValueError('/run body must be a JSON object {"value": input}')
    if "value" not in parsed:
        return ""
    # re-serialised like JSON.stringify (Node server): compact, 1e400 → null
    return js_stringify(parsed["value"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the Node and Rust servers
    server_version = "faasmark-float-py"
    sys_version = ""
    # one segment per response: buffer the status line, headers and body (flushed by
    # handle_one_request) and disable Nagle; otherwise headers and body go out as two
    # writes and the client's delayed ACK adds ~40 ms to every response
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - no access log on stderr
        pass

    def send(self, status, body, close=False, service_ns=None):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        if service_ns is not None:
            self.send_header("x-faas-service-ns", str(service_ns))
        self.send_header("content-length", str(len(data)))
        if close:
            self.send_header("connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        if path not in ("/init", "/run"):
            self.send(404, error_json("not found: the action protocol serves POST /init and POST /run"))
            return
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            self.send(411, error_json("chunked request bodies are not supported; send content-length"), close=True)
            return
        try:
            length = int(self.headers.get("content-length", "0") or "0")
        except ValueError:
            self.send(400, error_json("malformed content-length"), close=True)
            return
        if length > MAX_BODY_BYTES:
            self.send(413, error_json(f"request body larger than {MAX_BODY_BYTES} bytes"), close=True)
            return
        raw = self.rfile.read(length) if length > 0 else b""
        if path == "/init":
            self.send(200, '{"ok":true}')
            return
        try:
            body = raw.decode("utf-8")
            text = unwrap_value(body)
        except (UnicodeDecodeError, ValueError) as err:
            self.send(502, error_json(str(err)))
            return
        with WORKLOAD_LOCK:
            t0 = time.monotonic_ns()
            status, result = handle_float(text)
            t1 = time.monotonic_ns()
        self.send(status, result, service_ns=t1 - t0)

    def _not_post(self):
        path = self.path.split("?", 1)[0]
        if path not in ("/init", "/run"):
            self.send(404, error_json("not found: the action protocol serves POST /init and POST /run"))
        else:
            self.send(405, error_json("use POST"))

    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_post


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    port, host = parse_args(sys.argv[1:])
    # SIGTERM/SIGINT are blocked in every thread (the mask is inherited) and taken by the main
    # thread with sigwait: a Python signal handler would only run once the main thread wakes
    # up, which serve_forever does every poll_interval (up to 0.5 s late)
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    server = Server((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="serve", daemon=True).start()
    sys.stdout.write(json.dumps({"listening": server.server_address[1]}, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    signal.sigwait(stop_signals)
    server.server_close()  # stop listening; in-flight connections die with the process


if __name__ == "__main__":
    main()
