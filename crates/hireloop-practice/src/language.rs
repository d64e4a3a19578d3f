//! The language a candidate practises in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// English or Simplified Chinese: the language of the prompts shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl Language {
    /// Every language with its id.
    pub const ALL: [(&'static str, Language); 2] = [("en", Language::En), ("zh", Language::Zh)];

    /// The stable id, `en` or `zh`.
    pub fn id(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }

    /// The BCP 47 tag for an HTML `lang` attribute.
    pub fn html_tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh-Hans",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Language::ALL
            .iter()
            .find(|(id, _)| *id == t)
            .map(|(_, l)| *l)
            .ok_or_else(|| format!("no language `{s}`; the languages are en, zh"))
    }
}
