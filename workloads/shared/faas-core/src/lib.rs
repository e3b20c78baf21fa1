//! faas-core: the zero-dependency plumbing shared by the Rust workloads (aes, matmul,
//! whatlang). It holds a small JSON value type (parse + serialise), the WASI entry point
//! (input JSON on stdin, result JSON on stdout, WAGI headers when REQUEST_METHOD is set)
//! and, for native builds, an HTTP/1.1 action server speaking the OpenWhisk action protocol
//! (`POST /init`, `POST /run` with `{"value": input}`), see workloads/types.ts.
//!
//! Three front ends over one handler (docs/workloads.md "The artifact contracts"): the native
//! action server (server.rs), the WASI preview-1 command (`wasi_main`: stdin → stdout, WAGI
//! headers when REQUEST_METHOD is set) and, with feature `component`, the wasi:http export
//! (http.rs, [`export_http!`]). Built by rustup cargo (native) and Debian's cargo-web with
//! -Zbuild-std (wasm32-wasip1); see workloads/Cargo.toml.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Request bodies and stdin larger than this are refused (matches MAX_BODY_BYTES in
/// workloads/shared/inputs.ts): room for whatlang's 4 MiB text cap with JSON escapes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// A JSON value. Objects keep keys sorted (BTreeMap) so output is deterministic.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    Obj(BTreeMap<String, Value>),
}

/// A workload: validated input object in, result object out, or an error message.
pub type Handler = fn(&BTreeMap<String, Value>) -> Result<Value, String>;

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self);
        out
    }
}

/// Build an object from (key, value) pairs.
pub fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k.to_string(), v);
    }
    Value::Obj(map)
}

pub fn num(n: f64) -> Value {
    Value::Num(n)
}

pub fn string(s: &str) -> Value {
    Value::Str(s.to_string())
}

// ---------------------------------------------------------------- field helpers (validation)

/// Reject fields not in `known` (same rule as workloads/inputs.ts).
pub fn reject_unknown(workload: &str, input: &BTreeMap<String, Value>, known: &[&str]) -> Result<(), String> {
    for key in input.keys() {
        if !known.iter().any(|k| k == key) {
            return Err(format!("{} input has unknown field \"{}\"; known fields: {}", workload, key, known.join(", ")));
        }
    }
    Ok(())
}

/// An integer field in [min, max] (JSON numbers are f64: integers up to 2^53 are exact).
pub fn int_field(workload: &str, input: &BTreeMap<String, Value>, field: &str, def: u64, min: u64, max: u64) -> Result<u64, String> {
    match input.get(field) {
        None => Ok(def),
        Some(Value::Num(n)) if n.fract() == 0.0 && *n >= min as f64 && *n <= max as f64 => Ok(*n as u64),
        Some(other) => Err(format!(
            "{} input field \"{}\" must be an integer in [{}, {}], got {}",
            workload, field, min, max, other.to_json()
        )),
    }
}

pub fn str_field<'a>(workload: &str, input: &'a BTreeMap<String, Value>, field: &str) -> Result<Option<&'a str>, String> {
    match input.get(field) {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("{} input field \"{}\" must be a string, got {}", workload, field, other.to_json())),
    }
}

pub fn bool_field(workload: &str, input: &BTreeMap<String, Value>, field: &str, def: bool) -> Result<bool, String> {
    match input.get(field) {
        None => Ok(def),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("{} input field \"{}\" must be a boolean, got {}", workload, field, other.to_json())),
    }
}

// ---------------------------------------------------------------- JSON output

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Num(n) => write_number(out, *n),
        Value::Str(s) => write_string(out, s),
        Value::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Obj(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// Numbers: integers (|n| < 2^53) without a fraction, others in Rust's shortest round-trip
/// `Display` form (the same digits on every target); NaN and infinities become null.
fn write_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n.fract() == 0.0 && n.abs() < 9007199254740992.0 {
        let _ = write!(out, "{}", n as i64);
    } else {
        // Rust's {:e} gives the shortest round-trip digits ("1.5e-7", "3.25e0") on every
        // target; rewrite to a plain decimal where JavaScript would print one.
        out.push_str(&plain_decimal(&format!("{:e}", n)));
    }
}

/// Rewrite "d.ddde±x" as a plain decimal when -7 <= x < 21 (like JavaScript's Number#toString).
fn plain_decimal(sci: &str) -> String {
    let mut parts = sci.splitn(2, 'e');
    let mantissa = parts.next().unwrap_or("");
    let exp: i32 = parts.next().and_then(|e| e.parse().ok()).unwrap_or(0);
    if !(-7..21).contains(&exp) {
        return sci.to_string();
    }
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let point = 1 + exp; // position of the decimal point within digits
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    if point <= 0 {
        s.push_str("0.");
        for _ in 0..(-point) {
            s.push('0');
        }
        s.push_str(&digits);
    } else if (point as usize) >= digits.len() {
        s.push_str(&digits);
        for _ in 0..(point as usize - digits.len()) {
            s.push('0');
        }
    } else {
        s.push_str(&digits[..point as usize]);
        s.push('.');
        s.push_str(&digits[point as usize..]);
    }
    s
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------- JSON input

/// Parse one JSON document (RFC 8259); nesting is limited to 64 levels.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser { s: text.as_bytes(), i: 0, depth: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("invalid JSON: trailing characters at byte {}", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("invalid JSON: {} at byte {}", what, self.i))
    }
    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }
    fn value(&mut self) -> Result<Value, String> {
        if self.i >= self.s.len() {
            return self.err("unexpected end");
        }
        let c = self.s[self.i];
        match c {
            b'n' if self.eat("null") => Ok(Value::Null),
            b't' if self.eat("true") => Ok(Value::Bool(true)),
            b'f' if self.eat("false") => Ok(Value::Bool(false)),
            b'"' => self.string().map(Value::Str),
            b'[' | b'{' => {
                self.depth += 1;
                if self.depth > 64 {
                    return self.err("nesting deeper than 64");
                }
                let v = if self.s[self.i] == b'[' { self.array() } else { self.object() };
                self.depth -= 1;
                v
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.err("unexpected character"),
        }
    }
    fn array(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.i < self.s.len() && self.s[self.i] == b']' {
            self.i += 1;
            return Ok(Value::Arr(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            if self.i >= self.s.len() {
                return self.err("unterminated array");
            }
            match self.s[self.i] {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Ok(Value::Arr(items));
                }
                _ => return self.err("expected , or ]"),
            }
        }
    }
    fn object(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut map = BTreeMap::new();
        self.ws();
        if self.i < self.s.len() && self.s[self.i] == b'}' {
            self.i += 1;
            return Ok(Value::Obj(map));
        }
        loop {
            self.ws();
            if self.i >= self.s.len() || self.s[self.i] != b'"' {
                return self.err("expected a string key");
            }
            let key = self.string()?;
            self.ws();
            if self.i >= self.s.len() || self.s[self.i] != b':' {
                return self.err("expected :");
            }
            self.i += 1;
            self.ws();
            let v = self.value()?;
            map.insert(key, v);
            self.ws();
            if self.i >= self.s.len() {
                return self.err("unterminated object");
            }
            match self.s[self.i] {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Ok(Value::Obj(map));
                }
                _ => return self.err("expected , or }"),
            }
        }
    }
    fn hex4(&mut self) -> Result<u32, String> {
        if self.i + 4 > self.s.len() {
            return self.err("short \\u escape");
        }
        let text = std::str::from_utf8(&self.s[self.i..self.i + 4]).map_err(|_| "invalid JSON: bad \\u escape".to_string())?;
        let v = u32::from_str_radix(text, 16).map_err(|_| format!("invalid JSON: bad \\u escape at byte {}", self.i))?;
        self.i += 4;
        Ok(v)
    }
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut buf: Vec<u8> = Vec::new();
        loop {
            if self.i >= self.s.len() {
                return self.err("unterminated string");
            }
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    if self.i >= self.s.len() {
                        return self.err("unterminated escape");
                    }
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'"' => buf.push(b'"'),
                        b'\\' => buf.push(b'\\'),
                        b'/' => buf.push(b'/'),
                        b'b' => buf.push(8),
                        b'f' => buf.push(12),
                        b'n' => buf.push(b'\n'),
                        b'r' => buf.push(b'\r'),
                        b't' => buf.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) && self.eat("\\u") {
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                }
                            }
                            let ch = std::char::from_u32(cp).unwrap_or('\u{FFFD}');
                            let mut tmp = [0u8; 4];
                            buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                        }
                        _ => return self.err("unknown escape"),
                    }
                }
                c if c < 0x20 => return self.err("control character in string"),
                c => buf.push(c),
            }
        }
        String::from_utf8(buf).map_err(|_| "invalid JSON: string is not UTF-8".to_string())
    }
    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Value::Num(n)),
            _ => Err(format!("invalid JSON: bad number {:?} at byte {}", text, start)),
        }
    }
}

// ---------------------------------------------------------------- one invocation

/// Run the handler on a request body (the input JSON; empty = `{}`): Ok(result JSON) or
/// Err(error message). Never panics on bad input; panics inside the handler are caught.
pub fn invoke(handler: Handler, input_json: &str) -> Result<String, String> {
    let trimmed = input_json.trim();
    let value = if trimmed.is_empty() { Value::Obj(BTreeMap::new()) } else { parse(trimmed)? };
    run_value(handler, &value)
}

fn run_value(handler: Handler, value: &Value) -> Result<String, String> {
    let empty = BTreeMap::new();
    let input = match value {
        Value::Obj(map) => map,
        Value::Null => &empty,
        other => return Err(format!("input must be a JSON object, got {}", short(&other.to_json()))),
    };
    let result = std::panic::catch_unwind(|| handler(input));
    match result {
        Ok(Ok(v)) => Ok(v.to_json()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the workload panicked".to_string()),
    }
}

fn short(text: &str) -> String {
    if text.len() <= 60 {
        text.to_string()
    } else {
        let mut end = 60;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &text[..end])
    }
}

fn error_json(message: &str) -> String {
    obj(vec![("error", string(message))]).to_json()
}

/// WASI entry: input JSON on stdin → result JSON on stdout (exit 0) or `{"error":...}` (exit 1).
/// Under WAGI (REQUEST_METHOD set) a CGI header block comes first (status 502 on error).
pub fn wasi_main(handler: Handler) {
    use std::io::{Read, Write};
    let wagi = std::env::var("REQUEST_METHOD").is_ok();
    let mut body = Vec::new();
    let read = std::io::stdin().take(MAX_BODY_BYTES as u64 + 1).read_to_end(&mut body);
    let result = match read {
        Err(e) => Err(format!("cannot read stdin: {}", e)),
        Ok(_) if body.len() > MAX_BODY_BYTES => Err(format!("input larger than {} bytes", MAX_BODY_BYTES)),
        Ok(_) => match String::from_utf8(body) {
            Ok(text) => invoke(handler, &text),
            Err(_) => Err("input is not UTF-8".to_string()),
        },
    };
    let (ok, text) = match result {
        Ok(json) => (true, json),
        Err(e) => (false, error_json(&e)),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if wagi {
        let _ = write!(out, "content-type: application/json\n");
        if !ok {
            let _ = write!(out, "status: 502\n");
        }
        let _ = write!(out, "\n");
    }
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(b"\n");
    let _ = out.flush();
    if !ok {
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------- native action server

#[cfg(not(target_arch = "wasm32"))]
pub mod server;

/// Native entry: parse `--port P` (default 8080; 0 = any free port) and `--host H`
/// (default 127.0.0.1), print `{"listening":P}`, serve until killed.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_main(handler: Handler) {
    server::main(handler)
}

/// A workload binary's entry point (`fn main() { faas_core::run_main(handle) }`):
/// [`wasi_main`] on wasm32, [`native_main`] (the action server) elsewhere.
pub fn run_main(handler: Handler) {
    #[cfg(target_arch = "wasm32")]
    wasi_main(handler);
    #[cfg(not(target_arch = "wasm32"))]
    native_main(handler);
}

/// Exposed for the server module: run a parsed `/run` body.
pub fn run_action_body(handler: Handler, body: &str) -> Result<String, String> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return run_value(handler, &Value::Null);
    }
    let parsed = parse(trimmed)?;
    match parsed {
        Value::Obj(map) => match map.get("value") {
            Some(v) => run_value(handler, v),
            None => run_value(handler, &Value::Null),
        },
        other => Err(format!("/run body must be a JSON object {{\"value\": input}}, got {}", short(&other.to_json()))),
    }
}

pub fn error_body(message: &str) -> String {
    error_json(message)
}

/// Monotonic nanoseconds for the native server's x-faas-service-ns header (since first call).
#[cfg(not(target_arch = "wasm32"))]
pub fn monotonic_ns() -> u64 {
    use std::sync::OnceLock;
    static T0: OnceLock<std::time::Instant> = OnceLock::new();
    T0.get_or_init(std::time::Instant::now).elapsed().as_nanos() as u64
}

/// The wasi:http front end (feature `component`, wasm32): see http.rs and [`export_http!`].
#[cfg(all(target_arch = "wasm32", feature = "component"))]
pub mod http;

#[cfg(all(target_arch = "wasm32", feature = "component"))]
#[doc(hidden)]
pub use wasip2;

/// Export a workload's handler as `wasi:http/incoming-handler`. Expands to nothing unless the
/// workload's feature `component` is on and the target is wasm32 (the cdylib that becomes
/// the proxy component); the command module and the native server never carry it.
#[macro_export]
macro_rules! export_http {
    ($handler:ident) => {
        #[cfg(all(target_arch = "wasm32", feature = "component"))]
        mod __faas_http_export {
            struct Component;
            impl $crate::wasip2::exports::wasi::http::incoming_handler::Guest for Component {
                fn handle(
                    request: $crate::wasip2::http::types::IncomingRequest,
                    out: $crate::wasip2::http::types::ResponseOutparam,
                ) {
                    $crate::http::serve(super::$handler, request, out)
                }
            }
            $crate::wasip2::http::proxy::export!(Component with_types_in $crate::wasip2);
        }
    };
}

// ---------------------------------------------------------------- seeded randomness

/// SplitMix64 (Steele, Lea & Flood 2014; constants from Vigna's reference splitmix64.c):
/// integer-only, so native and wasm32 produce the same stream.
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits (exact: an integer times 2^-53).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9007199254740992.0)
    }
}

/// 64 bits from the OS (std's RandomState keys come from getrandom / WASI random_get).
pub fn os_random_u64() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    h.finish()
}

/// Lower-case hex of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{:02x}", b);
    }
    s
}

/// Bytes of a hex string (even length, [0-9a-fA-F]).
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}
