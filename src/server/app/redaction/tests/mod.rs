//! Tests assert exact outputs: a redaction test that only checks "something
//! changed" cannot catch an id being eaten.

mod bench;
mod corpus;
mod json;
mod paths;
mod property;
mod rules;
mod untouched;

use super::{Detector, Redactor};

/// Every built-in, no custom rules.
fn all() -> Redactor {
    Redactor::new(&Detector::ALL, Vec::new())
}

/// `text()` with every built-in, as an owned string and the count.
fn red(text: &str) -> (String, u32) {
    let (out, n) = all().text("test", text);
    (out.into_owned(), n)
}
