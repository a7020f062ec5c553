//! Capturing what the fmt subscriber writes, for the tests of tracing output. Each test binary that
//! uses it installs a subscriber in every test, so no test registers a callsite while none exists
//! (tracing caches per-callsite interest process-wide).

use std::sync::{Arc, Mutex};

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was written so far, as text.
    pub fn text(&self) -> String {
        match self.0.lock() {
            Ok(v) => String::from_utf8_lossy(&v).into_owned(),
            Err(_) => String::new(),
        }
    }
}

/// Everything traced at `level` and above on this thread, until the guard drops, goes to the
/// returned buffer (plain text, no colours).
pub fn capture(level: tracing::Level) -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}
