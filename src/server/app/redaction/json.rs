//! Where in a JSON value redaction may write.
//!
//! A webhook payload mixes what people said with what machines need intact:
//! ids, timestamps, urls, enum tags, signing keys. Detectors are strict, but
//! the only way to be *sure* an id survives is to never look at it, so
//! values under id-like keys are skipped by name, and numbers (which are
//! never free text in these payloads) are never touched.

use serde_json::Value;

use super::rules::PathStep;
use super::Redactor;

/// Key words whose values are skipped. A key is skipped when, compared
/// ignoring ASCII case, the whole key or its last word is one of these. The
/// last word is what follows the final `_` or `-` (`order_id`, `created_at`,
/// `call-sid`) or the final camelCase hump (`orderId`, `createdAt`,
/// `callID`, `recordingUrl`, `webhookURL`), so `phone_number`, `note` or
/// `paid` are not skipped.
pub const SKIP_KEY_WORDS: &[&str] = &[
    // identifiers
    "id",
    "ids",
    "uuid",
    "guid",
    "sid",
    // times
    "at",
    "timestamp",
    "time",
    "date",
    "ts",
    // addresses of machines, not people
    "url",
    "urls",
    "uri",
    "href",
    // enum tags and secrets
    "type",
    "kind",
    "role",
    "status",
    "event",
    "version",
    "key",
    "hash",
    "token",
    "signature",
    "secret",
];

/// Whether values under `key` are never redacted by the scoped pass.
pub fn is_skip_key(key: &str) -> bool {
    let word = |w: &str| SKIP_KEY_WORDS.iter().any(|s| s.eq_ignore_ascii_case(w));
    word(key) || last_word(key).is_some_and(word)
}

/// The last word of a compound key, if it has more than one.
fn last_word(key: &str) -> Option<&str> {
    if let Some(i) = key.rfind(['_', '-']) {
        return Some(&key[i + 1..]);
    }
    let b = key.as_bytes();
    let end = b.len();
    // camelCase: `createdAt` -> `At`; trailing capitals: `callID` -> `ID`.
    let start = if b.last()?.is_ascii_uppercase() {
        let mut i = end;
        while i > 0 && b[i - 1].is_ascii_uppercase() {
            i -= 1;
        }
        i
    } else {
        b.iter().rposition(u8::is_ascii_uppercase)?
    };
    // Only a hump after a lower-case letter or digit splits the key.
    let prev = start.checked_sub(1).map(|i| b[i])?;
    (prev.is_ascii_lowercase() || prev.is_ascii_digit()).then(|| &key[start..])
}

/// The scoped pass. `skip` is true for values under a skip key: strings
/// there are left alone, but an object there is still walked, since its own
/// keys decide (`"event": {"transcript": ...}` must not hide a transcript).
pub(super) fn scoped(redactor: &Redactor, source: &str, value: &mut Value, skip: bool) -> u32 {
    match value {
        Value::String(s) if !skip => {
            if let Some(count) = nested(redactor, source, s) {
                return count;
            }
            let (out, count) = redactor.text(source, s);
            if let std::borrow::Cow::Owned(out) = out {
                *s = out;
            }
            count
        }
        Value::Array(items) => items
            .iter_mut()
            .map(|v| scoped(redactor, source, v, skip))
            .sum(),
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| scoped(redactor, source, v, is_skip_key(k)))
            .sum(),
        _ => 0,
    }
}

/// Tool arguments often arrive JSON-encoded inside a string
/// (`"arguments": "{\"order_id\":\"4155550123\"}"`). Treating that as prose
/// would redact the id, so a string holding a JSON object or array is
/// parsed and walked with its keys. Re-encoded only if something changed
/// (key order and spacing may then differ from the original).
fn nested(redactor: &Redactor, source: &str, s: &mut String) -> Option<u32> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let mut inner: Value = serde_json::from_str(s).ok()?;
    let count = scoped(redactor, source, &mut inner, false);
    if count > 0 {
        *s = inner.to_string();
    }
    Some(count)
}

/// Replaces every value at `steps` with `mark` and returns how many were
/// replaced. Missing members, out-of-range indexes and nulls (no data to
/// hide) are skipped; a value that already is `mark` is not counted again.
/// A string met before the path ends is walked into if it holds JSON, for
/// JSON-encoded tool arguments.
pub(super) fn apply_path(value: &mut Value, steps: &[PathStep], mark: &str) -> u32 {
    let Some((step, rest)) = steps.split_first() else {
        if value.is_null() || value.as_str() == Some(mark) {
            return 0;
        }
        *value = Value::String(mark.to_owned());
        return 1;
    };
    if let Value::String(s) = value {
        let mut inner = match serde_json::from_str::<Value>(s) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => inner,
            _ => return 0,
        };
        let count = apply_path(&mut inner, steps, mark);
        if count > 0 {
            *s = inner.to_string();
        }
        return count;
    }
    match step {
        PathStep::Key(key) => value
            .as_object_mut()
            .and_then(|map| map.get_mut(key))
            .map_or(0, |v| apply_path(v, rest, mark)),
        PathStep::Index(i) => value
            .as_array_mut()
            .and_then(|items| items.get_mut(*i))
            .map_or(0, |v| apply_path(v, rest, mark)),
        PathStep::Each => value.as_array_mut().map_or(0, |items| {
            items.iter_mut().map(|v| apply_path(v, rest, mark)).sum()
        }),
    }
}
