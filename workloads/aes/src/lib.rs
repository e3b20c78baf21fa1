//! aes workload: AES-128 (FIPS-197) in CFB128 mode (NIST SP 800-38A §6.3), written here
//! with no crates. Encrypts then decrypts the message `iterations` times with a fixed key
//! and one IV per request (random, or from `iv` / `seed`), like the thesis's Go function.

use faas_core::{from_hex, int_field, num, obj, os_random_u64, reject_unknown, str_field, string, to_hex, SplitMix64, Value};
use std::collections::BTreeMap;

const MAX_ITERATIONS: u64 = 1_000_000;
const MAX_MESSAGE_BYTES: usize = 65_536;
const MAX_WORK_BYTES: u64 = 100_000_000;
const DEFAULT_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const DEFAULT_MESSAGE: &str = "faasmark aes message";

/// GF(2^8) multiply modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 §4.2).
const fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let hi = a & 0x80;
        a <<= 1;
        if hi != 0 {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    p
}

/// The S-box (FIPS-197 §5.1.1): the multiplicative inverse followed by the affine transform.
/// Walks the field with the generator 3 (p ← 3p) while q ← q/3 tracks the inverse, so
/// the table takes 255 steps (cheap enough for rustc 1.63's const-eval limit).
const fn make_sbox() -> [u8; 256] {
    let mut sbox = [0u8; 256];
    let mut p: u8 = 1;
    let mut q: u8 = 1;
    loop {
        // p ← p · 3
        p = p ^ (p << 1) ^ (if p & 0x80 != 0 { 0x1b } else { 0 });
        // q ← q / 3 (multiply by 0xf6, the inverse of 3)
        q ^= q << 1;
        q ^= q << 2;
        q ^= q << 4;
        if q & 0x80 != 0 {
            q ^= 0x09;
        }
        let s = q ^ q.rotate_left(1) ^ q.rotate_left(2) ^ q.rotate_left(3) ^ q.rotate_left(4) ^ 0x63;
        sbox[p as usize] = s;
        if p == 1 {
            break;
        }
    }
    sbox[0] = 0x63;
    sbox
}

static SBOX: [u8; 256] = make_sbox();

struct Aes128 {
    round_keys: [[u8; 16]; 11],
}

impl Aes128 {
    /// Key expansion (FIPS-197 §5.2) for Nk = 4, Nr = 10.
    fn new(key: &[u8; 16]) -> Aes128 {
        let mut w = [[0u8; 4]; 44];
        for i in 0..4 {
            w[i].copy_from_slice(&key[4 * i..4 * i + 4]);
        }
        let mut rcon = 1u8;
        for i in 4..44 {
            let mut t = w[i - 1];
            if i % 4 == 0 {
                t = [SBOX[t[1] as usize] ^ rcon, SBOX[t[2] as usize], SBOX[t[3] as usize], SBOX[t[0] as usize]];
                rcon = gmul(rcon, 2);
            }
            for j in 0..4 {
                w[i][j] = w[i - 4][j] ^ t[j];
            }
        }
        let mut round_keys = [[0u8; 16]; 11];
        for r in 0..11 {
            for c in 0..4 {
                round_keys[r][4 * c..4 * c + 4].copy_from_slice(&w[4 * r + c]);
            }
        }
        Aes128 { round_keys }
    }

    /// Cipher (FIPS-197 §5.1); the state is column-major like the input bytes.
    fn encrypt_block(&self, block: &mut [u8; 16]) {
        add_round_key(block, &self.round_keys[0]);
        for round in 1..10 {
            sub_shift(block);
            mix_columns(block);
            add_round_key(block, &self.round_keys[round]);
        }
        sub_shift(block);
        add_round_key(block, &self.round_keys[10]);
    }
}

fn add_round_key(s: &mut [u8; 16], k: &[u8; 16]) {
    for i in 0..16 {
        s[i] ^= k[i];
    }
}

/// SubBytes then ShiftRows (row r rotated left by r; byte (r, c) is s[4c + r]).
fn sub_shift(s: &mut [u8; 16]) {
    let t = *s;
    for c in 0..4 {
        for r in 0..4 {
            s[4 * c + r] = SBOX[t[4 * ((c + r) % 4) + r] as usize];
        }
    }
}

fn mix_columns(s: &mut [u8; 16]) {
    for c in 0..4 {
        let a = [s[4 * c], s[4 * c + 1], s[4 * c + 2], s[4 * c + 3]];
        s[4 * c] = gmul(a[0], 2) ^ gmul(a[1], 3) ^ a[2] ^ a[3];
        s[4 * c + 1] = a[0] ^ gmul(a[1], 2) ^ gmul(a[2], 3) ^ a[3];
        s[4 * c + 2] = a[0] ^ a[1] ^ gmul(a[2], 2) ^ gmul(a[3], 3);
        s[4 * c + 3] = gmul(a[0], 3) ^ a[1] ^ a[2] ^ gmul(a[3], 2);
    }
}

/// CFB128 (SP 800-38A §6.3): O_j = CIPH(I_j), C_j = P_j ⊕ O_j, I_{j+1} = C_j; the last,
/// partial block uses the leading bytes of O_j (as OpenSSL's aes-128-cfb).
fn cfb_apply(cipher: &Aes128, iv: &[u8; 16], input: &[u8], output: &mut Vec<u8>, decrypt: bool) {
    output.clear();
    let mut feedback = *iv;
    for chunk in input.chunks(16) {
        let mut o = feedback;
        cipher.encrypt_block(&mut o);
        for (i, &b) in chunk.iter().enumerate() {
            let c = b ^ o[i];
            output.push(c);
            feedback[i] = if decrypt { b } else { c };
        }
    }
}

pub fn handle(input: &BTreeMap<String, Value>) -> Result<Value, String> {
    reject_unknown("aes", input, &["message", "messageHex", "iterations", "key", "iv", "seed"])?;
    let iterations = int_field("aes", input, "iterations", 2500, 1, MAX_ITERATIONS)?;
    let hex_arg = |field: &str, bytes: usize| -> Result<Option<[u8; 16]>, String> {
        match str_field("aes", input, field)? {
            None => Ok(None),
            Some(text) => match from_hex(text) {
                Some(v) if v.len() == bytes => {
                    let mut out = [0u8; 16];
                    out.copy_from_slice(&v);
                    Ok(Some(out))
                }
                _ => Err(format!("aes input field \"{}\" must be exactly {} hex digits ({} bytes), got {:?}", field, bytes * 2, bytes, text)),
            },
        }
    };
    let key = hex_arg("key", 16)?.unwrap_or_else(|| {
        let mut k = [0u8; 16];
        k.copy_from_slice(&from_hex(DEFAULT_KEY).unwrap_or_default());
        k
    });
    let text_message = str_field("aes", input, "message")?;
    let hex_message = str_field("aes", input, "messageHex")?;
    let message: Vec<u8> = match (text_message, hex_message) {
        (Some(_), Some(_)) => return Err("aes input fields \"message\" and \"messageHex\" are mutually exclusive".to_string()),
        (None, Some(h)) => match from_hex(h) {
            Some(v) if !v.is_empty() && v.len() <= MAX_MESSAGE_BYTES => v,
            _ => return Err(format!("aes input field \"messageHex\" must be 1..{} bytes of hex", MAX_MESSAGE_BYTES)),
        },
        (Some(m), None) => m.as_bytes().to_vec(),
        (None, None) => DEFAULT_MESSAGE.as_bytes().to_vec(),
    };
    if message.is_empty() || message.len() > MAX_MESSAGE_BYTES {
        return Err(format!("aes input field \"message\" must be 1..{} UTF-8 bytes long, got {} bytes", MAX_MESSAGE_BYTES, message.len()));
    }
    if iterations * message.len() as u64 > MAX_WORK_BYTES {
        return Err(format!("aes input iterations × message bytes must be <= {}, got {} × {}", MAX_WORK_BYTES, iterations, message.len()));
    }
    let explicit_iv = hex_arg("iv", 16)?;
    let seed = if input.contains_key("seed") { Some(int_field("aes", input, "seed", 0, 0, 9007199254740991)?) } else { None };
    let iv: [u8; 16] = match (explicit_iv, seed) {
        (Some(_), Some(_)) => return Err("aes input fields \"iv\" and \"seed\" are mutually exclusive".to_string()),
        (Some(iv), None) => iv,
        (None, s) => {
            let mut rng = SplitMix64::new(match s {
                Some(seed) => seed,
                None => os_random_u64(),
            });
            let mut iv = [0u8; 16];
            iv[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
            iv[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
            iv
        }
    };
    let cipher = Aes128::new(&key);
    let mut ciphertext = Vec::with_capacity(message.len());
    let mut plaintext = Vec::with_capacity(message.len());
    let mut ok = true;
    for _ in 0..iterations {
        cfb_apply(&cipher, &iv, &message, &mut ciphertext, false);
        cfb_apply(&cipher, &iv, &ciphertext, &mut plaintext, true);
        ok &= plaintext == message;
    }
    let mut fields = vec![
        ("iterations", num(iterations as f64)),
        ("iv", string(&to_hex(&iv))),
        ("ciphertext", string(&to_hex(&ciphertext))),
        ("roundTrip", Value::Bool(ok)),
    ];
    match (text_message.is_some() || hex_message.is_none(), String::from_utf8(plaintext.clone())) {
        (true, Ok(text)) => fields.push(("plaintext", Value::Str(text))),
        _ => fields.push(("plaintextHex", string(&to_hex(&plaintext)))),
    }
    Ok(obj(fields))
}

// The proxy component's front end (feature `component`, wasm32 only; nothing elsewhere).
faas_core::export_http!(handle);
