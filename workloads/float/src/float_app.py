"""float workload, Wasm build: a componentize-py component exporting wasi:http/incoming-handler.

Request body = the input JSON (empty = defaults; POST/PUT bodies are read); response = result
JSON with status 200, or 502 {"error"}; bodies over 8 MiB → 413. Timing headers as the Rust
components (docs/workloads.md "The artifact contracts"): x-faas-start-ns / x-faas-end-ns
(time.time_ns = wasi:clocks/wall-clock) and x-faas-service-ns (time.monotonic_ns =
wasi:clocks/monotonic-clock) around the kernel. Built by workloads/build.ts:

    componentize-py -d wit -w float-http componentize float_app -o float.wasm

(`wit_world` is the bindings package componentize-py generates for the world at build time.)
The kernel is float_kernel.py, the same file the native action server imports.
"""

import time

from componentize_py_types import Err, Ok
from float_kernel import error_json, handle_float
from wit_world import exports
from wit_world.imports.streams import StreamError_Closed
from wit_world.imports.types import (
    Fields,
    IncomingRequest,
    Method_Post,
    Method_Put,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)

MAX_BODY_BYTES = 8 * 1024 * 1024  # MAX_BODY_BYTES in workloads/shared/inputs.ts
WRITE_CHUNK = 4096  # blocking-write-and-flush accepts at most 4096 bytes per call


def read_body(request: IncomingRequest):
    """The whole request body, or None once it exceeds MAX_BODY_BYTES."""
    chunks = []
    size = 0
    with request.consume() as body:
        with body.stream() as stream:
            while True:
                try:
                    chunk = stream.blocking_read(65536)
                except Err as err:
                    if isinstance(err.value, StreamError_Closed):
                        break
                    raise
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    return None
                chunks.append(chunk)
    return b"".join(chunks)


def respond(response_out: ResponseOutparam, status: int, text: str, timing=()) -> None:
    data = text.encode("utf-8")
    fields = [("content-type", b"application/json"), ("content-length", str(len(data)).encode())]
    headers = Fields.from_list(fields + [(name, str(value).encode()) for name, value in timing])
    response = OutgoingResponse(headers)
    response.set_status_code(status)
    body = response.body()
    ResponseOutparam.set(response_out, Ok(response))
    with body.write() as stream:
        for start in range(0, len(data), WRITE_CHUNK):
            stream.blocking_write_and_flush(data[start : start + WRITE_CHUNK])
    OutgoingBody.finish(body, None)


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        start_wall = time.time_ns()
        text = ""
        if isinstance(request.method(), (Method_Post, Method_Put)):
            raw = read_body(request)
            if raw is None:
                respond(response_out, 413, error_json(f"request body larger than {MAX_BODY_BYTES} bytes"))
                return
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                respond(response_out, 502, error_json(f"request body is not UTF-8: {err}"))
                return
        t0 = time.monotonic_ns()
        status, result = handle_float(text)
        t1 = time.monotonic_ns()
        timing = (
            ("x-faas-service-ns", t1 - t0),
            ("x-faas-start-ns", start_wall),
            ("x-faas-end-ns", time.time_ns()),
        )
        respond(response_out, status, result, timing)
