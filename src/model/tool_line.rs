//! A tool call in one line, readable without a click:
//! `lookupOrder(order_id: "ORD-99812") → shipped`.

use serde_json::Value;

/// Longest line shown; the JSON beneath has the rest.
const MAX: usize = 120;

/// `function(key: value, …)`, keys in name order, each value as compact JSON.
pub fn call(function: &str, arguments: &Value) -> String {
    let inner = match arguments {
        Value::Null => String::new(),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    clip(&format!("{function}({inner})"))
}

/// What a response says in a few words: a string as it is; an object's
/// `status`, `result` or `message` when it has one; else compact JSON.
pub fn result(response: &Value) -> String {
    let said = match response {
        Value::String(s) => s.clone(),
        Value::Object(fields) => ["status", "result", "message"]
            .iter()
            .find_map(|k| match fields.get(*k)? {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .unwrap_or_else(|| response.to_string()),
        other => other.to_string(),
    };
    clip(&said)
}

fn clip(s: &str) -> String {
    super::format::one_line(s, MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_call_reads_as_a_function_with_its_arguments() {
        assert_eq!(
            call("lookupOrder", &json!({"order_id": "ORD-99812", "n": 2})),
            r#"lookupOrder(n: 2, order_id: "ORD-99812")"#
        );
        assert_eq!(call("ping", &Value::Null), "ping()");
        assert_eq!(call("raw", &json!("not json")), r#"raw("not json")"#);
    }

    #[test]
    fn a_result_reads_as_what_it_says() {
        assert_eq!(
            result(&json!({"status": "shipped", "eta": "Friday"})),
            "shipped"
        );
        assert_eq!(result(&json!("done")), "done");
        assert_eq!(result(&json!({"slots": [1, 2]})), r#"{"slots":[1,2]}"#);
        assert_eq!(result(&json!(true)), "true");
    }

    #[test]
    fn long_lines_are_clipped() {
        let long = "x".repeat(300);
        let line = result(&json!(long));
        assert_eq!(line.chars().count(), MAX + 1);
        assert!(line.ends_with('…'));
        assert_eq!(result(&json!("two\nlines")), "two…");
    }
}
