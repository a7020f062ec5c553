//! The write mode in force: a request body (writable properties only) or lossless (everything a
//! model holds, nested models included).

use serde::{Serialize, Serializer};

use super::WriteMode;

thread_local! {
    /// The mode of the serialisation running on this thread: nested models follow their parent.
    static MODE: std::cell::Cell<WriteMode> = const { std::cell::Cell::new(WriteMode::Request) };
}

/// The write mode in force: [`WriteMode::Lossless`] inside a [`Lossless`] serialisation (nested
/// values included), else [`WriteMode::Request`].
pub fn current_mode() -> WriteMode {
    MODE.with(std::cell::Cell::get)
}

/// Restores the previous mode when a [`Lossless`] serialisation ends, even on error.
struct ModeGuard(WriteMode);

impl Drop for ModeGuard {
    fn drop(&mut self) {
        MODE.with(|m| m.set(self.0));
    }
}

/// Serialises a model with every property it holds, read-only ones and annotations included, in
/// nested models too (a generated `Serialize` consults [`current_mode`]).
///
/// ```
/// use graph_odata_runtime::wire::{current_mode, Lossless, WriteMode};
/// struct Probe;
/// impl serde::Serialize for Probe {
///     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
///         s.serialize_bool(current_mode() == WriteMode::Lossless)
///     }
/// }
/// assert_eq!(serde_json::to_string(&Probe).unwrap(), "false");
/// assert_eq!(serde_json::to_string(&Lossless(&vec![Probe])).unwrap(), "[true]");
/// assert_eq!(serde_json::to_string(&Probe).unwrap(), "false");
/// ```
#[derive(Debug)]
pub struct Lossless<'a, T>(pub &'a T);

impl<T: Serialize> Serialize for Lossless<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let _restore = ModeGuard(MODE.with(|m| m.replace(WriteMode::Lossless)));
        self.0.serialize(s)
    }
}
