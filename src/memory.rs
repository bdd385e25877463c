//! The memory limit (`--max-memory-mb`). The binary installs [`Counting`] (mimalloc underneath) as its
//! global allocator: it counts the bytes in use by the whole process. The pipeline looks at the count between steps (and the
//! interpreter every few thousand operators); a file that finds the count over the limit is declined
//! with that reason, so a hostile file ends as a declined file rather than as the machine running out
//! of memory. The limit is for the process (files in parallel share it). Without the allocator (the
//! library used alone) nothing is counted and the limit never trips.

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// Bytes in use by the whole process, as last reported by the threads (each thread reports its own
/// change once it passes [`BATCH`] bytes either way, so the count is off by at most that per thread).
static IN_USE: AtomicIsize = AtomicIsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// How far a thread's unreported change may go before it is added to [`IN_USE`]. Counting every
/// allocation in one shared atomic made the threads fight over its cache line (`--jobs 2` used a
/// quarter more CPU than `--jobs 1` for the same files).
const BATCH: isize = 256 << 10;

thread_local! {
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

#[inline]
fn count(delta: isize) {
    // `try_with`: during a thread's teardown the slot may be gone; the change then goes straight in.
    let flushed = PENDING.try_with(|p| {
        let v = p.get() + delta;
        if v.abs() >= BATCH {
            p.set(0);
            IN_USE.fetch_add(v, Ordering::Relaxed);
        } else {
            p.set(v);
        }
    });
    if flushed.is_err() {
        IN_USE.fetch_add(delta, Ordering::Relaxed);
    }
}

/// mimalloc (fast, and it scales across threads), counting.
pub struct Counting;

#[allow(unsafe_code)] // (Cargo.toml denies unsafe code elsewhere: an allocator needs it.)
                      // SAFETY: every call is passed to mimalloc unchanged; only a counter is kept beside it.
unsafe impl GlobalAlloc for Counting {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is mimalloc's.
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { MiMalloc.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { MiMalloc.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Sets the limit, in bytes (`usize::MAX`: none).
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// Bytes in use by the process (0 when the counting allocator is not installed).
pub fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed).max(0) as usize
}

/// The reason to decline, when the process uses more than the limit.
pub fn over_limit() -> Option<String> {
    let limit = LIMIT.load(Ordering::Relaxed);
    (in_use() > limit).then(|| {
        format!(
            "the memory limit of {} MB was reached (--max-memory-mb)",
            limit >> 20
        )
    })
}
