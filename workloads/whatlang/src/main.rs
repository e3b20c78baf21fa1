//! The whatlang binary: the native action server, or on wasm32 the WASI command module.
fn main() {
    faas_core::run_main(faasmark_whatlang::handle)
}
