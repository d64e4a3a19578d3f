//! The browser's side of the hiring page tests: requests as a signed-in (or signed-out)
//! browser sends them, in process, and what it gets back.

use axum::body::{Body, to_bytes};
use axum::http::request::Builder;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use super::App;

/// The anti-forgery token of the test sessions (see [`super::App`]'s sessions).
pub const CSRF: &str = "csrf";

/// What a browser gets back.
#[derive(Debug)]
pub struct Html {
    /// Status.
    pub status: StatusCode,
    /// `Content-Type`.
    pub content_type: String,
    /// `Location` (empty when none).
    pub location: String,
    /// Every `Set-Cookie`.
    pub set_cookie: Vec<String>,
    /// Body as text.
    pub body: String,
}

impl Html {
    /// Whether the body holds `needle`.
    pub fn has(&self, needle: &str) -> bool {
        self.body.contains(needle)
    }

    /// Asserts an HTML page with this status.
    #[track_caller]
    pub fn is_page(&self, status: StatusCode) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert!(
            self.content_type.starts_with("text/html"),
            "not an HTML page: {} {}",
            self.content_type,
            self.body
        );
    }

    /// Asserts a "see other" redirect to a location starting with `start`.
    #[track_caller]
    pub fn redirects_to(&self, start: &str) {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "body: {}", self.body);
        assert!(
            self.location.starts_with(start),
            "went to {} instead of {start}",
            self.location
        );
    }

    /// The section of the page from `from` on, up to the next `</section>`.
    #[track_caller]
    pub fn section(&self, from: &str) -> &str {
        let start = self
            .body
            .find(from)
            .unwrap_or_else(|| panic!("no {from:?} in {}", self.body));
        let rest = &self.body[start..];
        &rest[..rest.find("</section>").unwrap_or(rest.len())]
    }
}

/// Sends a request and reads the whole answer.
pub async fn send(app: &App, req: Builder, body: Body) -> Html {
    let resp = app
        .router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let head = |name: header::HeaderName| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (status, content_type, location) = (
        resp.status(),
        head(header::CONTENT_TYPE),
        head(header::LOCATION),
    );
    let set_cookie = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let body = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    Html {
        status,
        content_type,
        location,
        set_cookie,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A request as a browser sends it: its cookie (if any), extra headers, and for a form its
/// URL-encoded fields (the test adds `_csrf` itself where it wants one); a GET without a form.
pub async fn visit(
    app: &App,
    cookie: Option<&str>,
    path: &str,
    form: Option<&[(&str, &str)]>,
    headers: &[(&str, &str)],
) -> Html {
    let mut req = Request::builder().uri(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    match form {
        Some(fields) => {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            let req = req
                .method("POST")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            send(app, req, Body::from(body)).await
        }
        None => send(app, req.method("GET"), Body::empty()).await,
    }
}

/// A request of the signed-in browser of `token`: a GET, or a form POST.
pub async fn browse(app: &App, token: &str, path: &str, form: Option<&[(&str, &str)]>) -> Html {
    visit(app, Some(&format!("hl_session={token}")), path, form, &[]).await
}

/// GET a page as `token`'s browser.
pub async fn get(app: &App, token: &str, path: &str) -> Html {
    browse(app, token, path, None).await
}

/// POST a URL-encoded form as `token`'s browser.
pub async fn post(app: &App, token: &str, path: &str, fields: &[(&str, &str)]) -> Html {
    browse(app, token, path, Some(fields)).await
}

/// POST `multipart/form-data` as a browser uploads a file: text fields, then files as
/// (field, file name, bytes).
pub async fn upload(
    app: &App,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Html {
    let boundary = "----hireloopTestBoundary7MA4YWxk";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, format!("hl_session={token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
    send(app, req, Body::from(body)).await
}
