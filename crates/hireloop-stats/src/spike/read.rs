//! Reading a scenario from TOML, keeping where each field was written so a problem names its line
//! and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::scenario::{
    Abandonment, Arrivals, OrderClass, PatienceDistribution, Place, Policy, PolicyKind, Problem,
    Scenario, ScenarioError, Service,
};

/// The built-in scenario: the 10x spike of the queueing reference (base 600 orders/s, 6,000/s for
/// 20 s, capacity 1,000/s, 10% high-value orders, clients give up after 2 s).
pub const DEFAULT_SCENARIO: &str = include_str!("../../../../examples/spike-10x.toml");

/// The seed when a scenario names none.
pub const DEFAULT_SEED: u64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    seed: Option<Spanned<i64>>,
    warmup: Option<Spanned<f64>>,
    sample_interval: Option<Spanned<f64>>,
    arrivals: Spanned<RawArrivals>,
    service: Spanned<RawService>,
    classes: Spanned<Vec<Spanned<RawClass>>>,
    policy: Option<Spanned<RawPolicy>>,
    abandonment: Option<Spanned<RawAbandonment>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArrivals {
    base_rate: Spanned<f64>,
    spike_multiple: Option<Spanned<f64>>,
    spike_start: Option<Spanned<f64>>,
    spike_length: Option<Spanned<f64>>,
    horizon: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    servers: Spanned<i64>,
    rate: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    name: Spanned<String>,
    share: Spanned<f64>,
    value: Option<Spanned<f64>>,
    priority: Option<Spanned<i64>>,
    sheddable: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    kind: Spanned<PolicyKind>,
    queue_limit: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbandonment {
    patience: Spanned<f64>,
    distribution: Option<Spanned<PatienceDistribution>>,
}

/// A scenario read from TOML, with where each field was written. Callers may change the scenario
/// (command-line overrides) and [`ScenarioDoc::forget`] the place of what they changed before
/// [`ScenarioDoc::check`].
#[derive(Debug, Clone)]
pub struct ScenarioDoc {
    /// The scenario as read (not yet checked).
    pub scenario: Scenario,
    places: BTreeMap<String, Place>,
    /// Problems found while reading, such as a negative count, keyed by field.
    early: Vec<Problem>,
    /// Fields the caller replaced: their problems have no place in the file.
    replaced: Vec<String>,
}

struct Reader<'a> {
    text: &'a str,
    places: BTreeMap<String, Place>,
    early: Vec<Problem>,
}

impl Reader<'_> {
    fn mark<T>(&mut self, field: impl Into<String>, value: &Spanned<T>) {
        let place = Place::of_offset(self.text, value.span().start);
        self.places.insert(field.into(), place);
    }

    fn f64(&mut self, field: &str, value: &Spanned<f64>) -> f64 {
        self.mark(field, value);
        *value.get_ref()
    }

    fn opt_f64(&mut self, field: &str, value: Option<&Spanned<f64>>, default: f64) -> f64 {
        value.map_or(default, |v| self.f64(field, v))
    }

    /// A whole number in `lo..=hi`; out of range, a problem and `lo`.
    fn int(&mut self, field: &str, value: &Spanned<i64>, lo: i64, hi: i64) -> i64 {
        self.mark(field, value);
        let v = *value.get_ref();
        if (lo..=hi).contains(&v) {
            v
        } else {
            let message = if v < lo {
                format!("must be at least {lo} (got {v})")
            } else {
                format!("must be at most {hi} (got {v})")
            };
            self.early.push(Problem {
                field: field.to_owned(),
                place: self.places.get(field).copied(),
                message,
            });
            lo
        }
    }
}

/// The parser's message in the words of a scenario's author: "a whole number" rather than
/// "i64".
fn plain(message: &str) -> String {
    message
        .trim_end()
        .replace('\n', "; ")
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}

/// Clamps a checked `i64` into another integer type; `Reader::int` has already bounded it.
fn narrow<T: TryFrom<i64> + Default>(v: i64) -> T {
    T::try_from(v).unwrap_or_default()
}

impl ScenarioDoc {
    /// Reads a scenario. Syntax errors, wrong types, missing and unknown fields are reported here
    /// with their place; the checks of meaning (shares summing to 1…) wait for
    /// [`ScenarioDoc::check`].
    pub fn parse(text: &str) -> Result<ScenarioDoc, ScenarioError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| {
            let place = e.span().map(|s| Place::of_offset(text, s.start));
            ScenarioError {
                problems: vec![Problem {
                    field: String::new(),
                    place,
                    message: plain(e.message()),
                }],
            }
        })?;
        let mut r = Reader {
            text,
            places: BTreeMap::new(),
            early: Vec::new(),
        };
        let seed = match &raw.seed {
            Some(s) => narrow::<u64>(r.int("seed", s, 0, i64::MAX)),
            None => DEFAULT_SEED,
        };
        let warmup = r.opt_f64("warmup", raw.warmup.as_ref(), 0.0);
        let sample_interval = raw
            .sample_interval
            .as_ref()
            .map(|v| r.f64("sample_interval", v));

        r.mark("arrivals", &raw.arrivals);
        let a = raw.arrivals.get_ref();
        let arrivals = Arrivals {
            base_rate: r.f64("arrivals.base_rate", &a.base_rate),
            spike_multiple: r.opt_f64("arrivals.spike_multiple", a.spike_multiple.as_ref(), 1.0),
            spike_start: r.opt_f64("arrivals.spike_start", a.spike_start.as_ref(), 0.0),
            spike_length: r.opt_f64("arrivals.spike_length", a.spike_length.as_ref(), 0.0),
            horizon: r.f64("arrivals.horizon", &a.horizon),
        };

        r.mark("service", &raw.service);
        let s = raw.service.get_ref();
        let service = Service {
            servers: narrow::<u32>(r.int(
                "service.servers",
                &s.servers,
                1,
                super::scenario::MAX_SERVERS,
            )),
            rate: r.f64("service.rate", &s.rate),
        };

        r.mark("classes", &raw.classes);
        let mut classes = Vec::with_capacity(raw.classes.get_ref().len());
        for (i, c) in raw.classes.get_ref().iter().enumerate() {
            r.mark(format!("classes[{i}]"), c);
            let c = c.get_ref();
            let field = |f: &str| format!("classes[{i}].{f}");
            r.mark(field("name"), &c.name);
            classes.push(OrderClass {
                name: c.name.get_ref().clone(),
                share: r.f64(&field("share"), &c.share),
                value: r.opt_f64(&field("value"), c.value.as_ref(), 0.0),
                priority: c
                    .priority
                    .as_ref()
                    .map(|p| narrow::<u32>(r.int(&field("priority"), p, 0, i64::from(u32::MAX)))),
                sheddable: c.sheddable.as_ref().map(|v| {
                    r.mark(field("sheddable"), v);
                    *v.get_ref()
                }),
            });
        }

        let policy = match &raw.policy {
            Some(p) => {
                r.mark("policy", p);
                let p = p.get_ref();
                r.mark("policy.kind", &p.kind);
                Policy {
                    kind: *p.kind.get_ref(),
                    queue_limit: p
                        .queue_limit
                        .as_ref()
                        .map(|q| narrow::<u64>(r.int("policy.queue_limit", q, 0, i64::MAX))),
                }
            }
            None => Policy {
                kind: PolicyKind::Fifo,
                queue_limit: None,
            },
        };

        let abandonment = raw.abandonment.as_ref().map(|ab| {
            r.mark("abandonment", ab);
            let ab = ab.get_ref();
            Abandonment {
                patience: r.f64("abandonment.patience", &ab.patience),
                distribution: ab.distribution.as_ref().map_or(
                    PatienceDistribution::Deterministic,
                    |d| {
                        r.mark("abandonment.distribution", d);
                        *d.get_ref()
                    },
                ),
            }
        });

        Ok(ScenarioDoc {
            scenario: Scenario {
                name: raw.name,
                seed,
                arrivals,
                service,
                classes,
                policy,
                abandonment,
                warmup,
                sample_interval,
            },
            places: r.places,
            early: r.early,
            replaced: Vec::new(),
        })
    }

    /// Forgets where `field` was written (and any problem read there), because the caller has
    /// replaced its value.
    pub fn forget(&mut self, field: &str) {
        self.places.remove(field);
        self.early.retain(|p| p.field != field);
        self.replaced.push(field.to_owned());
    }

    /// Where `field` was written, or the nearest enclosing table or array that was; `None` for a
    /// field the caller replaced.
    pub fn place(&self, field: &str) -> Option<Place> {
        if self.replaced.iter().any(|f| f == field) {
            return None;
        }
        let mut path = field;
        loop {
            if let Some(p) = self.places.get(path) {
                return Some(*p);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }

    /// Checks the scenario and returns it, or every problem with its place.
    pub fn check(self) -> Result<Scenario, ScenarioError> {
        let mut problems = self.early.clone();
        for mut p in self.scenario.problems() {
            if problems.iter().any(|e| e.field == p.field) {
                continue;
            }
            p.place = self.place(&p.field);
            problems.push(p);
        }
        // In file order; problems without a place (values set by the caller) last.
        problems.sort_by_key(|p| p.place.map_or((usize::MAX, 0), |at| (at.line, at.column)));
        if problems.is_empty() {
            Ok(self.scenario)
        } else {
            Err(ScenarioError { problems })
        }
    }
}

impl Scenario {
    /// Reads and checks a scenario written in TOML.
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        ScenarioDoc::parse(text)?.check()
    }

    /// The built-in 10x spike scenario.
    pub fn builtin() -> Result<Scenario, ScenarioError> {
        Scenario::from_toml(DEFAULT_SCENARIO)
    }
}
