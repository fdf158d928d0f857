//! Human output: JSON answers shown as indented `key: value` lines (the YAML-like text Cosmos CLIs
//! print), so every query gets readable output without a formatter per query.

use serde_json::Value;

/// Output format chosen with `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Indented `key: value` text for people.
    #[default]
    Text,
    /// The node's JSON, one document, for scripts.
    Json,
}

/// Renders a JSON value as indented text.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(_) | Value::Array(_) => render_block(value, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn pad(indent: usize, out: &mut String) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => true,
    }
}

/// `[["key", "value"], ...]`, the shape of event attributes: shown as `key: value` lines.
fn as_pairs(v: &Value) -> Option<Vec<(&str, &Value)>> {
    let items = v.as_array().filter(|a| !a.is_empty())?;
    items
        .iter()
        .map(|item| match item.as_array().map(Vec::as_slice) {
            Some([Value::String(k), v]) if is_scalar(v) => Some((k.as_str(), v)),
            _ => None,
        })
        .collect()
}

fn render_block(value: &Value, indent: usize, out: &mut String) {
    if let Some(pairs) = as_pairs(value) {
        for (k, v) in pairs {
            pad(indent, out);
            out.push_str(&format!("{k}: {}\n", scalar(v)));
        }
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pad(indent, out);
                if is_scalar(v) {
                    out.push_str(&format!("{k}: {}\n", scalar(v)));
                } else {
                    out.push_str(&format!("{k}:\n"));
                    render_block(v, indent.saturating_add(1), out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                pad(indent, out);
                if is_scalar(item) {
                    out.push_str(&format!("- {}\n", scalar(item)));
                } else {
                    out.push_str("-\n");
                    render_block(item, indent.saturating_add(1), out);
                }
            }
        }
        other => {
            pad(indent, out);
            out.push_str(&format!("{}\n", scalar(other)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_nested_values_readably() {
        let v = json!({
            "pool": {"id": 1, "denom": "uatom", "tokens": "5", "empty": []},
            "events": [{"type": "send", "attributes": [["from", "phx1a"], ["amount", "5uatom"]]}],
            "pagination": {"next_key": null},
            "memo": ""
        });
        let text = render(&v);
        // Keys come out sorted (serde_json's map order).
        assert!(
            text.contains("pool:\n  denom: uatom\n  empty: []\n  id: 1\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "-\n    attributes:\n      from: phx1a\n      amount: 5uatom\n    type: send\n"
            ),
            "{text}"
        );
        assert!(text.contains("next_key: null"), "{text}");
        assert!(text.contains("memo: \"\""), "{text}");
        assert_eq!(render(&json!("x")), "x\n");
        assert_eq!(render(&json!([1, 2])), "- 1\n- 2\n");
    }
}
