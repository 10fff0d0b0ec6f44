//! The HDF5 side: the few reads a Keras file needs, over the `hdf5-reader` crate (the only file
//! that names it), every failure a [`Problem::Malformed`] naming the file part and the object.
//! A file on disk is read in place (positional reads of the parts needed); a large dataset is
//! read in slabs of rows straight into its tensor, so it is never held twice.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Mutex;

use hdf5_reader::group::Group;
use hdf5_reader::messages::datatype::Datatype;
use hdf5_reader::storage::{Storage, StorageBuffer};
use hdf5_reader::{Hdf5File, OpenOptions, SliceInfo, SliceInfoElem};

use super::Problem;

pub(crate) struct File {
    inner: Hdf5File,
    /// The most bytes a dataset of this file can decode to: its values must be in the file
    /// (deflate's largest ratio, 1032, allowed), so a damaged small file that claims a huge
    /// dataset is refused before anything is allocated for it.
    budget: u64,
    /// `model.weights.h5` or `the HDF5 file`, for messages.
    label: &'static str,
}

/// A dataset read as f32: its shape, its values, its dtype's name when it is not a float.
pub(crate) enum Data {
    Float(Vec<u64>, Vec<f32>),
    NotFloat(String),
}

/// The decode budget of a file of `len` bytes (see `File::budget`).
fn budget(len: u64) -> u64 {
    len.saturating_mul(1032).min(usize::MAX as u64)
}

/// Values read per slab of a large dataset (256 KiB of f32: the read buffer and the decoded
/// slab are all a big tensor costs beside itself).
const SLAB: u64 = 1 << 16;

/// `len` bytes of a file from `base`: an HDF5 file inside a stored zip entry, or a whole file.
struct Window {
    file: Mutex<std::fs::File>,
    base: u64,
    len: u64,
}

impl Storage for Window {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_range(&self, offset: u64, len: usize) -> hdf5_reader::error::Result<StorageBuffer> {
        let eof = hdf5_reader::error::Error::UnexpectedEof {
            offset,
            needed: len as u64,
            available: self.len.saturating_sub(offset),
        };
        let end = offset.checked_add(len as u64);
        if end.is_none_or(|end| end > self.len) {
            return Err(eof);
        }
        let mut buf = alloc::vec![0u8; len];
        // A poisoned lock only means another read panicked; the file itself is fine.
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(self.base + offset))?;
        file.read_exact(&mut buf)?;
        Ok(StorageBuffer::from_vec(buf))
    }
}

impl File {
    /// An HDF5 file in memory.
    pub(crate) fn from_bytes(bytes: Vec<u8>, label: &'static str) -> Result<File, Problem> {
        let budget = budget(bytes.len() as u64);
        let options = OpenOptions::default().with_max_read_bytes(budget as usize);
        Self::opened(
            Hdf5File::from_vec_with_options(bytes, options),
            budget,
            label,
        )
    }

    /// An HDF5 file on disk, read in place.
    pub(crate) fn open(path: &std::path::Path, label: &'static str) -> Result<File, Problem> {
        let file = std::fs::File::open(path)
            .map_err(|e| Problem::Malformed(format!("{label} cannot be read: {e}")))?;
        let len = file
            .metadata()
            .map_err(|e| Problem::Malformed(format!("{label} cannot be read: {e}")))?
            .len();
        Self::window(file, 0, len, label)
    }

    /// The HDF5 file in `len` bytes of `file` from `base`, read in place.
    pub(crate) fn window(
        file: std::fs::File,
        base: u64,
        len: u64,
        label: &'static str,
    ) -> Result<File, Problem> {
        let storage = Window {
            file: Mutex::new(file),
            base,
            len,
        };
        let options = OpenOptions::default().with_max_read_bytes(budget(len) as usize);
        let inner = Hdf5File::from_storage_with_options(Arc::new(storage), options);
        Self::opened(inner, budget(len), label)
    }

    fn opened(
        inner: hdf5_reader::error::Result<Hdf5File>,
        budget: u64,
        label: &'static str,
    ) -> Result<File, Problem> {
        let inner = inner
            .map_err(|e| Problem::Malformed(format!("{label} cannot be opened as HDF5: {e}")))?;
        Ok(File {
            inner,
            budget,
            label,
        })
    }

    fn bad(&self, object: &str, e: impl core::fmt::Display) -> Problem {
        let at = if object.is_empty() { "/" } else { object };
        Problem::Malformed(format!("{}: `{at}`: {e}", self.label))
    }

    /// The group at `path` (`""`: the root).
    pub(crate) fn group(&self, path: &str) -> Result<Group, Problem> {
        let found = if path.is_empty() {
            self.inner.root_group()
        } else {
            self.inner.group(path)
        };
        found.map_err(|e| self.bad(path, e))
    }

    /// The group at `path`, `None` when there is none.
    pub(crate) fn try_group(&self, path: &str) -> Result<Option<Group>, Problem> {
        match self.inner.group(path) {
            Ok(g) => Ok(Some(g)),
            Err(hdf5_reader::error::Error::GroupNotFound(_)) => Ok(None),
            Err(e) => Err(self.bad(path, e)),
        }
    }

    /// A string attribute (fixed-length or variable-length) of `group`, `None` when absent.
    pub(crate) fn string_attr(&self, group: &Group, name: &str) -> Result<Option<String>, Problem> {
        Ok(self.strings_attr(group, name)?.map(|v| v.concat()))
    }

    /// A string-array attribute; an empty array of any type (Keras writes `weight_names` of a
    /// layer without weights as an empty float array) is an empty list.
    pub(crate) fn strings_attr(
        &self,
        group: &Group,
        name: &str,
    ) -> Result<Option<Vec<String>>, Problem> {
        let attrs = group
            .attributes()
            .map_err(|e| self.bad(group.name(), format!("attributes: {e}")))?;
        let Some(a) = attrs.into_iter().find(|a| a.name == name) else {
            return Ok(None);
        };
        if a.shape.contains(&0) {
            return Ok(Some(Vec::new()));
        }
        a.read_strings()
            .map(Some)
            .map_err(|e| self.bad(group.name(), format!("attribute `{name}`: {e}")))
    }

    /// A list attribute Keras may split when it exceeds HDF5's 64 KiB header limit: `name`, or
    /// `name0`, `name1`, ... concatenated.
    pub(crate) fn chunked_strings_attr(
        &self,
        group: &Group,
        name: &str,
    ) -> Result<Option<Vec<String>>, Problem> {
        if let Some(v) = self.strings_attr(group, name)? {
            return Ok(Some(v));
        }
        let mut out: Option<Vec<String>> = None;
        for i in 0.. {
            match self.strings_attr(group, &format!("{name}{i}"))? {
                Some(v) => out.get_or_insert_with(Vec::new).extend(v),
                None => break,
            }
        }
        Ok(out)
    }

    /// The datasets directly in the group at `path`, by name.
    pub(crate) fn datasets(&self, path: &str) -> Result<Vec<String>, Problem> {
        let g = self.group(path)?;
        let (_, datasets) = g.member_names().map_err(|e| self.bad(path, e))?;
        Ok(datasets)
    }

    /// The dataset at `path`, as f32.
    pub(crate) fn read(&self, path: &str) -> Result<Data, Problem> {
        let d = self.inner.dataset(path).map_err(|e| self.bad(path, e))?;
        let shape = d.shape().to_vec();
        let data = match d.dtype() {
            Datatype::FloatingPoint { size: 4, .. } => read_f32(&d, &shape, self.budget),
            Datatype::FloatingPoint { size: 8, .. } => d
                .read_array::<f64>()
                .map(|a| a.iter().map(|&v| v as f32).collect()),
            Datatype::FloatingPoint { size, .. } => {
                return Ok(Data::NotFloat(format!("float{}", u32::from(*size) * 8)));
            }
            other => return Ok(Data::NotFloat(dtype_name(other))),
        }
        .map_err(|e| self.bad(path, e))?;
        let count = shape.iter().try_fold(1u64, |n, &d| n.checked_mul(d));
        if count != Some(data.len() as u64) {
            return Err(self.bad(path, format!("shape {shape:?} but {} values", data.len())));
        }
        Ok(Data::Float(shape, data))
    }
}

/// A float32 dataset's values: whole when small, else in slabs of rows appended to one vector
/// (a contiguous dataset's slab is one positional read), so the file's copy of a big tensor is
/// never in memory beside the tensor.
fn read_f32(
    d: &hdf5_reader::Dataset,
    shape: &[u64],
    budget: u64,
) -> hdf5_reader::error::Result<Vec<f32>> {
    let whole =
        |d: &hdf5_reader::Dataset| d.read_array::<f32>().map(|a| a.into_raw_vec_and_offset().0);
    let (Some(&rows), Some(count)) = (
        shape.first(),
        shape.iter().try_fold(1u64, |n, &d| n.checked_mul(d)),
    ) else {
        return whole(d);
    };
    let row = count.checked_div(rows).unwrap_or(0);
    if count <= SLAB || row == 0 || row > SLAB {
        return whole(d);
    }
    let step = SLAB / row;
    if count.saturating_mul(4) > budget {
        return Err(hdf5_reader::error::Error::ResourceLimit(format!(
            "{count} values are more than a file of this size can hold"
        )));
    }
    let mut out = Vec::new();
    usize::try_from(count)
        .ok()
        .and_then(|n| out.try_reserve_exact(n).ok())
        .ok_or_else(|| {
            hdf5_reader::error::Error::InvalidData(format!("{count} values do not fit in memory"))
        })?;
    let mut start = 0;
    while start < rows {
        let end = (start + step).min(rows);
        let mut selections = alloc::vec![SliceInfoElem::Slice {
            start,
            end,
            step: 1
        }];
        selections.extend((1..shape.len()).map(|_| SliceInfoElem::Slice {
            start: 0,
            end: u64::MAX,
            step: 1,
        }));
        let slab = d.read_slice::<f32>(&SliceInfo { selections })?;
        out.extend(slab.iter());
        start = end;
    }
    Ok(out)
}

fn dtype_name(t: &Datatype) -> String {
    let text = format!("{t:?}");
    text.split([' ', '{', '('])
        .next()
        .unwrap_or("?")
        .to_string()
}
