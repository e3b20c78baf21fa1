//! whatlang workload: natural-language detection with the `whatlang` crate (pinned =0.18.0 in
//! workloads/Cargo.toml; trigram profiles + alphabet scoring, 69 languages), the detector the
//! thesis ran. One source for the native server, the WASI command module and the component.
//!
//! Output: {"lang": ISO 639-3 code or "und", "script": whatlang's script name or null,
//!          "confidence": f64 in [0, 1] (whatlang's own), "isReliable": bool}
//! whatlang uses only +, −, ×, ÷ on f64 (no libm), so every build gives the same bits.

use faas_core::{int_field, num, obj, reject_unknown, str_field, string, Value};
use std::collections::BTreeMap;

/// Cap on the detected text (after `repeat`) in UTF-8 bytes (workloads/whatlang/inputs.ts).
const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Cap on `repeat`: the thesis preset detects ~2.5 MB made of a paragraph × repeat.
const MAX_REPEAT: u64 = 100_000;
const DEFAULT_TEXT: &str = "The quick brown fox jumps over the lazy dog";

pub fn handle(input: &BTreeMap<String, Value>) -> Result<Value, String> {
    reject_unknown("whatlang", input, &["text", "repeat"])?;
    let text = str_field("whatlang", input, "text")?.unwrap_or(DEFAULT_TEXT);
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "whatlang input field \"text\" must be 0..{} UTF-8 bytes long, got {} bytes",
            MAX_TEXT_BYTES,
            text.len()
        ));
    }
    let repeat = int_field("whatlang", input, "repeat", 1, 1, MAX_REPEAT)? as usize;
    let bytes = text.len() * repeat + (repeat - 1);
    if bytes > MAX_TEXT_BYTES {
        return Err(format!(
            "whatlang input text × repeat must be at most {} UTF-8 bytes, got {} bytes",
            MAX_TEXT_BYTES, bytes
        ));
    }
    // `repeat` space-joined copies, built inside the function (part of the measured work)
    let joined;
    let text = if repeat == 1 {
        text
    } else {
        joined = vec![text; repeat].join(" ");
        joined.as_str()
    };
    Ok(match whatlang::detect(text) {
        Some(info) => obj(vec![
            ("lang", string(info.lang().code())),
            ("script", string(info.script().name())),
            ("confidence", num(info.confidence())),
            ("isReliable", Value::Bool(info.is_reliable())),
        ]),
        None => obj(vec![
            ("lang", string("und")),
            ("script", Value::Null),
            ("confidence", num(0.0)),
            ("isReliable", Value::Bool(false)),
        ]),
    })
}

// The proxy component's front end (feature `component`, wasm32 only; nothing elsewhere).
faas_core::export_http!(handle);
