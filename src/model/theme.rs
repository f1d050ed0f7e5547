//! The colour theme a person picked: light, dark, or whatever their system
//! says. Kept in a cookie so the server renders the page in it from the
//! first byte (no flash of the other theme, with or without JavaScript).

use serde::{Deserialize, Serialize};

/// The cookie holding the choice.
pub const THEME_COOKIE: &str = "calltrail-theme";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The choice in a `Cookie` header; the system's when there is none
    /// (or it holds something this version does not know).
    pub fn from_cookie_header(header: &str) -> Theme {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Theme::parse(value.trim()))
            .unwrap_or_default()
    }

    /// The `Set-Cookie` value that keeps this choice for a year.
    pub fn cookie(self) -> String {
        format!(
            "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            self.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_header_decides_and_anything_else_means_system() {
        assert_eq!(
            Theme::from_cookie_header("calltrail-theme=dark"),
            Theme::Dark
        );
        assert_eq!(
            Theme::from_cookie_header("id=abc; calltrail-theme=light; x=y"),
            Theme::Light
        );
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
        assert_eq!(
            Theme::from_cookie_header("calltrail-theme=pink"),
            Theme::System
        );
        assert_eq!(Theme::from_cookie_header("other-theme=dark"), Theme::System);
    }

    #[test]
    fn a_choice_survives_its_cookie() {
        for theme in Theme::ALL {
            let cookie = theme.cookie();
            let pair = cookie.split(';').next().unwrap();
            assert_eq!(Theme::from_cookie_header(pair), theme);
        }
    }
}
