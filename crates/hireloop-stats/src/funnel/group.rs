//! From column chunks to per-user event lists: dense user ids, events partitioned into buckets
//! of neighbouring users and counting-sorted by user within each bucket, and the evaluation of
//! each user where its events landed, on every thread.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;

use super::error::FunnelError;
use super::eval::{Plan, Rec, sort_user};
use super::hash::{FastHash, WordHasher};
use super::scan::{Chunk, NARROW_TAG, OTHER, STRING_TAG, text_at};

/// Numeric ids up to this many times the number of rows are used as array indexes directly.
const DIRECT_SPREAD: u64 = 4;

/// The most breakdown values: a value id shares 32 bits with the 8-bit event code.
pub const MAX_GROUPS: usize = 1 << 24;

/// Dense user ids per chunk, and the size of the id space.
pub struct Users {
    /// Per chunk, the dense id of each row's user.
    pub ids: Vec<Vec<u32>>,
    /// Ids are below this.
    pub slots: usize,
    /// Whether every id below `slots` is a user of the file (true when ids come from a map).
    pub all_present: bool,
}

/// Turns user keys into dense ids. Numeric ids that are dense enough are their own index (no
/// hashing, no copy: the common case of ids from a database sequence); anything else (text ids
/// such as UUIDs, sparse or huge numbers) is interned.
pub fn dense_users(
    chunks: &mut [Chunk],
    data: &[u8],
    threads: usize,
) -> Result<Users, FunnelError> {
    let rows: usize = chunks.iter().map(Chunk::rows).sum();
    let narrow = chunks
        .iter()
        .all(|c| c.wide.is_empty() && c.text_hash.is_empty());
    let max = chunks.iter().filter_map(|c| c.max_numeric).max();
    let direct_limit = (rows as u64)
        .saturating_mul(DIRECT_SPREAD)
        .saturating_add(1 << 16);
    if narrow && max.is_none_or(|m| m < direct_limit) {
        return Ok(Users {
            ids: chunks
                .iter_mut()
                .map(|c| std::mem::take(&mut c.users))
                .collect(),
            slots: max.map_or(0, |m| m as usize + 1),
            all_present: false,
        });
    }
    mapped_users(chunks, data, threads)
}

/// Which of `parts` partitions a hash belongs to (by its high bits).
#[inline(always)]
fn partition(hash: u64, parts: usize) -> usize {
    ((u128::from(hash) * parts as u128) >> 64) as usize
}

/// Hash of a numeric user id, for partitioning.
#[inline(always)]
fn number_hash(k: u64) -> u64 {
    let mut h = WordHasher::default();
    h.write_u64(k);
    h.finish()
}

/// A text id on its way to interning: where its bytes are and its place among its partition's
/// rows.
#[derive(Debug, Clone, Copy, Default)]
struct TextRow {
    hash: u64,
    at: u64,
    len: u32,
    ordinal: u32,
}

/// Text ids per partition aimed for in one bucket: its table and the bytes it compares stay in
/// the core's own cache.
const TEXT_BUCKET: usize = 4096;

/// Interns the text ids of partition `p`: returns how many are distinct and, for each row of the
/// partition in file order, its id among them.
///
/// A table over millions of ids (UUIDs, say) misses the cache twice per row: once for the slot,
/// once for the bytes to compare. Instead the partition's rows are first spread into buckets by
/// further hash bits (sequential writes), and each bucket is interned with a small table.
fn intern_texts(
    chunks: &[Chunk],
    data: &[u8],
    parts: usize,
    p: usize,
    rows: usize,
) -> Result<(usize, Vec<u32>), FunnelError> {
    let buckets = (rows / TEXT_BUCKET).next_power_of_two().max(1);
    let fine = parts * buckets;
    let mut offsets = vec![0usize; buckets + 1];
    for c in chunks {
        for &h in &c.text_hash {
            if partition(h, parts) == p {
                offsets[partition(h, fine) - p * buckets + 1] += 1;
            }
        }
    }
    for b in 0..buckets {
        offsets[b + 1] += offsets[b];
    }
    let mut cursor = offsets.clone();
    let mut spread = vec![TextRow::default(); rows];
    let mut ordinal = 0u32;
    for c in chunks {
        for (i, &hash) in c.text_hash.iter().enumerate() {
            if partition(hash, parts) != p {
                continue;
            }
            let at = &mut cursor[partition(hash, fine) - p * buckets];
            spread[*at] = TextRow {
                hash,
                at: c.text_at[i],
                len: c.text_len[i],
                ordinal,
            };
            *at += 1;
            ordinal += 1;
        }
    }
    let mut ids = vec![0u32; rows];
    let mut slots: Vec<u64> = Vec::new();
    let mut firsts: Vec<TextRow> = Vec::new();
    let mut distinct = 0usize;
    for b in 0..buckets {
        let bucket = &spread[offsets[b]..offsets[b + 1]];
        let size = (bucket.len() * 2).next_power_of_two().max(16);
        let mask = size - 1;
        slots.clear();
        slots.resize(size, 0);
        firsts.clear();
        for r in bucket {
            let tag = r.hash >> 32;
            let mut i = r.hash as usize & mask;
            let local = loop {
                let slot = slots[i];
                if slot == 0 {
                    firsts.push(*r);
                    // Fewer distinct ids in a bucket than rows, fewer than u32::MAX.
                    slots[i] = tag << 32 | firsts.len() as u64;
                    break firsts.len() - 1;
                }
                if slot >> 32 == tag {
                    let k = (slot as u32 - 1) as usize;
                    let first = firsts[k];
                    if first.len == r.len
                        && text_at(data, chunks, first.at, first.len)
                            == text_at(data, chunks, r.at, r.len)
                    {
                        break k;
                    }
                }
                i = (i + 1) & mask;
            };
            ids[r.ordinal as usize] =
                u32::try_from(distinct + local).map_err(|_| FunnelError::TooLarge)?;
        }
        distinct += firsts.len();
    }
    Ok((distinct, ids))
}

/// Dense ids through tables, built in parallel: each thread owns the ids whose hash falls in its
/// partition, so no table is shared. Text ids come first (ids below the number of distinct
/// texts), then numbers.
fn mapped_users(chunks: &mut [Chunk], data: &[u8], threads: usize) -> Result<Users, FunnelError> {
    let parts = threads.clamp(1, 64);
    // Rows of each partition per chunk, so each chunk knows where its rows start among them.
    let per_chunk: Vec<Vec<usize>> = chunks
        .iter()
        .map(|c| {
            let mut n = vec![0usize; parts];
            for &h in &c.text_hash {
                n[partition(h, parts)] += 1;
            }
            n
        })
        .collect();
    let rows: Vec<usize> = (0..parts)
        .map(|p| per_chunk.iter().map(|n| n[p]).sum())
        .collect();
    let texts: Vec<(usize, Vec<u32>)> = {
        let chunks: &[Chunk] = chunks;
        run_all((0..parts).collect(), threads, |p| {
            intern_texts(chunks, data, parts, p, rows[p])
        })
        .into_iter()
        .collect::<Result<_, _>>()?
    };
    let mut text_base = Vec::with_capacity(parts);
    let mut distinct = 0usize;
    for (n, _) in &texts {
        text_base.push(distinct);
        distinct += n;
    }
    let mut first_row = vec![0usize; parts];
    let locals: Vec<Vec<u32>> = chunks
        .iter_mut()
        .zip(&per_chunk)
        .map(|(c, n)| {
            let mut cursor = first_row.clone();
            for p in 0..parts {
                first_row[p] += n[p];
            }
            let ids = c
                .text_hash
                .iter()
                .map(|&h| {
                    let p = partition(h, parts);
                    let id = texts[p].1[cursor[p]] as usize + text_base[p];
                    cursor[p] += 1;
                    // Below the number of distinct texts, itself below u32::MAX.
                    id as u32
                })
                .collect();
            c.text_hash = Vec::new();
            c.text_at = Vec::new();
            c.text_len = Vec::new();
            c.side = Vec::new();
            ids
        })
        .collect();
    drop(texts);

    let keys: Vec<Vec<u64>> = chunks
        .iter_mut()
        .map(|c| {
            if c.wide.is_empty() {
                std::mem::take(&mut c.users)
                    .into_iter()
                    .map(|k| {
                        if k & NARROW_TAG != 0 {
                            STRING_TAG | u64::from(k & !NARROW_TAG)
                        } else {
                            u64::from(k)
                        }
                    })
                    .collect()
            } else {
                std::mem::take(&mut c.wide)
            }
        })
        .collect();
    // Numbers the same way: per partition a map, and per chunk the ids of its numeric rows in
    // the partition, in row order.
    let number_parts: Vec<(usize, Vec<Vec<u32>>)> = run_all((0..parts).collect(), threads, |p| {
        let mut map: HashMap<u64, u32, FastHash> = HashMap::default();
        let per_chunk = keys
            .iter()
            .map(|ks| {
                ks.iter()
                    .filter(|&&k| k & STRING_TAG == 0 && partition(number_hash(k), parts) == p)
                    .map(|&k| {
                        // Fewer distinct numbers than rows, fewer than u32::MAX.
                        let next = map.len() as u32;
                        *map.entry(k).or_insert(next)
                    })
                    .collect()
            })
            .collect();
        (map.len(), per_chunk)
    });
    let mut number_base = Vec::with_capacity(parts);
    for (n, _) in &number_parts {
        number_base.push(distinct);
        distinct += n;
    }
    if distinct >= (u32::MAX - 1) as usize {
        return Err(FunnelError::TooLarge);
    }
    let jobs: Vec<(usize, Vec<u64>)> = keys.into_iter().enumerate().collect();
    let ids = run_all(jobs, threads, |(c, ks)| {
        let mut cursor = vec![0usize; parts];
        ks.into_iter()
            .map(|k| {
                if k & STRING_TAG != 0 {
                    locals[c][(k & !STRING_TAG) as usize]
                } else {
                    let p = partition(number_hash(k), parts);
                    let id = number_parts[p].1[c][cursor[p]] as usize + number_base[p];
                    cursor[p] += 1;
                    // Below `distinct`, checked above.
                    id as u32
                }
            })
            .collect()
    });
    Ok(Users {
        ids,
        slots: distinct,
        all_present: true,
    })
}

/// Per step counts and times between steps, for each breakdown group.
#[derive(Debug, Default)]
pub struct Tally {
    /// `counts[g * steps + j]`: users of group `g` who reached step `j`.
    pub counts: Vec<u64>,
    /// `gaps[g * steps + j]`: for each such user, seconds from step `j - 1` to step `j`.
    pub gaps: Vec<Vec<f64>>,
}

impl Tally {
    fn new(groups: usize, steps: usize) -> Self {
        Self {
            counts: vec![0; groups * steps],
            gaps: vec![Vec::new(); groups * steps],
        }
    }

    fn merge(&mut self, other: Tally) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        for (a, b) in self.gaps.iter_mut().zip(other.gaps) {
            a.extend(b);
        }
    }
}

/// What the grouping needs from the rest of the analysis.
pub struct Input<'a> {
    /// Parsed rows.
    pub chunks: &'a [Chunk],
    /// Dense user ids.
    pub users: &'a Users,
    /// Per chunk, local breakdown value id → global group id.
    pub groups_of: &'a [Vec<u32>],
    /// Number of breakdown groups (1 without a breakdown).
    pub groups: usize,
    /// Keep events outside the funnel (strict order needs them; the others ignore them).
    pub keep_other: bool,
}

/// The result: distinct users and the tally.
pub struct Grouped {
    /// Distinct users in the file.
    pub users: u64,
    /// Counts and gaps.
    pub tally: Tally,
}

/// Events per bucket the grouping aims for: a bucket's events and its per-user counts then stay
/// in the core's own cache while they are sorted.
const BUCKET_EVENTS: usize = 1 << 14;

/// An event on its way to its user: time, user, and breakdown value and code packed as
/// `value << 8 | code`.
#[derive(Debug, Clone, Copy, Default)]
struct Routed {
    t: f64,
    user: u32,
    tag: u32,
}

/// One chunk's events, partitioned by bucket of users.
struct Partitioned {
    events: Vec<Routed>,
    /// `events[offsets[b]..offsets[b + 1]]` are bucket `b`'s events.
    offsets: Vec<usize>,
    /// Users present in the chunk, as a bitmap (only when ids are used directly).
    seen: Vec<u64>,
}

/// Groups events by user and evaluates every user, on `threads` threads.
///
/// Scattering ten million events straight to their users' places touches memory at random and
/// is slow; instead each chunk first partitions its events into buckets of neighbouring users
/// (sequential writes into a few hundred streams), then each bucket is counting-sorted by user
/// within the cache and its users evaluated.
pub fn evaluate(input: &Input<'_>, plan: &Plan, threads: usize) -> Result<Grouped, FunnelError> {
    let steps = plan.step_codes.len();
    let slots = input.users.slots.max(1);
    if input.groups > MAX_GROUPS {
        return Err(FunnelError::InvalidFunnel(format!(
            "the breakdown column has {} distinct values; at most {MAX_GROUPS} are supported",
            input.groups
        )));
    }
    let total: usize = input.chunks.iter().map(|c| c.codes.len()).sum();
    let wanted = (total / BUCKET_EVENTS).max(1);
    let mut shift = 0u32;
    while (slots >> shift) > wanted {
        shift += 1;
    }
    let buckets = ((slots - 1) >> shift) + 1;
    let track_seen = !input.users.all_present;
    let keep_other = input.keep_other;

    let partition = |c: &Chunk, ids: &[u32], groups_of: &[u32]| -> Partitioned {
        let mut seen = if track_seen {
            vec![0u64; slots.div_ceil(64)]
        } else {
            Vec::new()
        };
        let mut offsets = vec![0usize; buckets + 1];
        for (&u, &code) in ids.iter().zip(&c.codes) {
            if track_seen {
                seen[(u >> 6) as usize] |= 1 << (u & 63);
            }
            if keep_other || code != OTHER {
                offsets[(u >> shift) as usize + 1] += 1;
            }
        }
        for b in 0..buckets {
            offsets[b + 1] += offsets[b];
        }
        let mut cursor = offsets.clone();
        let mut events = vec![Routed::default(); offsets[buckets]];
        for (i, (&u, &code)) in ids.iter().zip(&c.codes).enumerate() {
            if !keep_other && code == OTHER {
                continue;
            }
            let group = match c.props.get(i) {
                Some(&p) => groups_of.get(p as usize).copied().unwrap_or(0),
                None => 0,
            };
            let at = &mut cursor[(u >> shift) as usize];
            events[*at] = Routed {
                t: c.times[i],
                user: u,
                tag: group << 8 | u32::from(code),
            };
            *at += 1;
        }
        Partitioned {
            events,
            offsets,
            seen,
        }
    };
    let jobs: Vec<(&Chunk, &[u32], &[u32])> = input
        .chunks
        .iter()
        .zip(&input.users.ids)
        .zip(input.groups_of)
        .map(|((c, ids), g)| (c, ids.as_slice(), g.as_slice()))
        .collect();
    let parts: Vec<Partitioned> = run_all(jobs, threads, |(c, ids, g)| partition(c, ids, g));

    let users = if track_seen {
        let mut bits = vec![0u64; slots.div_ceil(64)];
        for p in &parts {
            for (a, b) in bits.iter_mut().zip(&p.seen) {
                *a |= b;
            }
        }
        bits.iter().map(|w| u64::from(w.count_ones())).sum()
    } else {
        input.users.slots as u64
    };

    // Split the buckets between threads so each gets about the same number of events.
    let bucket_events =
        |b: usize| -> usize { parts.iter().map(|p| p.offsets[b + 1] - p.offsets[b]).sum() };
    let kept: usize = parts.iter().map(|p| p.events.len()).sum();
    let threads = threads.clamp(1, 64);
    let mut ranges = Vec::with_capacity(threads);
    let mut lo = 0usize;
    let mut acc = 0usize;
    for b in 0..buckets {
        acc += bucket_events(b);
        if acc * threads >= kept * (ranges.len() + 1) && ranges.len() + 1 < threads {
            ranges.push((lo, b + 1));
            lo = b + 1;
        }
    }
    ranges.push((lo, buckets));

    let span = 1usize << shift;
    let work = |(first, last): (usize, usize)| -> Tally {
        let mut tally = Tally::new(input.groups, steps);
        let mut counts = vec![0u32; span + 1];
        let mut recs: Vec<Rec> = Vec::new();
        let mut times = Vec::with_capacity(steps);
        let mut used = Vec::with_capacity(steps);
        for b in first..last {
            let base = (b << shift) as u32;
            counts.fill(0);
            let mut n = 0usize;
            for p in &parts {
                for e in &p.events[p.offsets[b]..p.offsets[b + 1]] {
                    counts[(e.user - base) as usize + 1] += 1;
                    n += 1;
                }
            }
            if n == 0 {
                continue;
            }
            for i in 0..span {
                counts[i + 1] += counts[i];
            }
            recs.clear();
            recs.resize(n, Rec::default());
            let mut cursor = counts.clone();
            for p in &parts {
                for e in &p.events[p.offsets[b]..p.offsets[b + 1]] {
                    let at = &mut cursor[(e.user - base) as usize];
                    recs[*at as usize] = Rec {
                        t: e.t,
                        prop: e.tag >> 8,
                        code: (e.tag & 0xFF) as u8,
                    };
                    *at += 1;
                }
            }
            for u in 0..span {
                let (a, z) = (counts[u] as usize, counts[u + 1] as usize);
                if a == z {
                    continue;
                }
                let user = &mut recs[a..z];
                sort_user(user);
                if let Some(g) = plan.evaluate(user, &mut times, &mut used) {
                    let row = g as usize * steps;
                    for (j, t) in times.iter().enumerate() {
                        tally.counts[row + j] += 1;
                        if j > 0 {
                            tally.gaps[row + j].push(t - times[j - 1]);
                        }
                    }
                }
            }
        }
        tally
    };
    let mut tally = Tally::new(input.groups, steps);
    for t in run_all(ranges, threads, work) {
        tally.merge(t);
    }
    Ok(Grouped { users, tally })
}

/// Runs `f` on every job, one scoped thread per job when there is more than one thread.
fn run_all<J: Send, T: Send>(jobs: Vec<J>, threads: usize, f: impl Fn(J) -> T + Sync) -> Vec<T> {
    if threads <= 1 || jobs.len() <= 1 {
        return jobs.into_iter().map(f).collect();
    }
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = jobs.into_iter().map(|j| s.spawn(move || f(j))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Global breakdown groups: the distinct values of all chunks, sorted, and each chunk's map from
/// its local ids to group ids. Sorting makes group ids (and so the tie-break at entry) independent
/// of row order.
pub fn breakdown_groups(chunks: &[Chunk]) -> (Vec<String>, Vec<Vec<u32>>) {
    let mut all: BTreeMap<String, u32> = BTreeMap::new();
    for c in chunks {
        for i in 0..c.prop_values.len() {
            all.entry(String::from_utf8_lossy(c.prop_values.get(i)).into_owned())
                .or_insert(0);
        }
    }
    for (i, id) in all.values_mut().enumerate() {
        // Distinct values are fewer than rows, which are fewer than u32::MAX.
        *id = i as u32;
    }
    let maps = chunks
        .iter()
        .map(|c| {
            (0..c.prop_values.len())
                .map(|i| {
                    all.get(String::from_utf8_lossy(c.prop_values.get(i)).as_ref())
                        .copied()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();
    (all.into_keys().collect(), maps)
}
