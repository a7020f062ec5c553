//! Makes cargo rebuild a crate when a metadata file its declarations were checked against changes.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use proc_macro2::TokenStream;
use quote::quote;

/// One `include_bytes!` per file not yet included by this compiler process.
///
/// Input:  `["/home/u/graph/v1.0.csdl.xml"]`
/// Output: `const _: &[u8] = include_bytes!("/home/u/graph/v1.0.csdl.xml");` (the first time only)
pub(crate) fn include_files(checked_against: &[PathBuf]) -> TokenStream {
    // One `include_bytes!` per file and compiler process is enough for cargo to rebuild the crate
    // when the file changes; one per declaration would make rustc read 3.5 MB hundreds of times.
    static TRACKED: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    let mut done = TRACKED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let files: Vec<String> = checked_against
        .iter()
        .filter(|p| !done.contains(p))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    done.extend(checked_against.iter().cloned());
    quote! {
        #(const _: &[u8] = include_bytes!(#files);)*
    }
}
