//! What every handler shares: the store, the content, the coach, the clock and the settings.

use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use hireloop_coach::Coach;
use hireloop_core::content::Content;
use hireloop_store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::error::WebError;

/// Settings an operator may change.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (the app is served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// How long a session lasts, in days.
    pub session_days: i64,
    /// Sign-in attempts allowed per address and account in one window.
    pub signin_attempts: i64,
    /// The sign-in window, in milliseconds.
    pub signin_window_ms: i64,
    /// Answers graded at once; more wait their turn.
    pub grading_slots: usize,
    /// How long an answer may wait for a grading slot before the server answers "busy, retry".
    pub grading_wait_ms: u64,
    /// Requests handled at once by this process; more are answered "busy, retry" at once.
    pub max_in_flight: usize,
    /// The secret assessment links are signed with (hiring mode); every process sharing a
    /// database must be given the same one. Without it, links cannot be issued.
    pub link_secret: Option<crate::hiring::LinkSecret>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            secure_cookies: false,
            session_days: 30,
            signin_attempts: 10,
            signin_window_ms: 10 * 60 * 1000,
            // Grading is CPU work: a few per core keep the cores busy without a long queue.
            grading_slots: std::thread::available_parallelism().map_or(2, |n| n.get()) * 4,
            grading_wait_ms: 2_000,
            max_in_flight: 512,
            link_secret: None,
        }
    }
}

/// A source of the current time in milliseconds since the epoch; tests replace it.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

struct Inner {
    store: Store,
    content: &'static Content,
    coach: Coach<'static>,
    settings: Settings,
    clock: Clock,
    metrics: PrometheusHandle,
    grading: tokio::sync::Semaphore,
    plans: crate::plan_cache::PlanCache,
    reports: crate::hiring::cache::ReportCache,
    verified_chains: crate::hiring::cache::VerifiedChains,
}

/// The app's shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.0.store.backend())
            .field("settings", &self.0.settings)
            .finish_non_exhaustive()
    }
}

/// The process's metrics recorder: installed once, shared by every app in the process.
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only when another recorder is installed; ours then stays empty, which
            // costs the /metrics figures and nothing else.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    })
}

impl AppState {
    /// The state of an app on `store` with `content` (kept for the life of the process, as the
    /// coach's lexicons borrow from it).
    pub fn new(store: Store, content: &'static Content, settings: Settings) -> AppState {
        AppState::with_clock(store, content, settings, system_clock())
    }

    /// [`AppState::new`] with another clock (tests move time forward with it).
    pub fn with_clock(
        store: Store,
        content: &'static Content,
        settings: Settings,
        clock: Clock,
    ) -> AppState {
        AppState(Arc::new(Inner {
            store,
            content,
            coach: Coach::new(content),
            clock,
            metrics: metrics_handle(),
            grading: tokio::sync::Semaphore::new(settings.grading_slots.max(1)),
            plans: crate::plan_cache::PlanCache::default(),
            reports: crate::hiring::cache::ReportCache::default(),
            verified_chains: crate::hiring::cache::VerifiedChains::default(),
            settings,
        }))
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The content.
    pub fn content(&self) -> &'static Content {
        self.0.content
    }

    /// The coach.
    pub fn coach(&self) -> &Coach<'static> {
        &self.0.coach
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// Now, in milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        (self.0.clock)()
    }

    /// A grading slot: waits up to the configured time, then answers "busy" so a burst is
    /// turned away with a retry time instead of queueing without end.
    pub async fn grading_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, WebError> {
        let wait = std::time::Duration::from_millis(self.0.settings.grading_wait_ms);
        match tokio::time::timeout(wait, self.0.grading.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                metrics::counter!("hireloop_busy_total").increment(1);
                Err(WebError::Busy { retry_after_s: 2 })
            }
        }
    }

    /// A loop's parsed plan, if this process has parsed it before.
    pub fn cached_plan(&self, loop_id: &str) -> Option<Arc<hireloop_practice::LoopPlan>> {
        self.0.plans.get(loop_id)
    }

    /// Keeps a loop's parsed plan.
    pub fn remember_plan(&self, loop_id: &str, plan: Arc<hireloop_practice::LoopPlan>) {
        self.0.plans.insert(loop_id, plan);
    }

    /// Rendered hiring reports, keyed by the organisation's audit head (see
    /// [`ReportCache`](crate::hiring::cache::ReportCache)).
    pub fn reports(&self) -> &crate::hiring::cache::ReportCache {
        &self.0.reports
    }

    /// Where each organisation's audit chain was last found intact (see
    /// [`VerifiedChains`](crate::hiring::cache::VerifiedChains)).
    pub fn verified_chains(&self) -> &crate::hiring::cache::VerifiedChains {
        &self.0.verified_chains
    }

    /// The metrics in Prometheus text format.
    pub fn render_metrics(&self) -> String {
        self.0.metrics.render()
    }
}
