//! Deterministic elementary functions and samplers.
//!
//! The platform's `exp` and `ln` may differ in the last bit between operating systems, which
//! would make the same seed print different digits on different machines. These versions use
//! only IEEE-754 addition, multiplication, division and square root (all exactly rounded), so a
//! seed gives the same samples everywhere. They are accurate to a few units in the last place,
//! far below Monte Carlo noise, and written as straight-line code the compiler can vectorise.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// ln 2 split in two: the high part has its low 32 bits zero, so `k * LN2_HI` is exact for the
/// exponents we meet; the low part is the rest.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// 1.5 × 2^52: adding it rounds to an integer held in the low mantissa bits.
const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    // Beyond these bounds the result is 0 or infinite anyway; clamping keeps `k` in range.
    let x = x.clamp(-746.0, 710.0);
    let t = x * LOG2_E + ROUND_SHIFT;
    let k = (t.to_bits() as i64).wrapping_sub(ROUND_SHIFT.to_bits() as i64);
    let kf = t - ROUND_SHIFT;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    // Taylor series of e^r on |r| <= ln2/2 to the 13th power (the next term is below 1e-17),
    // evaluated in Estrin's scheme: pairs, then pairs of pairs, so the multiplications do not
    // wait on each other the way Horner's chain does.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let a0 = 1.0 + r;
    let a1 = 0.5 + r * (1.0 / 6.0);
    let a2 = 1.0 / 24.0 + r * (1.0 / 120.0);
    let a3 = 1.0 / 720.0 + r * (1.0 / 5_040.0);
    let a4 = 1.0 / 40_320.0 + r * (1.0 / 362_880.0);
    let a5 = 1.0 / 3_628_800.0 + r * (1.0 / 39_916_800.0);
    let a6 = 1.0 / 479_001_600.0 + r * (1.0 / 6_227_020_800.0);
    let b0 = a0 + a1 * r2;
    let b1 = a2 + a3 * r2;
    let b2 = a4 + a5 * r2;
    let d0 = b0 + b1 * r4;
    let d1 = b2 + a6 * r4;
    let p = d0 + d1 * r8;
    // 2^k in two halves, so that overflow and gradual underflow come out right.
    let k1 = k >> 1;
    let k2 = k - k1;
    let s1 = f64::from_bits(((k1 + 1023) as u64) << 52);
    let s2 = f64::from_bits(((k2 + 1023) as u64) << 52);
    p * s1 * s2
}

/// The natural logarithm; `ln(0) = -inf`, negative or NaN input gives NaN.
#[inline]
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x == f64::INFINITY {
        return if x == 0.0 {
            f64::NEG_INFINITY
        } else if x == f64::INFINITY {
            x
        } else {
            f64::NAN
        };
    }
    let mut bits = x.to_bits();
    let mut e: i64 = 0;
    if bits < (1u64 << 52) {
        // Subnormal: scale into the normal range first.
        bits = (x * 18_014_398_509_481_984.0).to_bits(); // 2^54
        e = -54;
    }
    // Split x = 2^k m with m in [sqrt(2)/2, sqrt(2)) by integer arithmetic on the bits, without
    // a data-dependent branch (which would mispredict half the time).
    const HALF_SQRT2_BITS: u64 = 0x3fe6_a09e_667f_3bcd;
    let k = (bits.wrapping_sub(HALF_SQRT2_BITS) as i64) >> 52;
    e += k;
    let m = f64::from_bits(bits.wrapping_sub((k as u64) << 52));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    // ln(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...); |s| <= 0.1716, so 12 terms suffice.
    let mut p = 1.0 / 23.0;
    p = p * z + 1.0 / 21.0;
    p = p * z + 1.0 / 19.0;
    p = p * z + 1.0 / 17.0;
    p = p * z + 1.0 / 15.0;
    p = p * z + 1.0 / 13.0;
    p = p * z + 1.0 / 11.0;
    p = p * z + 1.0 / 9.0;
    p = p * z + 1.0 / 7.0;
    p = p * z + 1.0 / 5.0;
    p = p * z + 1.0 / 3.0;
    let ln_m = 2.0 * s + 2.0 * s * z * p;
    let ef = e as f64;
    ef * LN2_HI + (ln_m + ef * LN2_LO)
}

/// x^n for a whole number n, by repeated squaring.
#[inline]
pub fn powi(x: f64, n: i32) -> f64 {
    let mut base = if n < 0 { 1.0 / x } else { x };
    let mut e = n.unsigned_abs();
    let mut acc = 1.0;
    while e > 0 {
        if e & 1 == 1 {
            acc *= base;
        }
        base *= base;
        e >>= 1;
    }
    acc
}

/// a^b for any a and b: negative bases need a whole-number exponent, else NaN.
#[inline]
pub fn pow(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        return exp(b * ln(a));
    }
    if a == 0.0 {
        return if b > 0.0 {
            0.0
        } else if b == 0.0 {
            1.0
        } else {
            f64::INFINITY
        };
    }
    if b.fract() != 0.0 {
        return f64::NAN;
    }
    let magnitude = exp(b * ln(-a));
    // An odd whole exponent keeps the sign.
    if (b * 0.5).fract() != 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

/// A uniform number in the open interval (0, 1) from 53 random bits.
#[inline]
fn unit(bits: u64) -> f64 {
    ((bits >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
}

/// Fills `out` with independent uniform draws on (0, 1).
pub fn fill_uniform(rng: &mut Pcg64Mcg, out: &mut [f64]) {
    for x in out {
        *x = unit(rng.next_u64());
    }
}

/// Layers of the ziggurat.
const LAYERS: usize = 256;
/// Where the base layer's tail starts, and the area of each layer, for the density
/// exp(-x²/2) cut into 256 layers of equal area (Marsaglia and Tsang, 2000).
const TAIL_START: f64 = 3.654_152_885_361_009;
const LAYER_AREA: f64 = 4.928_673_233_99e-3;

/// The ziggurat's layers: `width[i]` is the right edge of layer i (layer 0 is the base, whose
/// width is its area over its height, so it covers the tail too), `height[i]` the density there.
struct Ziggurat {
    width: [f64; LAYERS + 1],
    height: [f64; LAYERS + 1],
    /// width[i + 1] / width[i]: below this fraction a draw lies under the curve for certain.
    inner: [f64; LAYERS],
}

fn density(x: f64) -> f64 {
    exp(-0.5 * x * x)
}

fn ziggurat() -> &'static Ziggurat {
    static TABLE: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut width = [0.0; LAYERS + 1];
        let mut height = [0.0; LAYERS + 1];
        width[0] = LAYER_AREA / density(TAIL_START);
        width[1] = TAIL_START;
        for i in 2..LAYERS {
            width[i] = (-2.0 * ln(LAYER_AREA / width[i - 1] + density(width[i - 1]))).sqrt();
        }
        width[LAYERS] = 0.0;
        for i in 0..=LAYERS {
            height[i] = density(width[i]);
        }
        let mut inner = [0.0; LAYERS];
        for i in 0..LAYERS {
            inner[i] = width[i + 1] / width[i];
        }
        Ziggurat {
            width,
            height,
            inner,
        }
    })
}

/// Fills `out` with independent standard normal draws by the ziggurat method: one random word
/// and one comparison for 99% of the draws. Its tables and its rare slow paths use only the
/// functions above, so the draws are the same on every machine.
pub fn fill_standard_normal(rng: &mut Pcg64Mcg, out: &mut [f64]) {
    let z = ziggurat();
    // A local copy keeps the generator's state in registers across the loop.
    let mut r = rng.clone();
    for slot in out {
        *slot = loop {
            let bits = r.next_u64();
            let layer = (bits & 0xff) as usize;
            // A signed uniform in [-1, 1) from the top 52 bits: a double in [1, 2), rescaled.
            let u = 2.0 * f64::from_bits(0x3ff0_0000_0000_0000 | (bits >> 12)) - 3.0;
            let x = u * z.width[layer];
            if u.abs() < z.inner[layer] {
                break x;
            }
            if layer == 0 {
                // The tail beyond TAIL_START (Marsaglia's method).
                let tail = loop {
                    let a = -ln(unit(r.next_u64())) / TAIL_START;
                    let b = -ln(unit(r.next_u64()));
                    if b + b > a * a {
                        break TAIL_START + a;
                    }
                };
                break if u < 0.0 { -tail } else { tail };
            }
            // The wedge between the layer's rectangle and the curve.
            let y = z.height[layer] + unit(r.next_u64()) * (z.height[layer + 1] - z.height[layer]);
            if y < density(x) {
                break x;
            }
        };
    }
    *rng = r;
}

/// The inverse of the standard normal CDF at 0.95: a "90% interval" spans ±Z90 sd.
pub const Z90: f64 = 1.644_853_626_951_472_2;

#[cfg(test)]
mod tests {
    use super::*;

    /// erf by its Taylor series (|x| < 3) or continued fraction of erfc, for the tests.
    fn erf(x: f64) -> f64 {
        let a = x.abs();
        let v = if a < 3.0 {
            let mut term = a;
            let mut sum = a;
            let mut k = 0.0;
            while term.abs() > 1e-17 * sum.abs() {
                k += 1.0;
                term *= -a * a / k;
                sum += term / (2.0 * k + 1.0);
            }
            2.0 / std::f64::consts::PI.sqrt() * sum
        } else {
            let mut f = 0.0;
            for k in (1..60).rev() {
                f = (k as f64 / 2.0) / (a + f);
            }
            1.0 - (-a * a).exp() / std::f64::consts::PI.sqrt() / (a + f)
        };
        if x < 0.0 { -v } else { v }
    }

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_matches_the_platform_to_a_few_ulps() {
        let mut x = -700.0;
        while x < 700.0 {
            assert!(
                ulps(exp(x), x.exp()) <= 2,
                "exp({x}) = {} vs {}",
                exp(x),
                x.exp()
            );
            x += 0.137;
        }
        for x in [-1e-300, 0.0, 1e-10, 0.5, -0.5, 1.0] {
            assert!(ulps(exp(x), x.exp()) <= 2, "exp({x})");
        }
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(-740.0) > 0.0, "gradual underflow");
    }

    #[test]
    fn ln_matches_the_platform_to_a_few_ulps() {
        let mut x = 1e-310;
        while x < 1e300 {
            assert!(
                ulps(ln(x), x.ln()) <= 2,
                "ln({x}) = {} vs {}",
                ln(x),
                x.ln()
            );
            x *= 1.37;
        }
        for x in [0.5, 0.999_999, 1.0, 1.000_001, 2.0, std::f64::consts::E] {
            assert!(ulps(ln(x), x.ln()) <= 2, "ln({x})");
        }
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
    }

    #[test]
    fn powers() {
        assert_eq!(powi(3.0, 4), 81.0);
        assert_eq!(powi(2.0, -2), 0.25);
        assert!((pow(2.0, 0.5) - std::f64::consts::SQRT_2).abs() < 1e-15);
        assert!((pow(-2.0, 3.0) + 8.0).abs() < 1e-13);
        assert!((pow(-2.0, 2.0) - 4.0).abs() < 1e-13);
        assert!(pow(-2.0, 0.5).is_nan());
        assert_eq!(pow(0.0, -1.0), f64::INFINITY);
    }

    #[test]
    fn the_ziggurat_closes() {
        // The layers must stack up to the top of the curve: the last layer's rectangle reaches
        // density 1 at x = 0.
        let z = ziggurat();
        let top = LAYER_AREA / z.width[LAYERS - 1] + z.height[LAYERS - 1];
        assert!((top - 1.0).abs() < 1e-9, "{top}");
        // Each layer has the same area: the base's rectangle plus the tail integral.
        let mut tail = 0.0;
        let h = 1e-4;
        let mut x = TAIL_START;
        while x < 40.0 {
            tail += h / 6.0 * (density(x) + 4.0 * density(x + h / 2.0) + density(x + h));
            x += h;
        }
        let base = TAIL_START * density(TAIL_START) + tail;
        assert!((base - LAYER_AREA).abs() < 1e-12, "{base}");
    }

    #[test]
    fn normal_draws_have_the_right_moments() {
        let mut rng = Pcg64Mcg::new(42);
        let mut z = vec![0.0; 200_001];
        fill_standard_normal(&mut rng, &mut z);
        let n = z.len() as f64;
        let mean = z.iter().sum::<f64>() / n;
        let var = z.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        let above = z.iter().filter(|&&x| x > Z90).count() as f64 / n;
        assert!((above - 0.05).abs() < 0.002, "{above}");
        // The far tail (P(Z > 3.6541) = 1.29e-4) comes from the tail sampler.
        let far = z.iter().filter(|&&x| x.abs() > TAIL_START).count() as f64 / n;
        assert!((far - 2.0 * 1.2898e-4).abs() < 1e-4, "{far}");
        let z_sorted = {
            let mut v = z.clone();
            v.sort_by(f64::total_cmp);
            v
        };
        // Kolmogorov–Smirnov distance to the normal CDF, against 1.63 / sqrt(n) (1% level).
        let cdf = |x: f64| 0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2));
        let d = z_sorted
            .iter()
            .enumerate()
            .map(|(i, &x)| ((i as f64 + 0.5) / n - cdf(x)).abs())
            .fold(0.0, f64::max);
        assert!(d < 1.63 / n.sqrt(), "KS distance {d}");
    }
}
