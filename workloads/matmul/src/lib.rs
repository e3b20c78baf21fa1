//! matmul workload: C = A·B for two n×n matrices of N(0,1) values from a seeded generator
//! (thesis: Go + gonum, n = 50). The generator uses only integer ops, +, −, ×, ÷ and sqrt
//! (IEEE-754 correctly rounded everywhere) and its own logarithm, so the native and the
//! wasm32 builds produce bit-identical matrices and products.

use faas_core::{bool_field, int_field, num, obj, reject_unknown, SplitMix64, Value};
use std::collections::BTreeMap;

const MAX_N: u64 = 1000;
const MAX_RETURN_N: u64 = 64;

/// ln 2 rounded to the nearest f64.
const LN2: f64 = 0.693_147_180_559_945_3;

/// Natural logarithm for normal positive x, from basic operations only (so every target
/// gives the same bits; libm's log may differ by an ULP between glibc and wasi-libc):
/// x = m·2^e with m in [√½, √2); ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.1716, by
/// the series 2·Σ t^(2k+1)/(2k+1) to 14 terms (t^28 < 1e-21: below f64 precision).
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    let mut k = 0;
    while k < 14 {
        sum += term / (2 * k + 1) as f64;
        term *= t2;
        k += 1;
    }
    e as f64 * LN2 + 2.0 * sum
}

/// Standard normal pairs by Marsaglia's polar method (Marsaglia & Bray 1964).
struct Normals {
    rng: SplitMix64,
    spare: Option<f64>,
}

impl Normals {
    fn next(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.rng.next_f64() - 1.0;
            let v = 2.0 * self.rng.next_f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * ln(s) / s).sqrt();
                self.spare = Some(v * f);
                return u * f;
            }
        }
    }
}

fn matrix_value(m: &[f64], n: usize) -> Value {
    Value::Arr((0..n).map(|i| Value::Arr(m[i * n..(i + 1) * n].iter().map(|x| num(*x)).collect())).collect())
}

pub fn handle(input: &BTreeMap<String, Value>) -> Result<Value, String> {
    reject_unknown("matmul", input, &["n", "seed", "returnMatrices"])?;
    let n = int_field("matmul", input, "n", 50, 1, MAX_N)? as usize;
    let seed = int_field("matmul", input, "seed", 42, 0, 9007199254740991)?;
    let return_matrices = bool_field("matmul", input, "returnMatrices", false)?;
    if return_matrices && n as u64 > MAX_RETURN_N {
        return Err(format!("matmul input field \"returnMatrices\" is only allowed for n <= {}, got n = {}", MAX_RETURN_N, n));
    }
    let mut normals = Normals { rng: SplitMix64::new(seed), spare: None };
    let a: Vec<f64> = (0..n * n).map(|_| normals.next()).collect();
    let b: Vec<f64> = (0..n * n).map(|_| normals.next()).collect();
    // i-k-j order; each c[i][j] still accumulates over k = 0..n in ascending order
    let mut c = vec![0.0f64; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            let brow = &b[k * n..(k + 1) * n];
            let crow = &mut c[i * n..(i + 1) * n];
            for j in 0..n {
                crow[j] += aik * brow[j];
            }
        }
    }
    let mut sum = 0.0;
    let mut squares = 0.0;
    for x in &c {
        sum += *x;
        squares += *x * *x;
    }
    let mut trace = 0.0;
    for i in 0..n {
        trace += c[i * n + i];
    }
    let mut fields = vec![
        ("n", num(n as f64)),
        ("seed", num(seed as f64)),
        ("sum", num(sum)),
        ("trace", num(trace)),
        ("frobenius", num(squares.sqrt())),
        ("c00", num(c[0])),
    ];
    if return_matrices {
        fields.push(("a", matrix_value(&a, n)));
        fields.push(("b", matrix_value(&b, n)));
        fields.push(("c", matrix_value(&c, n)));
    }
    Ok(obj(fields))
}

// The proxy component's front end (feature `component`, wasm32 only; nothing elsewhere).
faas_core::export_http!(handle);
