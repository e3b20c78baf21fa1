//! The wasi:http front end (feature `component`, wasm32 only): a `wasi:http/incoming-handler` export that runs a
//! workload handler once per request. Request body = the input JSON (empty = defaults);
//! response = the result JSON with status 200, or 502 `{"error": "…"}`; 413 when the body
//! is larger than MAX_BODY_BYTES. The host creates a fresh instance per request.
//!
//! Timing headers (server-side, measured inside the guest):
//!   x-faas-start-ns / x-faas-end-ns: wasi:clocks/wall-clock (Unix epoch ns) around the handler
//!   x-faas-service-ns: wasi:clocks/monotonic-clock difference around the handler (JSON parse,
//!   workload, JSON serialisation; not the body read/write)
//!   x-faas-instance-requests: requests served by this instance so far (1 = fresh instance)

use crate::{error_body, invoke, Handler, MAX_BODY_BYTES};
use wasip2::clocks::{monotonic_clock, wall_clock};
use wasip2::http::types::{Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};
use std::sync::atomic::{AtomicU32, Ordering};
use wasip2::io::streams::StreamError;

static REQUESTS: AtomicU32 = AtomicU32::new(0);

fn wall_ns() -> u64 {
    let t = wall_clock::now();
    t.seconds * 1_000_000_000 + t.nanoseconds as u64
}

/// Read the whole request body; Err(status, message) when it is too large or unreadable.
fn read_body(request: &IncomingRequest) -> Result<Vec<u8>, (u16, String)> {
    let body = request.consume().map_err(|_| (400u16, "cannot read the request body".to_string()))?;
    let mut bytes = Vec::new();
    {
        let stream = body.stream().map_err(|_| (400u16, "cannot read the request body".to_string()))?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > MAX_BODY_BYTES {
                        return Err((413, format!("request body larger than {} bytes", MAX_BODY_BYTES)));
                    }
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err((400, format!("cannot read the request body: {}", e.to_debug_string())))
                }
            }
        }
    } // the stream must be dropped before the body
    drop(body);
    Ok(bytes)
}

pub fn serve(handler: Handler, request: IncomingRequest, out: ResponseOutparam) {
    let start_wall = wall_ns();
    let served = REQUESTS.fetch_add(1, Ordering::Relaxed) + 1;
    let (status, text, service_ns) = match read_body(&request) {
        Err((status, message)) => (status, error_body(&message), 0),
        Ok(bytes) => {
            let t0 = monotonic_clock::now();
            let result = match String::from_utf8(bytes) {
                Ok(text) => invoke(handler, &text),
                Err(_) => Err("request body is not UTF-8".to_string()),
            };
            let t1 = monotonic_clock::now();
            match result {
                Ok(json) => (200u16, json, t1 - t0),
                Err(e) => (502u16, error_body(&e), t1 - t0),
            }
        }
    };
    let end_wall = wall_ns();
    let headers = Fields::from_list(&[
        ("content-type".to_string(), b"application/json".to_vec()),
        ("content-length".to_string(), text.len().to_string().into_bytes()),
        ("x-faas-service-ns".to_string(), service_ns.to_string().into_bytes()),
        ("x-faas-start-ns".to_string(), start_wall.to_string().into_bytes()),
        ("x-faas-end-ns".to_string(), end_wall.to_string().into_bytes()),
        ("x-faas-instance-requests".to_string(), served.to_string().into_bytes()),
    ])
    .expect("valid headers");
    let response = OutgoingResponse::new(headers);
    let _ = response.set_status_code(status);
    let body = response.body().expect("response body");
    ResponseOutparam::set(out, Ok(response));
    {
        let stream = body.write().expect("response stream");
        // blocking-write-and-flush takes at most 4096 bytes per call
        for chunk in text.as_bytes().chunks(4096) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                return; // client gone
            }
        }
    } // drop the stream before finishing the body
    let _ = OutgoingBody::finish(body, None);
}
