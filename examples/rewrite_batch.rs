//! Development tool: rewrites many replies at once for grading against a
//! second opinion (scripts/dev/grade_rewrites.py). Reads JSON lines
//! `{"text": …, "kind": "tense"|"negation", "to": "past"|…}` on stdin and
//! writes `{"outputs": [...]}` per line, in order. Not part of the product.

use std::io::{BufRead, Write};

use rsbench::perturb::rewrite::{RewriteKind, Rewriter};

#[derive(serde::Deserialize)]
struct Item {
    text: String,
    kind: String,
    to: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let r = Rewriter::load(&rsbench::perturb::analyser::dictionary_dir())?;
    let mut w = r.worker();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let item: Item = serde_json::from_str(&line?)?;
        let kind = if item.kind == "negation" {
            RewriteKind::Negation
        } else {
            RewriteKind::Tense
        };
        let texts: Vec<String> = r
            .rewrite(&mut w, &item.text, kind, item.to.as_deref())
            .into_iter()
            .map(|x| x.text)
            .collect();
        writeln!(out, "{}", serde_json::json!({ "outputs": texts }))?;
    }
    Ok(())
}
