//! Pages: a block's run of entries in a table keyed height first (JMT nodes, undo entries) stored as
//! a few large table entries instead of one per entry.
//!
//! A block creates some 20,000 JMT nodes and 10,000 undo entries. Inserted one by one, each cost a
//! B-tree descent and a share of the B-tree pages the commit rewrites, and pruning later read and
//! deleted them one by one too. A page holds consecutive entries of one run (their keys share the
//! 8-byte big-endian version or height that starts them) in key order, and is stored under the key
//! of its first entry. The table then holds a few hundred entries per block, and an entry is found
//! with one descent (the last page key at or below its key) and a binary search inside the page.
//!
//! Layout (little-endian): `count: u32`, then `count + 1` offsets (`u32`, from the start of the
//! entries area, the last one its end), then the entries, each `key_len: u16 ‖ key ‖ value`.

use crate::{Entry, StateError};
use redb::ReadableTable;

/// Bytes of the big-endian version or height that starts every key of a run.
pub(crate) const RUN_PREFIX: usize = 8;

/// Pages are closed once their entries reach this many bytes: large enough that a block's run is a
/// few hundred entries, small enough that reading a page for one node stays cheap.
pub(crate) const PAGE_BYTES: usize = 16 * 1024;

/// Bytes of one offset or of the count.
const WORD: usize = 4;

/// Bytes of an entry's key length.
const KEY_LEN: usize = 2;

/// Builds one page from entries pushed in strictly increasing key order.
#[derive(Default)]
struct PageBuilder {
    offsets: Vec<u32>,
    entries: Vec<u8>,
    /// Where the last key pushed sits in `entries`.
    last_key: Option<std::ops::Range<usize>>,
}

fn malformed(what: &str) -> StateError {
    StateError(format!(
        "page of a block's run (JMT nodes or undo entries): {what}"
    ))
}

impl PageBuilder {
    /// Appends an entry; keys must come in strictly increasing order.
    fn push(&mut self, key: &[u8], value: &[u8]) -> Result<(), StateError> {
        let last = self.last_key.clone().and_then(|r| self.entries.get(r));
        if last.is_some_and(|last| last >= key) {
            return Err(malformed("keys pushed out of order"));
        }
        let key_len = u16::try_from(key.len()).map_err(|_| malformed("key too long"))?;
        let start = self.entries.len();
        self.offsets
            .push(u32::try_from(start).map_err(|_| malformed("page too large"))?);
        self.entries.extend_from_slice(&key_len.to_le_bytes());
        let key_start = self.entries.len();
        self.entries.extend_from_slice(key);
        self.last_key = Some(key_start..self.entries.len());
        self.entries.extend_from_slice(value);
        Ok(())
    }

    /// The key of the first entry pushed: the page's key in its table.
    fn first_key(&self) -> Option<&[u8]> {
        let (len, rest) = self.entries.split_first_chunk::<KEY_LEN>()?;
        rest.get(..usize::from(u16::from_le_bytes(*len)))
    }

    /// Bytes of entries so far.
    fn entry_bytes(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry was pushed.
    fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// The encoded page.
    fn finish(&self) -> Result<Vec<u8>, StateError> {
        let too_large = || malformed("page too large");
        let count = u32::try_from(self.offsets.len()).map_err(|_| too_large())?;
        let end = u32::try_from(self.entries.len()).map_err(|_| too_large())?;
        let header = self
            .offsets
            .len()
            .checked_add(2)
            .and_then(|words| words.checked_mul(WORD))
            .ok_or_else(too_large)?;
        let mut out = Vec::with_capacity(header.saturating_add(self.entries.len()));
        out.extend_from_slice(&count.to_le_bytes());
        for offset in self.offsets.iter().chain(std::iter::once(&end)) {
            out.extend_from_slice(&offset.to_le_bytes());
        }
        out.extend_from_slice(&self.entries);
        Ok(out)
    }
}

/// An encoded page, read in place.
pub(crate) struct Page<'a> {
    count: usize,
    offsets: &'a [u8],
    entries: &'a [u8],
}

impl<'a> Page<'a> {
    /// Checks the header of `bytes`; entries are checked as they are read.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, StateError> {
        let (count, rest) = bytes
            .split_first_chunk::<WORD>()
            .ok_or_else(|| malformed("shorter than its count"))?;
        let count = usize::try_from(u32::from_le_bytes(*count))
            .map_err(|_| malformed("count out of range"))?;
        let offsets_len = count
            .checked_add(1)
            .and_then(|n| n.checked_mul(WORD))
            .ok_or_else(|| malformed("count out of range"))?;
        let (offsets, entries) = rest
            .split_at_checked(offsets_len)
            .ok_or_else(|| malformed("shorter than its offsets"))?;
        Ok(Self {
            count,
            offsets,
            entries,
        })
    }

    /// Number of entries in the page.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Offset number `i` (`0..=count`).
    fn offset(&self, i: usize) -> Result<usize, StateError> {
        let start = i.checked_mul(WORD).ok_or_else(|| malformed("bad offset"))?;
        let word = self
            .offsets
            .get(start..start.saturating_add(WORD))
            .and_then(|w| <[u8; WORD]>::try_from(w).ok())
            .ok_or_else(|| malformed("bad offset"))?;
        usize::try_from(u32::from_le_bytes(word)).map_err(|_| malformed("bad offset"))
    }

    /// Entry `i` (`0..count`): its key and its value.
    pub(crate) fn entry(&self, i: usize) -> Result<(&'a [u8], &'a [u8]), StateError> {
        let start = self.offset(i)?;
        let end = self.offset(i.checked_add(1).ok_or_else(|| malformed("bad index"))?)?;
        let entry = self
            .entries
            .get(start..end)
            .ok_or_else(|| malformed("entry out of bounds"))?;
        let (key_len, rest) = entry
            .split_first_chunk::<KEY_LEN>()
            .ok_or_else(|| malformed("entry shorter than its key length"))?;
        rest.split_at_checked(usize::from(u16::from_le_bytes(*key_len)))
            .ok_or_else(|| malformed("entry shorter than its key"))
    }

    /// The value stored under `key`, if the page holds it.
    pub(crate) fn find(&self, key: &[u8]) -> Result<Option<&'a [u8]>, StateError> {
        let (mut low, mut high) = (0, self.count);
        while low < high {
            // low < high, so the midpoint neither overflows nor reaches `high`.
            let mid = low.saturating_add(high.saturating_sub(low) / 2);
            let (entry_key, value) = self.entry(mid)?;
            match entry_key.cmp(key) {
                std::cmp::Ordering::Less => low = mid.saturating_add(1),
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(Some(value)),
            }
        }
        Ok(None)
    }

    /// Every entry in key order.
    pub(crate) fn entries(
        &self,
    ) -> impl Iterator<Item = Result<(&'a [u8], &'a [u8]), StateError>> + '_ {
        (0..self.count).map(|i| self.entry(i))
    }
}

/// Splits entries (key, value), sorted by key, into pages of about [`PAGE_BYTES`], each within one
/// run; returns each page's key (its first entry's) and bytes.
pub(crate) fn paginate<'n>(
    entries: impl IntoIterator<Item = (&'n [u8], &'n [u8])>,
) -> Result<Vec<Entry>, StateError> {
    let mut pages = Vec::new();
    let mut page = PageBuilder::default();
    let mut close = |page: &PageBuilder| -> Result<(), StateError> {
        if let Some(first) = page.first_key() {
            pages.push((first.to_vec(), page.finish()?));
        }
        Ok(())
    };
    for (key, value) in entries {
        // A page never mixes runs: a lookup takes a page whose first key is of another run as
        // proof that the key is absent.
        if page
            .first_key()
            .is_some_and(|first| first.get(..RUN_PREFIX) != key.get(..RUN_PREFIX))
        {
            close(&page)?;
            page = PageBuilder::default();
        }
        page.push(key, value)?;
        if page.entry_bytes() >= PAGE_BYTES {
            close(&page)?;
            page = PageBuilder::default();
        }
    }
    if !page.is_empty() {
        close(&page)?;
    }
    Ok(pages)
}

/// Reads the entry stored under `key` in a table of pages, if any, through `read`: the page that
/// could hold it is the last one whose key is at or below it, provided that page belongs to the same
/// run.
pub(crate) fn find_in_pages<R>(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    key: &[u8],
    read: impl FnOnce(&[u8]) -> R,
) -> Result<Option<R>, StateError> {
    let lookup = |e: redb::StorageError| StateError(format!("looking up a page: {e}"));
    let Some((first, page)) = table
        .range::<&[u8]>(..=key)
        .map_err(lookup)?
        .next_back()
        .transpose()
        .map_err(lookup)?
    else {
        return Ok(None);
    };
    if first.value().get(..RUN_PREFIX) != key.get(..RUN_PREFIX) {
        return Ok(None);
    }
    Ok(Page::parse(page.value())?.find(key)?.map(read))
}

/// Number of entries in every page of `table`.
pub(crate) fn count_entries(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
) -> Result<u64, StateError> {
    let scan = |e: redb::StorageError| StateError(format!("counting the entries of pages: {e}"));
    let mut count = 0u64;
    for entry in table.iter().map_err(scan)? {
        let (_, page) = entry.map_err(scan)?;
        let len = u64::try_from(Page::parse(page.value())?.len()).unwrap_or(u64::MAX);
        count = count.saturating_add(len);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn key(i: u32) -> Vec<u8> {
        let mut k = vec![0, 0, 0, 0, 0, 0, 0, 7];
        k.extend_from_slice(&(i * 2).to_be_bytes());
        k
    }

    #[test]
    fn pages_find_exactly_the_nodes_they_hold_and_give_them_back_in_order() {
        let nodes: Vec<(Vec<u8>, Vec<u8>)> = (0..3_000u32)
            .map(|i| {
                (
                    key(i),
                    vec![u8::try_from(i % 251).unwrap(); (i % 700) as usize],
                )
            })
            .collect();
        let pages = paginate(nodes.iter().map(|(k, v)| (k.as_slice(), v.as_slice()))).unwrap();
        assert!(pages.len() > 10, "{} pages", pages.len());
        let mut back = Vec::new();
        for (first, bytes) in &pages {
            let page = Page::parse(bytes).unwrap();
            assert_eq!(page.entry(0).unwrap().0, first.as_slice());
            for entry in page.entries() {
                let (k, v) = entry.unwrap();
                assert_eq!(page.find(k).unwrap(), Some(v));
                // Odd keys fall between the stored ones.
                let mut between = k.to_vec();
                *between.last_mut().unwrap() += 1;
                assert_eq!(page.find(&between).unwrap(), None);
                back.push((k.to_vec(), v.to_vec()));
            }
            assert_eq!(page.find(b"").unwrap(), None);
            assert_eq!(page.find(&[0xff; 20]).unwrap(), None);
        }
        assert_eq!(back, nodes);
        assert!(paginate(std::iter::empty()).unwrap().is_empty());
    }

    #[test]
    fn a_page_holds_one_run_and_lookups_stay_within_their_run() {
        let mut later = key(1);
        later[7] = 8;
        let entries: [(&[u8], &[u8]); 3] = [(&key(0), b"a"), (&key(5), b"b"), (&later, b"c")];
        let pages = paginate(entries).unwrap();
        assert_eq!(pages.len(), 2, "one page per run");
        assert_eq!(pages[1].0, later);
        let page = Page::parse(&pages[0].1).unwrap();
        assert_eq!(page.len(), 2);
        assert_eq!(page.find(&key(5)).unwrap(), Some(&b"b"[..]));
    }

    #[test]
    fn out_of_order_keys_and_damaged_pages_are_errors() {
        let mut page = PageBuilder::default();
        page.push(b"b", b"1").unwrap();
        assert!(page.push(b"b", b"2").is_err());
        assert!(page.push(b"a", b"2").is_err());
        assert!(page.push(&vec![b'c'; 70_000], b"2").is_err());
        page.push(b"c", b"22").unwrap();
        let bytes = page.finish().unwrap();
        for cut in 0..bytes.len() {
            let damaged = &bytes[..cut];
            let found = Page::parse(damaged).and_then(|p| {
                p.find(b"c")?;
                p.entries().collect::<Result<Vec<_>, _>>()
            });
            assert!(found.is_err(), "cut at {cut}");
        }
        let page = Page::parse(&bytes).unwrap();
        assert_eq!(page.len(), 2);
        assert_eq!(page.find(b"c").unwrap(), Some(&b"22"[..]));
    }
}
