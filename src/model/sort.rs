//! The calls list's order: by start (the default, newest first) or by a
//! column, in the URL as `sort=latency` (largest first) or
//! `sort=latency.asc`.

use serde::{Deserialize, Serialize};

use super::format::url_segment;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    Started,
    Duration,
    /// Median response latency.
    Latency,
    /// Total quiet time.
    Stall,
    /// Interruptions per agent turn.
    Interruptions,
    /// The agent's share of the speaking time.
    Talk,
    /// The share of tool calls that failed.
    ToolErrors,
}

impl SortKey {
    pub const ALL: [SortKey; 7] = [
        SortKey::Started,
        SortKey::Duration,
        SortKey::Latency,
        SortKey::Stall,
        SortKey::Interruptions,
        SortKey::Talk,
        SortKey::ToolErrors,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Started => "started",
            SortKey::Duration => "duration",
            SortKey::Latency => "latency",
            SortKey::Stall => "stall",
            SortKey::Interruptions => "interruptions",
            SortKey::Talk => "talk",
            SortKey::ToolErrors => "tool_errors",
        }
    }
}

/// A column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: SortKey,
    pub ascending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Started,
            ascending: false,
        }
    }
}

impl Sort {
    /// Reads a `sort=` value; an unknown one says which there are.
    pub fn parse(value: &str) -> Result<Sort, String> {
        let value = value.trim();
        let (name, ascending) = match value.strip_suffix(".asc") {
            Some(name) => (name, true),
            None => (value.strip_suffix(".desc").unwrap_or(value), false),
        };
        SortKey::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .map(|key| Sort { key, ascending })
            .ok_or_else(|| {
                let names: Vec<&str> = SortKey::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "cannot sort by \"{value}\": sort by one of {} (add .asc for smallest first)",
                    names.join(", ")
                )
            })
    }

    /// The `sort=` value, empty for the default order.
    pub fn param(self) -> String {
        match (self == Sort::default(), self.ascending) {
            (true, _) => String::new(),
            (false, true) => format!("{}.asc", self.key.as_str()),
            (false, false) => self.key.as_str().to_string(),
        }
    }

    /// Where a click on `key`'s column header goes from this order: the
    /// column, largest first; on it already, the other way round.
    pub fn toggled(self, key: SortKey) -> Sort {
        Sort {
            key,
            ascending: self.key == key && !self.ascending,
        }
    }
}

/// What the calls list shows (its query and order), to link its column
/// headers and pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOrder {
    pub q: String,
    pub sort: Sort,
}

impl ListOrder {
    /// The list with this query in the order `sort`.
    pub fn href(&self, sort: Sort) -> String {
        let mut params = Vec::new();
        if !self.q.trim().is_empty() {
            params.push(format!("q={}", url_segment(&self.q)));
        }
        let sort = sort.param();
        if !sort.is_empty() {
            params.push(format!("sort={sort}"));
        }
        match params.is_empty() {
            true => "/".to_string(),
            false => format!("/?{}", params.join("&")),
        }
    }

    /// This very list (a pager's base).
    pub fn base(&self) -> String {
        self.href(self.sort)
    }

    /// `aria-sort` of a column header.
    pub fn aria_sort(&self, key: SortKey) -> &'static str {
        match (self.sort.key == key, self.sort.ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_links_keep_the_query_and_flip_the_order() {
        let list = ListOrder {
            q: "tool:book has:hang".into(),
            sort: Sort::default(),
        };
        let latency = list.sort.toggled(SortKey::Latency);
        assert_eq!(
            list.href(latency),
            "/?q=tool%3Abook%20has%3Ahang&sort=latency"
        );
        assert_eq!(list.base(), "/?q=tool%3Abook%20has%3Ahang");
        assert_eq!(ListOrder::default().base(), "/");
        let sorted = ListOrder {
            q: String::new(),
            sort: latency,
        };
        assert_eq!(sorted.base(), "/?sort=latency");
        assert_eq!(sorted.aria_sort(SortKey::Latency), "descending");
        assert_eq!(sorted.aria_sort(SortKey::Stall), "none");
    }

    #[test]
    fn sort_values_round_trip_and_unknown_ones_are_refused() {
        for key in SortKey::ALL {
            for ascending in [false, true] {
                let sort = Sort { key, ascending };
                let param = sort.param();
                let back = if param.is_empty() {
                    Sort::default()
                } else {
                    Sort::parse(&param).unwrap()
                };
                assert_eq!(back, sort, "{param}");
            }
        }
        assert_eq!(
            Sort::parse("latency.desc").unwrap(),
            Sort {
                key: SortKey::Latency,
                ascending: false
            }
        );
        let e = Sort::parse("loudness").unwrap_err();
        assert!(
            e.contains("\"loudness\"") && e.contains("tool_errors"),
            "{e}"
        );
    }

    #[test]
    fn a_header_click_sorts_largest_first_then_flips() {
        let latency = Sort::default().toggled(SortKey::Latency);
        assert_eq!(latency.param(), "latency");
        assert_eq!(latency.toggled(SortKey::Latency).param(), "latency.asc");
        assert_eq!(
            latency.toggled(SortKey::Latency).toggled(SortKey::Latency),
            latency
        );
    }
}
