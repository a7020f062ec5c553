//! The process's peak resident memory, for the memory tests and the paging benchmark.

/// The peak resident set size of this process in KiB (`VmHWM` of `/proc/self/status`), or `None`
/// where the system does not report it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}
