//! The scoped JSON pass: which leaves change, which never do.

use serde_json::{json, Value};

use super::super::json::is_skip_key;
use super::all;

#[test]
fn tool_arguments_only_free_text_changes() {
    let mut v = json!({
        "phone": "+1 415 555 0123",
        "order_id": "4155550123",
        "created_at": "2024-01-15T10:30:00Z",
        "note": "call me at 415-555-0123"
    });
    let n = all().json_text("vapi", &mut v);
    assert_eq!(
        v,
        json!({
            "phone": "[phone]",
            "order_id": "4155550123",
            "created_at": "2024-01-15T10:30:00Z",
            "note": "call me at [phone]"
        })
    );
    assert_eq!(n, 2);
}

#[test]
fn nested_objects_arrays_and_keys() {
    let mut v = json!({
        "messages": [
            {"role": "user", "message": "I'm at 415-555-0123", "time": 1705312200.5, "secondsFromStart": 12.3},
            {"role": "bot", "message": "Thanks, noted."},
            ["4111 1111 1111 1111", {"callId": "4155550123"}]
        ],
        "call": {"id": "4155550123", "customer": {"number": "+14155550123", "email": "a@b.io"}},
        "415-555-0123": "key names are never changed",
        "webhookURL": "https://x.example/4155550123",
        "phoneNumberId": "4155550123",
        "tool_call_ids": ["4155550123", ["0151 123 4567"]],
        "amount": 4155550123u64,
        "ok": true,
        "nothing": null
    });
    let before_keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    let n = all().json_text("vapi", &mut v);
    assert_eq!(
        v,
        json!({
            "messages": [
                {"role": "user", "message": "I'm at [phone]", "time": 1705312200.5, "secondsFromStart": 12.3},
                {"role": "bot", "message": "Thanks, noted."},
                ["[card]", {"callId": "4155550123"}]
            ],
            "call": {"id": "4155550123", "customer": {"number": "[phone]", "email": "[email]"}},
            "415-555-0123": "key names are never changed",
            "webhookURL": "https://x.example/4155550123",
            "phoneNumberId": "4155550123",
            "tool_call_ids": ["4155550123", ["0151 123 4567"]],
            "amount": 4155550123u64,
            "ok": true,
            "nothing": null
        })
    );
    assert_eq!(n, 4);
    let after_keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(before_keys, after_keys);
}

#[test]
fn object_under_a_skip_key_is_still_walked() {
    let mut v = json!({"event": {"type": "transcript", "transcript": "call 415-555-0123"}, "type": "415-555-0123"});
    assert_eq!(all().json_text("s", &mut v), 1);
    assert_eq!(
        v,
        json!({"event": {"type": "transcript", "transcript": "call [phone]"}, "type": "415-555-0123"})
    );
}

#[test]
fn json_encoded_arguments_are_walked_by_key() {
    let args = r#"{"order_id":"4155550123","phone":"415-555-0123"}"#;
    let mut v = json!({"function": {"name": "lookup", "arguments": args}});
    assert_eq!(all().json_text("s", &mut v), 1);
    let inner: Value = serde_json::from_str(v["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(inner, json!({"order_id": "4155550123", "phone": "[phone]"}));
    // Unchanged nested JSON keeps its exact original text.
    let quiet = r#"{ "order_id" : "4155550123" }"#;
    let mut v = json!({"arguments": quiet});
    assert_eq!(all().json_text("s", &mut v), 0);
    assert_eq!(v["arguments"], quiet);
}

#[test]
fn a_bare_string_value_is_free_text() {
    let mut v = json!("reach me on 0151 123 4567");
    assert_eq!(all().json_text("s", &mut v), 1);
    assert_eq!(v, json!("reach me on [phone]"));
    let mut n = json!(4155550123u64);
    assert_eq!(all().json_text("s", &mut n), 0);
    assert_eq!(n, json!(4155550123u64));
}

#[test]
fn skip_keys() {
    for key in [
        "id",
        "ID",
        "_id",
        "order_id",
        "orderId",
        "callID",
        "call-sid",
        "CallSid",
        "ids",
        "tool_call_ids",
        "created_at",
        "createdAt",
        "timestamp",
        "time",
        "start_time",
        "startTime",
        "date",
        "ts",
        "type",
        "messageType",
        "role",
        "status",
        "event",
        "url",
        "recording_url",
        "recordingUrl",
        "webhookURL",
        "uri",
        "key",
        "api_key",
        "apiKey",
        "token",
        "signature",
        "version",
        "hash",
        "kind",
        "uuid",
        "secret",
        "URLs",
    ] {
        assert!(is_skip_key(key), "{key} should be skipped");
    }
    for key in [
        "phone",
        "phone_number",
        "phoneNumber",
        "number",
        "note",
        "message",
        "transcript",
        "paid",
        "valid",
        "format",
        "data",
        "content",
        "text",
        "summary",
        "arguments",
        "result",
        "name",
        "to",
        "from",
        "address",
        "email",
        "lifetime",
        "identity",
        "Idea",
        "keyword",
        "types_of_calls",
    ] {
        assert!(!is_skip_key(key), "{key} should be redacted");
    }
}
