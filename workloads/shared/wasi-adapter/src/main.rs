//! `wasi-adapter OUT.wasm`: writes the wasi_snapshot_preview1 *proxy* adapter embedded in the
//! pinned wasi-preview1-component-adapter-provider crate (workloads/Cargo.toml), which turns
//! a wasm32-wasip1 core module exporting wasi:http/incoming-handler into a proxy component.
use wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER as PROXY;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        eprintln!("usage: {} OUT.wasm", args[0]);
        std::process::exit(2);
    }
    if let Err(e) = std::fs::write(&args[1], PROXY) {
        eprintln!("cannot write {}: {}", args[1], e);
        std::process::exit(1);
    }
}
