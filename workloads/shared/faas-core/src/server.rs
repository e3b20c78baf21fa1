//! The native action server: HTTP/1.1 on std::net, one thread per connection (so an idle
//! keep-alive connection never blocks others) but one workload execution at a time (a
//! global mutex), like an OpenWhisk action container. Bodies over MAX_BODY_BYTES → 413.

use crate::{error_body, run_action_body, Handler, MAX_BODY_BYTES};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub fn main(handler: Handler) {
    let mut port: u16 = 8080;
    let mut host = "127.0.0.1".to_string();
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--port" if i + 1 < args.len() => {
                port = match args[i + 1].parse() {
                    Ok(p) => p,
                    Err(_) => fail(&format!("--port must be an integer in [0, 65535], got {:?}", args[i + 1])),
                };
                i += 2;
            }
            "--host" if i + 1 < args.len() => {
                host = args[i + 1].clone();
                i += 2;
            }
            other => fail(&format!("unknown argument {:?}; usage: {} [--port P] [--host H]", other, args[0])),
        }
    }
    let listener = match TcpListener::bind((host.as_str(), port)) {
        Ok(l) => l,
        Err(e) => fail(&format!("cannot listen on {}:{}: {}", host, port, e)),
    };
    let actual = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    println!("{{\"listening\":{}}}", actual);
    let _ = std::io::stdout().flush();
    let lock = Arc::new(Mutex::new(()));
    for stream in listener.incoming() {
        if let Ok(stream) = stream {
            let lock = Arc::clone(&lock);
            std::thread::spawn(move || {
                let _ = serve_connection(stream, handler, &lock);
            });
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {}", message);
    std::process::exit(2);
}

struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
    keep_alive: bool,
}

enum ReadOutcome {
    Request(Request),
    Closed,
    Bad(u16, String),
}

fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> std::io::Result<ReadOutcome> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(ReadOutcome::Closed);
    }
    let parts: Vec<&str> = line.trim_end().split(' ').collect();
    if parts.len() != 3 {
        return Ok(ReadOutcome::Bad(400, "malformed request line".to_string()));
    }
    let method = parts[0].to_string();
    let path = parts[1].split('?').next().unwrap_or("").to_string();
    let http10 = parts[2] == "HTTP/1.0";
    let mut content_length: usize = 0;
    let mut keep_alive = !http10;
    let mut header_bytes = 0usize;
    let mut expect_continue = false;
    loop {
        let mut h = String::new();
        let n = reader.read_line(&mut h)?;
        if n == 0 {
            return Ok(ReadOutcome::Closed);
        }
        header_bytes += n;
        if header_bytes > 64 * 1024 {
            return Ok(ReadOutcome::Bad(431, "request headers too large".to_string()));
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some(colon) = h.find(':') {
            let name = h[..colon].trim().to_ascii_lowercase();
            let value = h[colon + 1..].trim();
            if name == "content-length" {
                content_length = match value.parse() {
                    Ok(n) => n,
                    Err(_) => return Ok(ReadOutcome::Bad(400, "bad content-length".to_string())),
                };
            } else if name == "connection" {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    keep_alive = false;
                } else if v.contains("keep-alive") {
                    keep_alive = true;
                }
            } else if name == "expect" && value.eq_ignore_ascii_case("100-continue") {
                expect_continue = true;
            } else if name == "transfer-encoding" {
                return Ok(ReadOutcome::Bad(411, "chunked bodies are not supported; send content-length".to_string()));
            }
        }
    }
    if content_length > MAX_BODY_BYTES {
        return Ok(ReadOutcome::Bad(413, format!("request body larger than {} bytes", MAX_BODY_BYTES)));
    }
    if expect_continue && content_length > 0 {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    Ok(ReadOutcome::Request(Request { method, path, body, keep_alive }))
}

fn respond(stream: &mut TcpStream, status: u16, body: &str, keep_alive: bool) -> std::io::Result<()> {
    respond_with(stream, status, body, keep_alive, "")
}

fn respond_with(stream: &mut TcpStream, status: u16, body: &str, keep_alive: bool, extra: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Bad Gateway",
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: {}\r\n{}\r\n",
        status,
        reason,
        body.len(),
        if keep_alive { "keep-alive" } else { "close" },
        extra
    );
    let mut buf = head.into_bytes();
    buf.extend_from_slice(body.as_bytes());
    stream.write_all(&buf)?;
    stream.flush()
}

fn serve_connection(stream: TcpStream, handler: Handler, lock: &Mutex<()>) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let req = match read_request(&mut reader, &mut writer)? {
            ReadOutcome::Closed => return Ok(()),
            ReadOutcome::Bad(status, message) => {
                return respond(&mut writer, status, &error_body(&message), false);
            }
            ReadOutcome::Request(r) => r,
        };
        let mut extra = String::new();
        let (status, body) = match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/init") => (200, "{\"ok\":true}".to_string()),
            ("POST", "/run") => {
                let guard = lock.lock().unwrap_or_else(|p| p.into_inner());
                let t0 = crate::monotonic_ns();
                let result = match std::str::from_utf8(&req.body) {
                    Ok(text) => run_action_body(handler, text),
                    Err(_) => Err("request body is not UTF-8".to_string()),
                };
                let t1 = crate::monotonic_ns();
                drop(guard);
                extra = format!("x-faas-service-ns: {}\r\n", t1 - t0);
                match result {
                    Ok(json) => (200, json),
                    Err(e) => (502, error_body(&e)),
                }
            }
            (_, "/init") | (_, "/run") => (405, error_body("use POST")),
            _ => (404, error_body("not found: the action protocol serves POST /init and POST /run")),
        };
        respond_with(&mut writer, status, &body, req.keep_alive, &extra)?;
        if !req.keep_alive {
            return Ok(());
        }
    }
}
