//! OTLP/JSON read into the collector's request type. Protobuf's JSON
//! mapping leaves out empty repeated fields, so an empty array attribute
//! arrives as `{"arrayValue": {}}` (Python's exporter and LiveKit's send
//! them); the generated types want its `values`, which this puts back.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use serde_json::Value;

/// An OTLP/JSON trace export.
pub fn from_json(body: &[u8]) -> Result<ExportTraceServiceRequest, serde_json::Error> {
    let mut value: Value = serde_json::from_slice(body)?;
    fill_empty_lists(&mut value);
    serde_json::from_value(value)
}

fn fill_empty_lists(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, inner) in fields.iter_mut() {
                if let ("arrayValue" | "kvlistValue", Value::Object(list)) =
                    (key.as_str(), &mut *inner)
                {
                    list.entry("values")
                        .or_insert_with(|| Value::Array(Vec::new()));
                }
                fill_empty_lists(inner);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fill_empty_lists),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_array_attribute_is_read() {
        let body = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"s","kind":1,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"a","value":{"arrayValue":{}}},{"key":"b","value":{"kvlistValue":{}}}]}]}]}]}"#;
        let request = from_json(body).unwrap();
        let span = &request.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.attributes.len(), 2);
        assert!(from_json(b"[1]").is_err());
    }
}
