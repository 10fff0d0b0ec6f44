//! Where a cell's arrays live: on the heap (built or loaded at run time) or in the binary's
//! read-only data (baked in at compile time by `#[weights = "..."]`). [`Data`] is one pointer
//! either way, so reading the weights costs the same as a `Box`'s: the hot path never asks
//! which.

use std::marker::PhantomData;
use std::ptr::NonNull;

/// A 64-byte aligned wrapper (a cache line): the heap form of [`super::Weights`].
#[repr(C, align(64))]
pub(crate) struct Aligned<T>(pub(crate) T);

/// Who owns the data behind the pointer (only dropping and writing ask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    /// `&'static` data: baked into the binary; never freed, never written.
    Static,
    /// A `Box<T>`.
    Boxed,
    /// A `Box<Aligned<T>>`.
    Aligned,
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

    /// Owns a box (moved, not copied).
    pub(crate) fn from_box(b: Box<T>) -> Self {
        Data {
            ptr: NonNull::from(Box::leak(b)),
            owner: Owner::Boxed,
            _owns: PhantomData,
        }
    }

    /// Owns a 64-byte aligned box.
    pub(crate) fn from_aligned(b: Box<Aligned<T>>) -> Self {
        Data {
            ptr: NonNull::from(&mut Box::leak(b).0),
            owner: Owner::Aligned,
            _owns: PhantomData,
        }
    }

    /// Whether the data is static (baked), not on the heap.
    pub fn is_static(&self) -> bool {
        self.owner == Owner::Static
    }

    /// A copy on the heap, aligned, made without passing through the stack.
    fn copy_aligned(&self) -> Self {
        let mut b = Box::<Aligned<T>>::new_uninit();
        // SAFETY: `T: Copy`, so a bitwise copy of a valid T is a valid T; the destination is a
        // fresh allocation of `Aligned<T>`, whose field T is at offset 0 (`repr(C)`).
        unsafe {
            std::ptr::copy_nonoverlapping(self.ptr.as_ptr(), b.as_mut_ptr().cast::<T>(), 1);
            Data::from_aligned(b.assume_init())
        }
    }
}

impl<T: Copy> std::ops::Deref for Data<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: the pointer is to a live T: a box this value owns, or static data.
        unsafe { self.ptr.as_ref() }
    }
}

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
            Owner::Boxed | Owner::Aligned => self.copy_aligned(),
        }
    }
}

impl<T: Copy> Drop for Data<T> {
    fn drop(&mut self) {
        // SAFETY: each owner frees the box it was made from, with that box's layout.
        unsafe {
            match self.owner {
                Owner::Static => {}
                Owner::Boxed => drop(Box::from_raw(self.ptr.as_ptr())),
                Owner::Aligned => drop(Box::from_raw(self.ptr.as_ptr().cast::<Aligned<T>>())),
            }
        }
    }
}

#[cfg(test)]
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
    fn heap_data_clones_deeply() {
        let a = Data::from_box(Box::new([1.0f32, 2.0]));
        let mut b = a.clone();
        b[0] = 9.0;
        assert_eq!((*a, *b), ([1.0, 2.0], [9.0, 2.0]));
    }
}
