//! Lines two lists up in order (a weighted longest common subsequence), so
//! what both calls did sits on one row and what only one did sits alone.
//! Bounded: past [`MAX_ALIGNED`] items a side, lists are paired by order.

/// Above this many items on either side the lists are paired by order
/// instead: the alignment table grows with the product of the two lengths
/// (2,000 × 2,000 cells of 4 bytes ≈ 16 MB), and a page must not blow up.
pub const MAX_ALIGNED: usize = 2_000;

/// How two items may pair; items that may not pair have no `Match`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Match {
    /// Alike in every way compared.
    Exact,
    /// The same thing, said or done differently.
    Close,
}

/// One row of an alignment: an index into each list, or none on a side
/// where only the other list has the item.
pub(super) type Pair = (Option<usize>, Option<usize>);

/// A pairing's worth: pairs count first, then exact ones (so one more pair
/// always beats any number of exact ones). Counts stay under 2¹⁶ because
/// lists over [`MAX_ALIGNED`] are never aligned this way.
fn worth(m: Match) -> u32 {
    match m {
        Match::Exact => (1 << 16) + 1,
        Match::Close => 1 << 16,
    }
}

/// The rows of the best alignment of lists of `n` and `m` items, in order;
/// `matches(i, j)` says whether item `i` of the first may pair with item
/// `j` of the second. Between pairs, items only the first list has come
/// before those only the second has.
pub(super) fn align(
    n: usize,
    m: usize,
    matches: impl Fn(usize, usize) -> Option<Match>,
) -> Vec<Pair> {
    if n > MAX_ALIGNED || m > MAX_ALIGNED {
        return by_order(n, m, matches);
    }
    let table = best(n, m, &matches);
    let w = m + 1;
    let at = |i: usize, j: usize| table[i * w + j];
    let mut rows = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = at(i, j);
        if matches(i, j).is_some_and(|k| worth(k) + at(i + 1, j + 1) == here) {
            rows.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if at(i + 1, j) == here {
            rows.push((Some(i), None));
            i += 1;
        } else {
            rows.push((None, Some(j)));
            j += 1;
        }
    }
    rows.extend((i..n).map(|i| (Some(i), None)));
    rows.extend((j..m).map(|j| (None, Some(j))));
    rows
}

/// The table of best worths: cell `(i, j)` holds the best alignment of the
/// lists' tails from `i` and from `j`, row-major with `m + 1` columns.
fn best(n: usize, m: usize, matches: &impl Fn(usize, usize) -> Option<Match>) -> Vec<u32> {
    let w = m + 1;
    let mut table = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = table[(i + 1) * w + j].max(table[i * w + j + 1]);
            let pair = matches(i, j).map_or(0, |k| worth(k) + table[(i + 1) * w + j + 1]);
            table[i * w + j] = skip.max(pair);
        }
    }
    table
}

/// The fallback for long lists: the `k`-th item of each pairs when they
/// may; otherwise each stands alone (the first list's first).
fn by_order(n: usize, m: usize, matches: impl Fn(usize, usize) -> Option<Match>) -> Vec<Pair> {
    let mut rows = Vec::with_capacity(n.max(m));
    for k in 0..n.max(m) {
        if k < n && k < m && matches(k, k).is_some() {
            rows.push((Some(k), Some(k)));
            continue;
        }
        if k < n {
            rows.push((Some(k), None));
        }
        if k < m {
            rows.push((None, Some(k)));
        }
    }
    rows
}
