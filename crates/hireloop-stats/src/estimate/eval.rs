//! The sampler. It evaluates the program a block of samples at a time: every node turns whole
//! columns of numbers into a column, in tight loops the compiler vectorises, instead of walking
//! the tree once per sample. A block's values stay in the cache while the block is computed;
//! only the lines the caller keeps (the result, say) are copied out whole, and the variance
//! shares are summed block by block on the way.
//!
//! Reproducibility: every distribution has its own random stream per block, seeded from the
//! model seed, the distribution's identity (its line's name and order in the line) and the block
//! number. Blocks can therefore be computed in any order on any number of threads and give the
//! same numbers, bit for bit.

use rand_pcg::Pcg64Mcg;

use super::check::{Node, Op, Program, Value};
use super::math;
use super::stats::{BinSums, Grid};

/// Samples per block: small enough that a block's temporaries stay in the core's cache.
pub(crate) const BLOCK: usize = 8192;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn rng_for(seed: u64, stream: u64, block: usize) -> Pcg64Mcg {
    let hi = splitmix(seed ^ splitmix(stream));
    let lo = splitmix(hi ^ splitmix((block as u64) ^ 0x5851_f42d_4c95_7f2d));
    Pcg64Mcg::new((u128::from(hi) << 64) | u128::from(lo))
}

/// Reusable block buffers, so a block allocates nothing after the first.
#[derive(Default)]
struct Pool {
    free: Vec<Vec<f64>>,
}

impl Pool {
    fn get(&mut self, len: usize) -> Vec<f64> {
        let mut v = self.free.pop().unwrap_or_default();
        v.resize(len, 0.0);
        v
    }

    fn put(&mut self, v: Vec<f64>) {
        self.free.push(v);
    }
}

/// A value during evaluation of one block.
enum Val<'a> {
    Const(f64),
    /// An earlier line's samples for this block.
    Ref(&'a [f64]),
    Own(Vec<f64>),
}

struct Block<'a> {
    /// The earlier uncertain lines of this block, by column.
    done: &'a [Vec<f64>],
    seed: u64,
    index: usize,
    len: usize,
}

fn map(v: Val<'_>, pool: &mut Pool, f: impl Fn(f64) -> f64) -> Val<'static> {
    match v {
        Val::Const(x) => Val::Const(f(x)),
        Val::Own(mut buf) => {
            for x in &mut buf {
                *x = f(*x);
            }
            Val::Own(buf)
        }
        Val::Ref(r) => {
            let mut buf = pool.get(r.len());
            for (o, &x) in buf.iter_mut().zip(r) {
                *o = f(x);
            }
            Val::Own(buf)
        }
    }
}

fn combine<'a>(a: Val<'a>, b: Val<'a>, pool: &mut Pool, f: impl Fn(f64, f64) -> f64) -> Val<'a> {
    match (a, b) {
        (Val::Const(x), Val::Const(y)) => Val::Const(f(x, y)),
        (Val::Own(mut v), Val::Const(y)) => {
            for e in &mut v {
                *e = f(*e, y);
            }
            Val::Own(v)
        }
        (Val::Const(x), Val::Own(mut v)) => {
            for e in &mut v {
                *e = f(x, *e);
            }
            Val::Own(v)
        }
        (Val::Own(mut v), Val::Own(w)) => {
            for (e, &q) in v.iter_mut().zip(&w) {
                *e = f(*e, q);
            }
            pool.put(w);
            Val::Own(v)
        }
        (Val::Own(mut v), Val::Ref(r)) => {
            for (e, &q) in v.iter_mut().zip(r) {
                *e = f(*e, q);
            }
            Val::Own(v)
        }
        (Val::Ref(r), Val::Own(mut v)) => {
            for (e, &p) in v.iter_mut().zip(r) {
                *e = f(p, *e);
            }
            Val::Own(v)
        }
        (Val::Ref(r), Val::Const(y)) => {
            let mut v = pool.get(r.len());
            for (e, &p) in v.iter_mut().zip(r) {
                *e = f(p, y);
            }
            Val::Own(v)
        }
        (Val::Const(x), Val::Ref(r)) => {
            let mut v = pool.get(r.len());
            for (e, &q) in v.iter_mut().zip(r) {
                *e = f(x, q);
            }
            Val::Own(v)
        }
        (Val::Ref(r), Val::Ref(s)) => {
            let mut v = pool.get(r.len());
            for ((e, &p), &q) in v.iter_mut().zip(r).zip(s) {
                *e = f(p, q);
            }
            Val::Own(v)
        }
    }
}

fn eval<'a>(node: &Node, block: &Block<'a>, pool: &mut Pool) -> Val<'a> {
    match node {
        Node::Const(v) => Val::Const(*v),
        Node::Column(j) => Val::Ref(&block.done[*j][..block.len]),
        Node::Normal { mean, sd, stream } => {
            let mut buf = pool.get(block.len);
            math::fill_standard_normal(&mut rng_for(block.seed, *stream, block.index), &mut buf);
            for x in &mut buf {
                *x = mean + sd * *x;
            }
            Val::Own(buf)
        }
        Node::Lognormal { mu, sigma, stream } => {
            let mut buf = pool.get(block.len);
            math::fill_standard_normal(&mut rng_for(block.seed, *stream, block.index), &mut buf);
            for x in &mut buf {
                *x = math::exp(mu + sigma * *x);
            }
            Val::Own(buf)
        }
        Node::Uniform { low, high, stream } => {
            let mut buf = pool.get(block.len);
            math::fill_uniform(&mut rng_for(block.seed, *stream, block.index), &mut buf);
            let width = high - low;
            for x in &mut buf {
                *x = low + width * *x;
            }
            Val::Own(buf)
        }
        Node::Neg(inner) => {
            let v = eval(inner, block, pool);
            map(v, pool, |x| -x)
        }
        Node::PowI(inner, n) => {
            let v = eval(inner, block, pool);
            match *n {
                2 => map(v, pool, |x| x * x),
                3 => map(v, pool, |x| x * x * x),
                n => map(v, pool, |x| math::powi(x, n)),
            }
        }
        Node::Bin(op, a, b) => {
            let va = eval(a, block, pool);
            let vb = eval(b, block, pool);
            match op {
                Op::Add => combine(va, vb, pool, |x, y| x + y),
                Op::Sub => combine(va, vb, pool, |x, y| x - y),
                Op::Mul => combine(va, vb, pool, |x, y| x * y),
                Op::Div => combine(va, vb, pool, |x, y| x / y),
                Op::Pow => combine(va, vb, pool, math::pow),
            }
        }
        Node::Min(args) | Node::Max(args) => {
            let is_min = matches!(node, Node::Min(_));
            let mut acc: Option<Val<'a>> = None;
            for a in args {
                let v = eval(a, block, pool);
                acc = Some(match acc {
                    None => v,
                    Some(prev) if is_min => combine(prev, v, pool, f64::min),
                    Some(prev) => combine(prev, v, pool, f64::max),
                });
            }
            acc.unwrap_or(Val::Const(f64::NAN))
        }
    }
}

/// Computes one block of every uncertain line into `scratch` (one buffer per column).
fn run_block(
    program: &Program,
    seed: u64,
    index: usize,
    len: usize,
    scratch: &mut [Vec<f64>],
    pool: &mut Pool,
) {
    for line in &program.lines {
        let Value::Uncertain { node, column } = &line.value else {
            continue;
        };
        let (done, rest) = scratch.split_at_mut(*column);
        let Some(out) = rest.first_mut() else {
            continue;
        };
        let block = Block {
            done,
            seed,
            index,
            len,
        };
        out.resize(len, 0.0);
        match eval(node, &block, pool) {
            Val::Const(c) => out.fill(c),
            Val::Ref(r) => out.copy_from_slice(r),
            Val::Own(buf) => {
                // The block's value becomes the line's buffer; the old one goes back to the pool.
                pool.put(std::mem::replace(out, buf));
            }
        }
    }
}

/// Variance shares computed while sampling: for each input, sums of the result per bin of the
/// input.
pub(crate) struct Attribution {
    /// Column of the result.
    pub result: usize,
    /// Measure the result on the log scale.
    pub log: bool,
    /// Subtracted from the (log) result before summing, so that sums of squares do not lose
    /// precision: the mean of a pilot run.
    pub center: f64,
    /// Each input's column and bins.
    pub inputs: Vec<(usize, Grid)>,
    pub log2_bins: u32,
    /// Only the first this many samples are used (whole blocks).
    pub samples: usize,
}

/// Totals of one run of [`Attribution`].
pub(crate) struct Shares {
    /// Sum and sum of squares of the centred result.
    pub sum: f64,
    pub sum_sq: f64,
    /// Samples whose (log) result is not finite (a result that underflowed to 0 on the log
    /// scale).
    pub bad: usize,
    pub inputs: Vec<BinSums>,
}

/// What one block contributes.
struct BlockOut {
    nonfinite: Vec<usize>,
    shares: Option<Shares>,
}

/// What a run gives.
pub(crate) struct Run {
    /// The kept columns, in the order asked for, `samples` values each.
    pub kept: Vec<Vec<f64>>,
    /// Per column: samples that are not finite numbers.
    pub nonfinite: Vec<usize>,
    pub shares: Option<Shares>,
}

fn finish_block(
    index: usize,
    scratch: &[Vec<f64>],
    len: usize,
    keep: &[usize],
    kept: &mut [&mut [f64]],
    attribution: Option<&Attribution>,
    y: &mut Vec<f64>,
) -> BlockOut {
    for (&column, out) in keep.iter().zip(kept.iter_mut()) {
        out.copy_from_slice(&scratch[column][..len]);
    }
    let nonfinite = scratch
        .iter()
        .map(|c| c[..len].iter().filter(|x| !x.is_finite()).count())
        .collect();
    let shares = attribution.filter(|a| index * BLOCK < a.samples).map(|a| {
        let result = &scratch[a.result][..len];
        y.clear();
        if a.log {
            y.extend(result.iter().map(|&v| math::ln(v) - a.center));
        } else {
            y.extend(result.iter().map(|&v| v - a.center));
        }
        let bad = y.iter().filter(|v| !v.is_finite()).count();
        let inputs = a
            .inputs
            .iter()
            .map(|&(column, grid)| {
                let mut sums = BinSums::new(a.log2_bins);
                sums.add(grid, &scratch[column][..len], y);
                sums
            })
            .collect();
        Shares {
            sum: y.iter().sum(),
            sum_sq: y.iter().map(|v| v * v).sum(),
            bad,
            inputs,
        }
    });
    BlockOut { nonfinite, shares }
}

/// Samples `program` block by block on `threads` threads. Only the columns in `keep` are stored
/// whole (a block's other values live in the cache while the block is computed), and the
/// variance shares, when asked for, are summed on the way. Blocks are combined in their order,
/// so the numbers do not depend on the thread count.
pub(crate) fn simulate(
    program: &Program,
    samples: usize,
    seed: u64,
    threads: usize,
    keep: &[usize],
    attribution: Option<&Attribution>,
) -> Run {
    let mut kept: Vec<Vec<f64>> = keep.iter().map(|_| vec![0.0; samples]).collect();
    let blocks = samples.div_ceil(BLOCK);
    let mut work: Vec<(usize, Vec<&mut [f64]>)> = (0..blocks)
        .map(|k| (k, Vec::with_capacity(keep.len())))
        .collect();
    for col in &mut kept {
        for (k, slice) in col.chunks_mut(BLOCK).enumerate() {
            work[k].1.push(slice);
        }
    }
    let threads = threads.clamp(1, blocks.max(1));
    let per_thread = blocks.div_ceil(threads).max(1);
    let run_group = |group: &mut [(usize, Vec<&mut [f64]>)]| -> Vec<BlockOut> {
        let mut pool = Pool::default();
        let mut scratch: Vec<Vec<f64>> = vec![Vec::new(); program.columns];
        let mut y = Vec::with_capacity(BLOCK);
        group
            .iter_mut()
            .map(|(k, slices)| {
                let len = BLOCK.min(samples - *k * BLOCK);
                run_block(program, seed, *k, len, &mut scratch, &mut pool);
                finish_block(*k, &scratch, len, keep, slices, attribution, &mut y)
            })
            .collect()
    };
    let outs: Vec<BlockOut> = if threads == 1 {
        run_group(&mut work)
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = work
                .chunks_mut(per_thread)
                .map(|group| s.spawn(|| run_group(group)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut nonfinite = vec![0usize; program.columns];
    let mut shares: Option<Shares> = None;
    for out in outs {
        for (total, n) in nonfinite.iter_mut().zip(&out.nonfinite) {
            *total += n;
        }
        if let Some(block) = out.shares {
            match &mut shares {
                None => shares = Some(block),
                Some(total) => {
                    total.sum += block.sum;
                    total.sum_sq += block.sum_sq;
                    total.bad += block.bad;
                    for (t, b) in total.inputs.iter_mut().zip(&block.inputs) {
                        t.merge(b);
                    }
                }
            }
        }
    }
    Run {
        kept,
        nonfinite,
        shares,
    }
}
