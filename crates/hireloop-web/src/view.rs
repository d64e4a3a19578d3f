//! Rendering pages: the chrome every page shares and the error page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Html;

use crate::auth::{Caller, SignedIn};
use crate::error::WebError;

/// What the layout needs on every page: who is signed in, the anti-forgery token for forms, and
/// which section of the navigation is current.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// The signed-in user's name.
    pub user: Option<String>,
    /// The anti-forgery token.
    pub csrf: String,
    /// The current section: `practice`, `progress`, `stories`, `checklist`, `toolkit`, `hiring`
    /// or empty.
    pub active: &'static str,
    /// Whether the user belongs to an organisation (shows the hiring link).
    pub hiring: bool,
}

impl Chrome {
    /// The chrome for a visitor or user.
    pub fn of(caller: &Caller, active: &'static str) -> Chrome {
        Chrome {
            user: caller.session.as_ref().map(|s| s.user.display_name.clone()),
            csrf: caller.csrf.clone(),
            active,
            hiring: caller.member,
        }
    }

    /// The chrome for a signed-in user.
    pub fn signed_in(user: &SignedIn, active: &'static str) -> Chrome {
        Chrome {
            user: Some(user.user().display_name.clone()),
            csrf: user.csrf.clone(),
            active,
            hiring: user.member,
        }
    }

    /// The class of a navigation link: `current` on the active section.
    pub fn nav(&self, section: &str) -> &'static str {
        if self.active == section {
            "current"
        } else {
            ""
        }
    }
}

/// Renders a template, turning a template failure into an internal error.
pub fn render<T: Template>(template: &T) -> Result<Html<String>, WebError> {
    template.render().map(Html).map_err(WebError::internal)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    title: String,
    message: &'a str,
    sign_in: bool,
}

/// The page of an error: its status, the message and, for "sign in first", the way there.
pub fn error_page(status: StatusCode, message: &str, error: &WebError) -> Html<String> {
    let page = ErrorPage {
        chrome: Chrome::default(),
        title: status
            .canonical_reason()
            .unwrap_or("Something went wrong")
            .to_owned(),
        message,
        sign_in: error.wants_sign_in(),
    };
    // The error page must not fail in turn: fall back to plain text in a minimal document.
    page.render().map(Html).unwrap_or_else(|_| {
        Html(format!(
            "<!doctype html><title>{status}</title><p>{}</p>",
            escape(message)
        ))
    })
}

pub use hireloop_report::svg::escape;

/// A moment as `26 Nov 2026, 14:05 UTC`.
pub fn fmt_time(ms: i64) -> String {
    utc(ms, "%-d %b %Y, %H:%M UTC")
}

/// `ms` since the epoch in UTC, formatted by `strftime`-style `format`; a moment outside the
/// calendar's range shows as its raw number.
pub fn utc(ms: i64, format: &str) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map_or_else(|_| format!("{ms} ms"), |t| t.strftime(format).to_string())
}

/// A clock time as `14:05:09 UTC`.
pub fn fmt_clock(ms: i64) -> String {
    let of_day = ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02} UTC",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60
    )
}

/// A duration as `1 h 05 min`, `12 min` or `40 s`.
pub fn fmt_duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s >= 3600 {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

/// `text` as HTML with the byte ranges of `spans` wrapped in `<mark>`, each titled with what it
/// is evidence of. Overlapping spans are merged; ranges off a character boundary are skipped.
pub fn highlight(text: &str, spans: &[(usize, usize, String)]) -> String {
    let mut spans: Vec<(usize, usize, Vec<&str>)> = spans
        .iter()
        .filter(|(s, e, _)| {
            s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e)
        })
        .map(|(s, e, label)| (*s, *e, vec![label.as_str()]))
        .collect();
    spans.sort_by_key(|(s, e, _)| (*s, *e));
    let mut merged: Vec<(usize, usize, Vec<&str>)> = Vec::new();
    for (s, e, labels) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => {
                last.1 = last.1.max(e);
                for l in labels {
                    if !last.2.contains(&l) {
                        last.2.push(l);
                    }
                }
            }
            _ => merged.push((s, e, labels)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 32);
    let mut at = 0;
    for (s, e, labels) in merged {
        out.push_str(&escape(&text[at..s]));
        out.push_str("<mark title=\"");
        out.push_str(&escape(&labels.join(", ")));
        out.push_str("\">");
        out.push_str(&escape(&text[s..e]));
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&escape(&text[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_dates() {
        assert_eq!(fmt_time(0), "1 Jan 1970, 00:00 UTC");
        assert_eq!(fmt_time(1_795_651_500_000), "26 Nov 2026, 00:05 UTC");
        assert_eq!(fmt_time(951_782_400_000), "29 Feb 2000, 00:00 UTC");
        assert_eq!(fmt_clock(3_723_000), "01:02:03 UTC");
        assert_eq!(fmt_duration(3_900_000), "1 h 05 min");
        assert_eq!(fmt_duration(125_000), "2 min");
        assert_eq!(fmt_duration(-5), "0 s");
    }

    #[test]
    fn evidence_is_marked_and_escaped() {
        let text = "GMV <up> for merchants and buyers";
        let spans = vec![
            (13, 22, "Two-sided".to_owned()),
            (17, 26, "Ecosystem".to_owned()),
            (27, 33, "Two-sided".to_owned()),
            (30, 99, "out of range".to_owned()),
        ];
        assert_eq!(
            highlight(text, &spans),
            "GMV &lt;up&gt; for <mark title=\"Two-sided, Ecosystem\">merchants and</mark> \
             <mark title=\"Two-sided\">buyers</mark>"
        );
        // A span inside a multi-byte character is skipped, not split.
        assert_eq!(highlight("增长", &[(1, 3, "x".to_owned())]), "增长");
    }
}
