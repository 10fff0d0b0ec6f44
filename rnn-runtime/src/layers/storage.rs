//! Where a cell's arrays live: on the heap (built or loaded at run time) or in the binary's
//! read-only data (baked in at compile time by `#[weights = "..."]`). [`Data`] is one pointer
//! either way, so reading the weights costs the same as a `Box`'s: the hot path never asks
//! which.

#[cfg(feature = "alloc")]
use crate::heap::Box;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A 64-byte aligned wrapper (a cache line): the heap form of [`super::Weights`].
#[cfg(feature = "alloc")]
#[repr(C, align(64))]
pub(crate) struct Aligned<T>(pub(crate) T);

/// 2 MiB aligned (a huge page): the heap form of [`super::Weights`] of [`HUGE`] bytes or more.
#[cfg(feature = "alloc")]
#[repr(C, align(2097152))]
pub(crate) struct HugeAligned<T>(pub(crate) T);

/// From this size on, weights are 2 MiB aligned and, on Linux, advised onto transparent huge
/// pages (`madvise(MADV_HUGEPAGE)`, before the first write). A folded Embedding table (10000
/// x 128 floats: 5 MB) is read a random row at a time; on 4 KiB pages nearly every row is a TLB
/// miss, which in a virtual machine costs a nested page walk. Measured (docs/PERFORMANCE.md):
/// lstm128 25.7 ms on 4 KiB pages, 18.8 ms on huge pages. Where the OS gives no huge pages the
/// advice is ignored and only the alignment remains.
#[cfg(feature = "alloc")]
pub(crate) const HUGE: usize = 2 << 20;

/// Who owns the data behind the pointer (only dropping and writing ask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    /// `&'static` data: baked into the binary; never freed, never written.
    Static,
    /// A `Box<T>`.
    #[cfg(feature = "alloc")]
    Boxed,
    /// A `Box<Aligned<T>>`.
    #[cfg(feature = "alloc")]
    Aligned,
    /// A `Box<HugeAligned<T>>`.
    #[cfg(feature = "alloc")]
    Huge,
}

/// An array of weights owned on the heap or borrowed from static data, read through one
/// pointer (`Deref`). Writing (`DerefMut`, only when building or loading) to static data first
/// copies it to the heap.
pub struct Data<T: Copy> {
    ptr: NonNull<T>,
    owner: Owner,
    _owns: PhantomData<T>,
}

// SAFETY: `Data<T>` is a `Box<T>` or a `&'static T`: both are Send and Sync when T is.
unsafe impl<T: Copy + Send> Send for Data<T> {}
// SAFETY: as above; shared access only reads.
unsafe impl<T: Copy + Sync> Sync for Data<T> {}

impl<T: Copy> Data<T> {
    /// Borrows static data (a baked model's weights): no heap, no copy.
    pub const fn from_static(data: &'static T) -> Self {
        Data {
            ptr: NonNull::from_ref(data),
            owner: Owner::Static,
            _owns: PhantomData,
        }
    }

    #[cfg(feature = "alloc")]
    /// Owns a box (moved, not copied).
    pub(crate) fn from_box(b: Box<T>) -> Self {
        Data {
            ptr: NonNull::from(Box::leak(b)),
            owner: Owner::Boxed,
            _owns: PhantomData,
        }
    }

    #[cfg(feature = "alloc")]
    /// Owns a 64-byte aligned box.
    pub(crate) fn from_aligned(b: Box<Aligned<T>>) -> Self {
        Data {
            ptr: NonNull::from(&mut Box::leak(b).0),
            owner: Owner::Aligned,
            _owns: PhantomData,
        }
    }

    #[cfg(feature = "alloc")]
    /// A T on the heap, written by `fill` (which must initialise all of it): 64-byte aligned,
    /// or below [`HUGE`] bytes 2 MiB aligned and advised onto huge pages before `fill` touches
    /// a page. Never through the stack, whatever the size.
    ///
    /// # Safety
    /// `fill` must write every byte of the T it is given.
    pub(crate) unsafe fn new_with(fill: impl FnOnce(*mut T)) -> Self {
        if size_of::<T>() >= HUGE {
            let mut b = Box::<HugeAligned<T>>::new_uninit();
            let p = b.as_mut_ptr().cast::<T>();
            advise_huge_pages(p.cast(), size_of::<HugeAligned<T>>());
            fill(p);
            // SAFETY: `fill` initialised the T, the wrapper's only field, at offset 0.
            let b = unsafe { b.assume_init() };
            Data {
                ptr: NonNull::from(&mut Box::leak(b).0),
                owner: Owner::Huge,
                _owns: PhantomData,
            }
        } else {
            let mut b = Box::<Aligned<T>>::new_uninit();
            fill(b.as_mut_ptr().cast::<T>());
            // SAFETY: as above.
            Data::from_aligned(unsafe { b.assume_init() })
        }
    }

    /// Whether the data is static (baked), not on the heap.
    pub fn is_static(&self) -> bool {
        self.owner == Owner::Static
    }

    #[cfg(feature = "alloc")]
    /// A copy on the heap, aligned, made without passing through the stack.
    fn copy_aligned(&self) -> Self {
        // SAFETY: `T: Copy`, so a bitwise copy of a valid T is a valid T, written whole.
        unsafe { Data::new_with(|p| std::ptr::copy_nonoverlapping(self.ptr.as_ptr(), p, 1)) }
    }
}

/// Asks Linux to back `len` bytes from `p` (2 MiB aligned, not yet touched) with transparent
/// huge pages. A hint: a kernel without them, or with them off, leaves 4 KiB pages.
#[cfg(all(feature = "std", target_os = "linux"))]
fn advise_huge_pages(p: *mut u8, len: usize) {
    // SAFETY: madvise only changes how the kernel backs these pages of our own allocation;
    // MADV_HUGEPAGE never changes their contents. Its result is a hint's: ignored.
    unsafe { libc::madvise(p.cast(), len, libc::MADV_HUGEPAGE) };
}

#[cfg(all(feature = "alloc", not(all(feature = "std", target_os = "linux"))))]
fn advise_huge_pages(_: *mut u8, _: usize) {}

impl<T: Copy> std::ops::Deref for Data<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: the pointer is to a live T: a box this value owns, or static data.
        unsafe { self.ptr.as_ref() }
    }
}

#[cfg(feature = "alloc")]
impl<T: Copy> std::ops::DerefMut for Data<T> {
    /// Static data is copied to the heap first (copy on write), so it is never written.
    fn deref_mut(&mut self) -> &mut T {
        if self.owner == Owner::Static {
            *self = self.copy_aligned();
        }
        // SAFETY: the pointer is to a T this value owns uniquely (a box).
        unsafe { self.ptr.as_mut() }
    }
}

impl<T: Copy> Clone for Data<T> {
    /// Static data is shared; heap data is copied (on the heap, never through the stack).
    fn clone(&self) -> Self {
        match self.owner {
            Owner::Static => Data {
                ptr: self.ptr,
                owner: Owner::Static,
                _owns: PhantomData,
            },
            #[cfg(feature = "alloc")]
            Owner::Boxed | Owner::Aligned | Owner::Huge => self.copy_aligned(),
        }
    }
}

/// Static data is never freed; without `alloc` there is nothing else, so no `Drop` (a baked
/// model can then live in a `static`, and a `Drop` impl would be empty).
#[cfg(feature = "alloc")]
impl<T: Copy> Drop for Data<T> {
    fn drop(&mut self) {
        // SAFETY: each owner frees the box it was made from, with that box's layout.
        unsafe {
            match self.owner {
                Owner::Static => {}
                #[cfg(feature = "alloc")]
                Owner::Boxed => drop(Box::from_raw(self.ptr.as_ptr())),
                #[cfg(feature = "alloc")]
                Owner::Aligned => drop(Box::from_raw(self.ptr.as_ptr().cast::<Aligned<T>>())),
                #[cfg(feature = "alloc")]
                Owner::Huge => drop(Box::from_raw(self.ptr.as_ptr().cast::<HugeAligned<T>>())),
            }
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    static TABLE: [[f32; 2]; 2] = [[1.0, 2.0], [3.0, 4.0]];

    #[test]
    fn static_data_is_borrowed_and_copied_on_write() {
        let mut d = Data::from_static(&TABLE);
        assert!(d.is_static() && std::ptr::eq(&*d, &TABLE));
        let shared = d.clone();
        assert!(std::ptr::eq(&*shared, &TABLE));
        d[1][1] = 5.0;
        assert!(!d.is_static());
        assert_eq!(*d, [[1.0, 2.0], [3.0, 5.0]]);
        assert_eq!(TABLE[1][1], 4.0);
        assert_eq!(d.as_ptr() as usize % 64, 0);
    }

    #[test]
    fn big_tables_are_huge_page_aligned_and_zeroed_or_copied_whole() {
        type Big = [[f32; 512]; 1024]; // exactly 2 MiB
        // SAFETY: write_bytes writes the whole T.
        let z = unsafe { Data::<Big>::new_with(|p| p.write_bytes(0, 1)) };
        assert_eq!(z.as_ptr() as usize % HUGE, 0);
        assert!(z.iter().all(|r| r.iter().all(|&v| v == 0.0)));
        let mut a = z.clone();
        a[1023][511] = 7.0;
        let b = a.clone();
        assert_eq!(b.as_ptr() as usize % HUGE, 0);
        assert_eq!((b[1023][511], b[0][0], z[1023][511]), (7.0, 0.0, 0.0));
    }

    #[test]
    fn heap_data_clones_deeply() {
        let a = Data::from_box(Box::new([1.0f32, 2.0]));
        let mut b = a.clone();
        b[0] = 9.0;
        assert_eq!((*a, *b), ([1.0, 2.0], [9.0, 2.0]));
    }
}
