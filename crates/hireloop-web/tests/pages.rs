//! The progress, stories, checklist and toolkit pages, driven in process through the router as a
//! browser would: cookies, the anti-forgery token, forms, redirects and htmx requests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use hireloop_core::content::Content;
use hireloop_store::Store;
use hireloop_web::{AppState, Settings};
use tower::ServiceExt;

fn content() -> &'static Content {
    static CONTENT: OnceLock<&'static Content> = OnceLock::new();
    CONTENT.get_or_init(|| Box::leak(Box::new(Content::builtin().expect("built-in content"))))
}

/// A browser: the app, its cookies and the token its forms carry.
struct Browser {
    app: Router,
    cookies: Vec<(String, String)>,
    csrf: String,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn has(&self, needle: &str) -> bool {
        self.body.contains(needle)
    }

    /// The text of the first attribute `name="…"` after `marker`.
    fn attr_after(&self, marker: &str, name: &str) -> Option<String> {
        let at = self.body.find(marker)?;
        let rest = &self.body[at..];
        let key = format!("{name}=\"");
        let start = rest.find(&key)? + key.len();
        let end = rest[start..].find('"')? + start;
        Some(rest[start..end].to_owned())
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

impl Browser {
    /// A new visitor, signed up and signed in.
    async fn signed_up(name: &str) -> Browser {
        let store = Store::open("sqlite::memory:").await.expect("store");
        let state = AppState::new(store, content(), Settings::default());
        let mut b = Browser {
            app: hireloop_web::router(state),
            cookies: Vec::new(),
            csrf: String::new(),
        };
        let signup = b.get("/signup").await;
        assert_eq!(signup.status, StatusCode::OK);
        b.csrf = b.cookie("hl_csrf").expect("visitor cookie").to_owned();
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        let done = b
            .post(
                "/signup",
                &[
                    ("name", name),
                    ("email", &email),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert!(done.status.is_redirection(), "sign-up: {}", done.status);
        assert!(b.cookie("hl_session").is_some(), "no session cookie");
        let home = b.get("/practice").await;
        assert_eq!(home.status, StatusCode::OK);
        b.csrf = home
            .attr_after("name=\"csrf-token\"", "content")
            .expect("csrf meta");
        b
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self.app.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let Some((pair, _)) = v.to_str().unwrap().split_once(';') else {
                continue;
            };
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.retain(|(name, _)| name != k);
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Page {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let cookies = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut r = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost");
        if !cookies.is_empty() {
            r = r.header(header::COOKIE, cookies);
        }
        r
    }

    async fn get(&mut self, path: &str) -> Page {
        let r = self.request("GET", path).body(Body::empty()).unwrap();
        self.send(r).await
    }

    /// A form post carrying the token, as the pages' forms do.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = encode(&all);
        let r = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    /// An htmx post: the token in the header, `HX-Request` set.
    async fn htmx(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("hx-request", "true")
            .header("x-csrf-token", self.csrf.clone())
            .body(Body::from(encode(fields)))
            .unwrap();
        self.send(r).await
    }
}

fn stat(page: &Page, key: &str) -> f64 {
    page.attr_after(&format!("data-stat=\"{key}\""), "data-value")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {}", page.body))
}

const STORY: [(&str, &str); 7] = [
    ("title", "Merchant onboarding rescue"),
    (
        "situation",
        "In 2022 our merchant onboarding on Taobao lost 40% of new sellers in the first week, and \
         the category team was missing its quarterly target.",
    ),
    (
        "task",
        "I owned the onboarding funnel and had to lift week-one activation without adding \
         headcount.",
    ),
    (
        "action",
        "I interviewed twenty merchants, found that the deposit step confused them, ran an A/B \
         test of a simpler flow with the payments team, and took the decision to ship it to every \
         region even though legal asked for more time; I agreed the wording with them in a day.",
    ),
    (
        "result",
        "Week-one activation rose from 60% to 78%, about 9,000 more active merchants a month, and \
         the flow became the template for AliExpress.",
    ),
    ("values", "ownership"),
    ("values", "customer_first"),
];

#[tokio::test]
async fn pages_need_a_session() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let app = hireloop_web::router(AppState::new(store, content(), Settings::default()));
    for path in ["/progress", "/stories", "/checklist", "/toolkit"] {
        let r = app
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn a_new_user_sees_empty_states() {
    let mut b = Browser::signed_up("Ada Lovelace").await;
    let p = b.get("/progress").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.has("Nothing to chart yet"), "{}", p.body);
    assert!(p.has("Nothing scheduled yet"));
    let s = b.get("/stories").await;
    assert_eq!(s.status, StatusCode::OK);
    assert!(s.has("No stories yet"));
    assert!(s.has("name=\"values\" value=\"ownership\""));
    let c = b.get("/checklist").await;
    assert_eq!(c.status, StatusCode::OK);
    assert!(c.has("0 of 9 done") || c.has("0 of "), "{}", c.body);
    let t = b.get("/toolkit").await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.has("buyers = 300M to 500M"));
    assert!(t.has("hx-post=\"/toolkit/estimate\""));
    // Each page marks its section of the navigation.
    assert!(t.has("class=\"current\" href=\"/toolkit\""));
}

#[tokio::test]
async fn stories_round_trip_and_practising_schedules_a_review() {
    let mut b = Browser::signed_up("Grace Hopper").await;

    // A story with an empty task and an unknown value names both fields, keeps what was typed.
    let bad = b
        .post(
            "/stories",
            &[
                ("title", "Half a story"),
                ("situation", "We were late."),
                ("task", "  "),
                ("action", "I fixed it."),
                ("result", "It shipped."),
                ("values", "bravery"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Task: the task is empty"), "{}", bad.body);
    assert!(bad.has("Values: no value `bravery`"));
    assert!(bad.has("id=\"task\" name=\"task\""));
    assert!(bad.has("aria-invalid=\"true\" aria-describedby=\"task-error\""));
    assert!(bad.has("value=\"Half a story\""));
    assert!(bad.has(">We were late.</textarea>"));

    // A good story is saved and shown.
    let saved = b.post("/stories", &STORY).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let link = saved.location().to_owned();
    assert!(
        link.starts_with("/stories/") && link.ends_with("?saved=1"),
        "{link}"
    );
    let id = link
        .trim_start_matches("/stories/")
        .trim_end_matches("?saved=1")
        .to_owned();
    let page = b.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Saved."));
    assert!(page.has("Merchant onboarding rescue"));
    assert!(page.has("value=\"ownership\" checked"));
    assert!(page.has("value=\"customer_first\" checked"));
    let list = b.get("/stories").await;
    assert!(list.has(&format!("href=\"/stories/{id}\"")));
    assert!(list.has("badge accent\">Ownership"));
    assert!(list.has("not practised yet"));

    // Editing keeps the id; a bad edit names the field and changes nothing.
    let mut edited = STORY.to_vec();
    edited[0] = ("title", "Onboarding rescue");
    let ok = b.post(&format!("/stories/{id}"), &edited).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    edited[0] = ("title", "");
    let bad = b.post(&format!("/stories/{id}"), &edited).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Title: the title is empty"));
    assert!(
        b.get(&format!("/stories/{id}"))
            .await
            .has("<h1>Onboarding rescue</h1>")
    );

    // Practising grades the story and records a review card.
    let practised = b.post(&format!("/stories/{id}/practise"), &[]).await;
    assert_eq!(practised.status, StatusCode::OK);
    assert!(practised.has("The coach's view"), "{}", practised.body);
    assert!(practised.has("By dimension"));
    assert!(practised.has("<mark title="), "evidence is highlighted");
    assert!(practised.has("Scheduled for review in "));
    let list = b.get("/stories").await;
    assert!(list.has("practised 1×"), "{}", list.body);
    let progress = b.get("/progress").await;
    assert_eq!(progress.status, StatusCode::OK);
    assert!(progress.has("STAR story"));
    assert!(progress.has(&format!("<a href=\"/stories/{id}\">Onboarding rescue</a>")));

    // Someone else's story is not found; deleting removes it and its card.
    let mut other = Browser::signed_up("Someone Else").await;
    assert_eq!(
        other.get(&format!("/stories/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let gone = b.post(&format!("/stories/{id}/delete"), &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(
        b.get(&format!("/stories/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(b.get("/progress").await.has("Nothing scheduled yet"));
}

#[tokio::test]
async fn the_checklist_toggles_with_and_without_htmx() {
    let mut b = Browser::signed_up("Katherine Johnson").await;
    let total = content().checklist.len();
    let item = content().checklist[0].id.clone();

    // A plain form post marks it done and comes back to the item.
    let r = b
        .post(&format!("/checklist/{item}"), &[("done", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/checklist#item-{item}"));
    let page = b.get("/checklist").await;
    assert!(page.has(&format!("1 of {total} done")), "{}", page.body);
    assert!(page.has(&format!("id=\"item-{item}\" class=\"check-item done\"")));

    // htmx gets the item and the bars, out of band.
    let swap = b
        .htmx(&format!("/checklist/{item}"), &[("done", "0")])
        .await;
    assert_eq!(swap.status, StatusCode::OK);
    assert!(
        swap.body
            .trim_start()
            .starts_with(&format!("<li id=\"item-{item}\" class=\"check-item\""))
    );
    assert!(swap.has("hx-swap-oob=\"true\""));
    assert!(swap.has(&format!("0 of {total} done")));
    assert!(!swap.has("<html"));

    // Without `done` the item flips; unknown items are not found; bad values are refused.
    assert_eq!(
        b.post(&format!("/checklist/{item}"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(b.get("/checklist").await.has(&format!("1 of {total} done")));
    assert_eq!(
        b.post("/checklist/no-such-item", &[("done", "1")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.post(&format!("/checklist/{item}"), &[("done", "maybe")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Without the token the post is refused.
    let forged = b
        .request("POST", &format!("/checklist/{item}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("done=1"))
        .unwrap();
    assert_eq!(b.send(forged).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_estimate_calculator_runs_and_places_errors() {
    let mut b = Browser::signed_up("Enrico Fermi").await;
    let r = b
        .post(
            "/toolkit/estimate",
            &[
                ("model", "x = 10 to 20\n"),
                ("samples", "100000"),
                ("seed", "7"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A lognormal with 5th percentile 10 and 95th 20 has its median at √200 ≈ 14.14.
    let p50 = stat(&r, "p50");
    assert!((p50 - 200f64.sqrt()).abs() < 0.1, "median {p50}");
    assert!((stat(&r, "p5") - 10.0).abs() < 0.2);
    assert!((stat(&r, "p95") - 20.0).abs() < 0.4);
    assert!(r.has("<svg"), "histogram");
    assert!(r.has("x = 10 to 20"), "the model stays in the form");

    // A syntax error names its line and column, with 422, in the page and in the htmx panel.
    let model = "a = 10 to 20\nb = a * * 2\n";
    let bad = b.post("/toolkit/estimate", &[("model", model)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Line 2, column "), "{}", bad.body);
    assert!(bad.has("b = a * * 2"));
    assert!(bad.has("id=\"model\" name=\"model\""));
    let panel = b.htmx("/toolkit/estimate", &[("model", model)]).await;
    assert_eq!(panel.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(panel.has("Line 2, column "));
    assert!(!panel.has("<html"));

    // Samples out of range are refused with the field named.
    let many = b
        .post(
            "/toolkit/estimate",
            &[("model", "x = 1 to 2"), ("samples", "5M")],
        )
        .await;
    assert_eq!(many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(many.has("href=\"#samples\""));
}

#[tokio::test]
async fn the_ab_and_funnel_calculators_answer() {
    let mut b = Browser::signed_up("Ronald Fisher").await;
    let ab = b
        .post(
            "/toolkit/ab",
            &[
                ("control_visitors", "100000"),
                ("control_conversions", "4000"),
                ("treatment_visitors", "100000"),
                ("treatment_conversions", "4200"),
                ("control_revenue_mean", "3.1"),
                ("control_revenue_sd", "12"),
                ("treatment_revenue_mean", "3.3"),
                ("treatment_revenue_sd", "12.5"),
                ("confidence", "95"),
                ("decide", "conversion"),
            ],
        )
        .await;
    assert_eq!(ab.status, StatusCode::OK, "{}", ab.body);
    let p: f64 = ab
        .attr_after("<td class=\"num\" data-p", "data-p")
        .unwrap()
        .parse()
        .unwrap();
    assert!(p > 0.0 && p < 1.0, "p-value {p}");
    assert!(ab.has("Traffic split OK"));
    assert!(ab.has("revenue per visitor"));
    assert!(ab.has("Decision: <span class=\"badge"));
    assert!(ab.has("<svg"));

    let broken = b
        .htmx(
            "/toolkit/ab",
            &[
                ("control_visitors", "100000"),
                ("control_conversions", "4000"),
                ("treatment_visitors", "90000"),
                ("treatment_conversions", "4200"),
            ],
        )
        .await;
    assert_eq!(broken.status, StatusCode::OK);
    assert!(broken.has("Traffic split broken"));

    let bad = b
        .post(
            "/toolkit/ab",
            &[
                ("control_visitors", "100"),
                ("control_conversions", "200"),
                ("treatment_visitors", "100"),
                ("treatment_conversions", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Control conversions: 200 conversions out of 100 visitors"));

    let csv = "user_id,event,timestamp\n\
               1,view,1700000000\n1,cart,1700000060\n1,pay,1700000120\n\
               2,view,1700000000\n2,cart,1700000300\n\
               3,view,1700000000\n\
               4,cart,1700000000\n";
    let f = b
        .post(
            "/toolkit/funnel",
            &[("csv", csv), ("steps", "view, cart, pay"), ("window", "1d")],
        )
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    let users: Vec<String> = f
        .body
        .match_indices("data-users=\"")
        .map(|(i, m)| {
            let rest = &f.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    assert_eq!(users, ["3", "2", "1"]);
    assert!(f.has("<svg"));

    let typo = b
        .post(
            "/toolkit/funnel",
            &[("csv", csv), ("steps", "view, checkout")],
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.has("`checkout`"), "{}", typo.body);
    assert!(typo.has("href=\"#steps\""));
    let ragged = b
        .htmx(
            "/toolkit/funnel",
            &[
                ("csv", "user_id,event,timestamp\n1,view\n"),
                ("steps", "view"),
            ],
        )
        .await;
    assert_eq!(ragged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(ragged.has("line 2"), "{}", ragged.body);
}

#[tokio::test]
async fn progress_shows_answers_after_practice() {
    let mut b = Browser::signed_up("Alan Turing").await;
    let started = b
        .post(
            "/loops",
            &[("level", "P6"), ("region", "china"), ("language", "en")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let loop_page = b.get(started.location()).await;
    let prefix = format!("{}/rounds/", started.location());
    let first = loop_page
        .attr_after(&format!("href=\"{prefix}"), "href")
        .expect("a round link");
    let answered = b
        .post(
            &first,
            &[
                (
                    "answer",
                    "Product manager at Taobao 2019-2024. Led the redesign of the merchant \
                     onboarding flow, owning the roadmap; grew activated merchants by 35% (from \
                     20k to 27k per month). Launched a live-commerce feature used by 2 million \
                     buyers daily.",
                ),
                ("self_rating", "3"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);

    let p = b.get("/progress").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.has("Nothing to chart yet"), "{}", p.body);
    assert!(p.has("1 answer graded"));
    assert!(
        p.has(&format!("<a href=\"{first}\">")),
        "the attempt links to its item"
    );
    assert!(p.has("Scores by dimension"));
    assert!(p.matches_svg(3));
    // A chosen dimension redraws the chart with only that line.
    let dim = p.attr_after("name=\"dim\"", "value").unwrap_or_default();
    if !dim.is_empty() {
        let one = b.get(&format!("/progress?dim={dim}")).await;
        assert_eq!(one.status, StatusCode::OK);
    }
    let c = b.get("/checklist").await;
    assert_eq!(c.status, StatusCode::OK);
}

impl Page {
    /// Whether the page inlines at least `n` charts.
    fn matches_svg(&self, n: usize) -> bool {
        self.body.matches("<svg").count() >= n
    }
}
