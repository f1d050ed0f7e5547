//! The exposition as an independent parser reads it: PyPI's
//! `prometheus_client` (run with `$CALLTRAIL_PYTHON`, as `.ci/test` sets).

use axum::http::StatusCode;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::common::{fixture, post};
use crate::{app_on_file, sample, scrape, ACCEPTED, SERIAL};

/// Runs `prometheus_client`'s text parser over `text`: family name → JSON
/// with its type, help and samples (`[name, labels, value]`).
fn python_parse(text: &str) -> Value {
    const SCRIPT: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = {}
for f in text_string_to_metric_families(sys.stdin.read()):
    families[f.name] = {"type": f.type, "help": f.documentation,
                        "samples": [[s.name, s.labels, s.value] for s in f.samples]}
print(json.dumps(families))
"#;
    let out = crate::common::run_python(
        &["-c", SCRIPT],
        text,
        &format!(
            "prometheus_client could not parse /metrics — or is missing: \
             `pip install prometheus_client` (.ci/setup does)\n{text}"
        ),
    );
    serde_json::from_slice(&out).unwrap()
}

/// The value prometheus_client read for sample `name` with exactly `labels`.
fn parsed(families: &Value, family: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let samples = families[family]["samples"].as_array();
    let found = samples.into_iter().flatten().find(|s| {
        let have = s[1].as_object().unwrap();
        s[0] == name
            && have.len() == labels.len()
            && labels
                .iter()
                .all(|(k, v)| have.get(*k) == Some(&Value::from(*v)))
    });
    found.map_or(0.0, |s| s[2].as_f64().unwrap())
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn prometheus_client_parses_the_exposition(pool: SqlitePool) {
    let _serial = SERIAL.lock().await;
    let app = app_on_file(pool).await;
    let before = python_parse(&scrape(&app).await);
    for name in ["user-interrupted.json", "end-of-call-report.json"] {
        assert_eq!(post(&app, &fixture(name)).await.0, StatusCode::OK);
    }
    let text = scrape(&app).await;
    let after = python_parse(&text);

    for (family, kind) in [
        ("calltrail_webhook_deliveries", "counter"),
        ("calltrail_events_stored", "counter"),
        ("calltrail_webhook_ack_duration_seconds", "histogram"),
        ("calltrail_writer_batch_deliveries", "histogram"),
        ("calltrail_writer_commit_duration_seconds", "histogram"),
        ("calltrail_writer_queued_deliveries", "gauge"),
        ("calltrail_database_size_bytes", "gauge"),
        ("calltrail_wal_size_bytes", "gauge"),
    ] {
        assert_eq!(after[family]["type"], kind, "{family}: {text}");
        assert!(
            !after[family]["help"].as_str().unwrap().is_empty(),
            "{family}"
        );
    }
    let deliveries = |f: &Value| {
        parsed(
            f,
            "calltrail_webhook_deliveries",
            "calltrail_webhook_deliveries_total",
            ACCEPTED,
        )
    };
    assert_eq!(deliveries(&after), deliveries(&before) + 2.0);
    let rust_side = sample(&text, "calltrail_webhook_deliveries_total", ACCEPTED);
    assert_eq!(deliveries(&after), rust_side);
    let stored = |f: &Value| {
        parsed(
            f,
            "calltrail_events_stored",
            "calltrail_events_stored_total",
            &[],
        )
    };
    assert_eq!(stored(&after), stored(&before) + 2.0);
    let batches = "calltrail_writer_batch_deliveries";
    let batch_count = |f: &Value| parsed(f, batches, &format!("{batches}_count"), &[]);
    assert_eq!(batch_count(&after), batch_count(&before) + 2.0);
    // Every observation falls in the +Inf bucket.
    let inf = parsed(
        &after,
        batches,
        &format!("{batches}_bucket"),
        &[("le", "+Inf")],
    );
    assert_eq!(inf, batch_count(&after));
    let size = parsed(
        &after,
        "calltrail_database_size_bytes",
        "calltrail_database_size_bytes",
        &[],
    );
    assert!(size > 0.0, "{text}");
}
