//! The reference validator's single-column sorts, order of equal values included.
//!
//! pandas sorts a frame by one column with numpy's default `argsort(kind="quicksort")`,
//! an introsort that does not keep equal values in file order. A few reference rules
//! (199, 583, 1001) then keep "the first" row of each child, so which of two rows with
//! equal dates they keep is decided by that algorithm. No crate reproduces it, so it is
//! written out here from numpy 1.24's `npysort/quicksort.cpp` and `heapsort.cpp`:
//! median-of-three partitioning down to 16 elements, insertion sort below that, and
//! heapsort once the partitioning has gone twice the depth of a balanced one. (numpy's
//! generic version, for strings held as Python objects, also stops each partition scan
//! where the two meet; the median-of-three sentinels always stop them first, so both
//! versions order alike.)

use std::cmp::Ordering;

/// numpy's `SMALL_QUICKSORT`: partitions this long or shorter are insertion-sorted.
const SMALL_QUICKSORT: usize = 15;

/// The permutation numpy's `argsort(kind="quicksort")` gives for `len` values compared
/// by `less` (indices as `u32`: tables are read with at most `u32::MAX` rows, and the
/// rules sorting both years' episodes keep memory down this way).
pub(crate) fn argsort(len: usize, less: impl Fn(u32, u32) -> bool) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..u32::try_from(len).unwrap_or(u32::MAX)).collect();
    let len = idx.len();
    if len < 2 {
        return idx;
    }
    let mut stack: Vec<(usize, usize, i64)> = Vec::new();
    let (mut pl, mut pr) = (0usize, len - 1);
    let mut depth = i64::from(len.ilog2()) * 2;
    loop {
        if depth < 0 {
            heapsort(&mut idx[pl..=pr], &less);
        } else {
            while pr - pl > SMALL_QUICKSORT {
                let pm = pl + ((pr - pl) >> 1);
                if less(idx[pm], idx[pl]) {
                    idx.swap(pm, pl);
                }
                if less(idx[pr], idx[pm]) {
                    idx.swap(pr, pm);
                }
                if less(idx[pm], idx[pl]) {
                    idx.swap(pm, pl);
                }
                let pivot = idx[pm];
                let (mut pi, mut pj) = (pl, pr - 1);
                idx.swap(pm, pj);
                loop {
                    loop {
                        pi += 1;
                        if !less(idx[pi], pivot) {
                            break;
                        }
                    }
                    loop {
                        pj -= 1;
                        if !less(pivot, idx[pj]) {
                            break;
                        }
                    }
                    if pi >= pj {
                        break;
                    }
                    idx.swap(pi, pj);
                }
                idx.swap(pi, pr - 1);
                depth -= 1;
                // The larger side waits on the stack; the loop goes on with the other.
                if pi - pl < pr - pi {
                    stack.push((pi + 1, pr, depth));
                    pr = pi - 1;
                } else {
                    stack.push((pl, pi - 1, depth));
                    pl = pi + 1;
                }
            }
            for i in pl + 1..=pr {
                let v = idx[i];
                let mut j = i;
                while j > pl && less(v, idx[j - 1]) {
                    idx[j] = idx[j - 1];
                    j -= 1;
                }
                idx[j] = v;
            }
        }
        match stack.pop() {
            Some((l, r, d)) => (pl, pr, depth) = (l, r, d),
            None => break,
        }
    }
    idx
}

/// numpy's `aheapsort`, on a slice of indices (1-based heap arithmetic, as there).
fn heapsort(a: &mut [u32], less: &impl Fn(u32, u32) -> bool) {
    let mut n = a.len();
    // a[k - 1] is the heap's element k.
    let sift = |a: &mut [u32], mut i: usize, n: usize, tmp: u32| {
        let mut j = i * 2;
        while j <= n {
            if j < n && less(a[j - 1], a[j]) {
                j += 1;
            }
            if less(tmp, a[j - 1]) {
                a[i - 1] = a[j - 1];
                i = j;
                j += j;
            } else {
                break;
            }
        }
        a[i - 1] = tmp;
    };
    for l in (1..=n >> 1).rev() {
        let tmp = a[l - 1];
        sift(a, l, n, tmp);
    }
    while n > 1 {
        let tmp = a[n - 1];
        a[n - 1] = a[0];
        n -= 1;
        sift(a, 1, n, tmp);
    }
}

/// The row order of the reference's `sort_values(col, ascending)` over `len` rows:
/// rows with a value (`key` gives `Some`) sorted by numpy's quicksort (descending by
/// sorting the reversed rows and reversing the result, as pandas' `nargsort` does), then
/// the rows without one, in file order.
pub(crate) fn sort_values<K: Ord>(
    len: usize,
    ascending: bool,
    key: impl Fn(usize) -> Option<K>,
) -> Vec<u32> {
    let mut valued: Vec<(u32, K)> = Vec::with_capacity(len);
    let mut missing = Vec::new();
    for (row, index) in (0..len).zip(0u32..) {
        match key(row) {
            Some(k) => valued.push((index, k)),
            None => missing.push(index),
        }
    }
    if !ascending {
        valued.reverse();
    }
    let at = |i: u32| &valued[i as usize];
    let order = argsort(valued.len(), |a, b| at(a).1.cmp(&at(b).1) == Ordering::Less);
    let mut out: Vec<u32> = order.into_iter().map(|i| at(i).0).collect();
    if !ascending {
        out.reverse();
    }
    out.extend(missing);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values with many ties, and numpy 1.24.4's `argsort(kind="quicksort")` of them (the
    /// same for an int64, a datetime64 and an object array; printed by numpy in the
    /// reference's virtualenv). The second is long enough to partition several levels
    /// deep; checked also on 300 random arrays of up to 400 values while writing this.
    const SHORT: [u8; 40] = [
        3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7,
        9, 5, 0, 2, 8, 8, 4, 1, 9, 7,
    ];
    const SHORT_NUMPY: [usize; 40] = [
        32, 1, 37, 3, 28, 33, 6, 16, 21, 15, 24, 0, 27, 9, 25, 17, 23, 36, 19, 2, 4, 31, 8, 10, 20,
        22, 7, 29, 39, 13, 18, 11, 34, 35, 26, 30, 12, 5, 14, 38,
    ];
    const LONG: [u8; 121] = [
        1, 0, 0, 2, 2, 0, 2, 1, 0, 0, 1, 2, 2, 1, 1, 2, 0, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 2, 0, 0,
        1, 0, 0, 1, 0, 0, 0, 0, 2, 2, 0, 2, 1, 2, 1, 1, 2, 2, 0, 0, 0, 0, 2, 1, 2, 2, 0, 2, 2, 2,
        0, 2, 0, 2, 2, 0, 1, 0, 0, 2, 0, 1, 0, 0, 2, 0, 1, 2, 0, 0, 2, 1, 2, 2, 1, 2, 0, 1, 1, 1,
        1, 2, 1, 2, 0, 1, 0, 2, 1, 1, 0, 0, 1, 2, 0, 2, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 2, 0, 2,
        1,
    ];
    const LONG_NUMPY: [usize; 121] = [
        60, 29, 65, 32, 34, 35, 36, 37, 40, 86, 79, 28, 78, 49, 50, 51, 75, 73, 72, 56, 70, 68, 67,
        48, 94, 31, 62, 96, 112, 113, 9, 8, 16, 110, 5, 116, 118, 101, 2, 100, 1, 104, 71, 115,
        114, 66, 76, 95, 84, 109, 87, 108, 88, 89, 107, 106, 90, 102, 92, 99, 98, 111, 81, 0, 30,
        7, 10, 13, 14, 17, 18, 19, 25, 26, 33, 42, 44, 45, 120, 53, 77, 20, 103, 55, 105, 57, 69,
        15, 21, 58, 12, 11, 119, 61, 6, 4, 117, 3, 59, 22, 23, 24, 80, 47, 82, 83, 43, 85, 52, 41,
        39, 38, 74, 91, 63, 93, 27, 54, 97, 46, 64,
    ];

    #[test]
    fn equal_values_come_out_in_numpys_order() {
        let numpy = |order: &[usize]| order.iter().map(|i| *i as u32).collect::<Vec<u32>>();
        let short = |i: u32| SHORT[i as usize];
        let long = |i: u32| LONG[i as usize];
        assert_eq!(
            argsort(SHORT.len(), |a, b| short(a) < short(b)),
            numpy(&SHORT_NUMPY)
        );
        assert_eq!(
            argsort(LONG.len(), |a, b| long(a) < long(b)),
            numpy(&LONG_NUMPY)
        );
    }

    #[test]
    fn heapsort_sorts() {
        let values = [5u8, 3, 9, 3, 1, 7, 3, 0, 8];
        let mut idx: Vec<u32> = (0..9).collect();
        heapsort(&mut idx, &|a, b| values[a as usize] < values[b as usize]);
        let sorted: Vec<u8> = idx.iter().map(|i| values[*i as usize]).collect();
        assert_eq!(sorted, [0, 1, 3, 3, 3, 5, 7, 8, 9]);
    }

    #[test]
    fn descending_reverses_the_sort_of_the_reversed_rows_and_puts_blanks_last() {
        let values = [Some(2), None, Some(1), Some(2), None, Some(3)];
        assert_eq!(sort_values(6, false, |r| values[r]), [5, 0, 3, 2, 1, 4]);
        assert_eq!(sort_values(6, true, |r| values[r]), [2, 0, 3, 5, 1, 4]);
    }
}
