//! Scores computed outside rsbench: `rsbench pairs` writes each distinct
//! (context, response) pair once with a stable id, any program scores them,
//! and a [`ScoresFile`] reads `{"id", "score"}` lines back.
//!
//! Invariants: a run from a scores file uses exactly one score per pair it
//! asks for, each from one line of the file; a pair without a score, an id
//! given twice, an id no pair has, or a score that is not a finite number is
//! an error naming the file (and line), never a silent default. The run's
//! identity is the scores' content alone ([`canonical_sha256`]): the same
//! scores give the same `metadata.json` whatever the file's name, line order
//! or number formatting, and whether they came from a file or from Python
//! (`rsbench.evaluate`, [`ScoresFile::from_scores`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Pair, ScoreError, Scorer, ScorerIdentity};

/// The stable id of a pair: `p` and the first 16 hex digits of the SHA-256 of
/// the JSON array `[context turns, response]` (the same text, the same id, on
/// every machine and in every run).
pub fn pair_id(context: &[String], response: &str) -> String {
    let canonical = serde_json::to_string(&(context, response)).unwrap_or_default();
    let digest = Sha256::digest(canonical.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("p{hex}")
}

#[derive(Debug, thiserror::Error)]
pub enum ScoresFileError {
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}: {message}", .path.display())]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: has no scores", .path.display())]
    Empty { path: PathBuf },
}

/// The SHA-256 (hex) of scores' canonical form: one `{"id":…,"score":…}`
/// line per pair, sorted by id, each score as serde_json writes an f64 (the
/// shortest text that reads back as the same number, so `0.5`, `5e-1` and
/// `0.50` in a file are one score). What a run records of its scores: a
/// path, a line order or a float's spelling would make the same scores two
/// runs.
pub fn canonical_sha256<'a>(scores: impl IntoIterator<Item = (&'a str, f64)>) -> String {
    let mut sorted: Vec<(&str, f64)> = scores.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Sha256::new();
    for (id, score) in sorted {
        let line = serde_json::json!({ "id": id, "score": score }).to_string();
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Scores read from a file of `{"id": …, "score": …}` lines, or given in
/// memory ([`ScoresFile::from_scores`]).
pub struct ScoresFile {
    /// The file, or what names in-memory scores in errors.
    path: PathBuf,
    /// [`canonical_sha256`] of the scores.
    sha256: String,
    /// id → (score, line number).
    scores: HashMap<String, (f64, usize)>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: String,
    score: f64,
}

impl ScoresFile {
    pub fn load(path: &Path) -> Result<ScoresFile, ScoresFileError> {
        let bytes = std::fs::read(path).map_err(|source| ScoresFileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let at = |line: usize, message: String| ScoresFileError::Line {
            path: path.to_path_buf(),
            line,
            message,
        };
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            at(line, "is not UTF-8".into())
        })?;
        let scores = score_lines(path, text.lines().enumerate().map(|(i, l)| (i + 1, l)))?;
        if scores.is_empty() {
            return Err(ScoresFileError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(ScoresFile {
            path: path.to_path_buf(),
            sha256: canonical_sha256(scores.iter().map(|(id, &(s, _))| (id.as_str(), s))),
            scores,
        })
    }

    /// Scores in memory (the Python package's scorer callables and `scores=`),
    /// checked as a file's lines are: `origin` names them in errors, and each
    /// pair's position (from 1) stands for its line.
    pub fn from_scores(origin: &str, scores: Vec<(String, f64)>) -> Result<ScoresFile, ScoresFileError> {
        let path = PathBuf::from(origin);
        let mut table: HashMap<String, (f64, usize)> = HashMap::with_capacity(scores.len());
        for (i, (id, score)) in scores.into_iter().enumerate() {
            let at = |message: String| ScoresFileError::Line {
                path: path.clone(),
                line: i + 1,
                message,
            };
            if !score.is_finite() {
                return Err(at(format!("the score of {id} is not a finite number ({score})")));
            }
            if let Some((_, first)) = table.get(&id) {
                return Err(at(format!("id {id} was already scored at {first}")));
            }
            table.insert(id, (score, i + 1));
        }
        if table.is_empty() {
            return Err(ScoresFileError::Empty { path });
        }
        Ok(ScoresFile {
            sha256: canonical_sha256(table.iter().map(|(id, &(s, _))| (id.as_str(), s))),
            path,
            scores: table,
        })
    }

    fn failed(&self, reason: String) -> ScoreError {
        ScoreError::Failed {
            scorer: format!("scores file {}", self.path.display()),
            reason,
        }
    }
}

/// `{"id", "score"}` lines (numbered), blank ones skipped: id → (score, line).
/// A line that is not that, a score that is not finite and an id given twice
/// are errors naming the line. Shard files share the format.
pub(crate) fn score_lines<'t>(
    path: &Path,
    lines: impl Iterator<Item = (usize, &'t str)>,
) -> Result<HashMap<String, (f64, usize)>, ScoresFileError> {
    let at = |line: usize, message: String| ScoresFileError::Line {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut scores: HashMap<String, (f64, usize)> = HashMap::new();
    for (line, raw) in lines {
        if raw.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(raw).map_err(|e| {
            // Python's json.dumps writes NaN and Infinity, which are not JSON.
            if ["NaN", "Infinity"].iter().any(|w| raw.contains(w)) {
                at(line, "the score is not a finite number".into())
            } else {
                at(line, format!("expected {{\"id\": \"…\", \"score\": number}} ({e})"))
            }
        })?;
        if !parsed.score.is_finite() {
            return Err(at(line, "the score is not a finite number".into()));
        }
        if let Some((_, first)) = scores.get(&parsed.id) {
            return Err(at(line, format!("id {} was already scored on line {first}", parsed.id)));
        }
        scores.insert(parsed.id, (parsed.score, line));
    }
    Ok(scores)
}

impl Scorer for ScoresFile {
    fn identity(&self) -> ScorerIdentity {
        // The content only: a path (a temporary file, another machine) would
        // make the same scores two different runs.
        let mut params = serde_json::Map::new();
        params.insert("scores_sha256".into(), self.sha256.clone().into());
        ScorerIdentity {
            kind: "scores-file".into(),
            params,
        }
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let mut out = Vec::with_capacity(pairs.len());
        let mut missing = Vec::new();
        let mut asked: HashMap<String, usize> = HashMap::with_capacity(pairs.len());
        for (i, pair) in pairs.iter().enumerate() {
            let id = pair_id(pair.context, pair.response);
            match self.scores.get(&id) {
                Some(&(score, _)) => {
                    out.push(score);
                }
                None => {
                    missing.push(id.clone());
                    out.push(f64::NAN);
                }
            }
            asked.insert(id, i);
        }
        if !missing.is_empty() {
            return Err(self.failed(format!(
                "{} of {} pairs have no score (first: {}); write the pairs with `rsbench pairs` and the same dataset, split, --candidates and --seed",
                missing.len(),
                pairs.len(),
                missing[0]
            )));
        }
        let mut unknown: Vec<(usize, &String)> = self
            .scores
            .iter()
            .filter(|(id, _)| !asked.contains_key(*id))
            .map(|(id, &(_, line))| (line, id))
            .collect();
        unknown.sort();
        if let Some(&(line, id)) = unknown.first() {
            return Err(self.failed(format!(
                "line {line}: id {id} is not a pair of this evaluation ({} such lines); were the pairs written for another dataset, split or seed?",
                unknown.len()
            )));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("scored.jsonl");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn ids_are_stable_and_tell_context_from_response() {
        let a = pair_id(&["안녕".into(), "뭐 해?".into()], "밥 먹어");
        assert_eq!(a, pair_id(&["안녕".into(), "뭐 해?".into()], "밥 먹어"));
        assert_eq!(a.len(), 17);
        // Moving text between turns or into the response changes the id.
        assert_ne!(a, pair_id(&["안녕 뭐 해?".into()], "밥 먹어"));
        assert_ne!(a, pair_id(&["안녕".into()], "뭐 해? 밥 먹어"));
    }

    #[test]
    fn bad_lines_are_named_with_their_line() {
        for (text, want) in [
            (
                "{\"id\":\"a\",\"score\":1}\n{\"id\":\"a\",\"score\":2}\n",
                ":2: id a was already scored on line 1",
            ),
            ("{\"id\":\"a\",\"score\":NaN}\n", ":1: the score is not a finite number"),
            ("{\"id\":\"a\",\"score\":1}\n{\"id\":\"b\"}\n", ":2: expected"),
            ("{\"id\":\"a\",\"score\":\"1\"}\n", ":1: expected"),
            ("\n\n", "has no scores"),
        ] {
            let (_d, p) = file(text);
            let err = ScoresFile::load(&p).err().expect(text).to_string();
            assert!(err.contains(want) && err.contains("scored.jsonl"), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_identity_is_the_scores_not_the_file() {
        let a = "{\"id\":\"p1\",\"score\":0.5}\n{\"id\":\"p2\",\"score\":-1}\n";
        // Other order, other spelling of the same numbers, blank lines, another name.
        let b = "\n{\"score\": -1.0, \"id\": \"p2\"}\n{\"id\": \"p1\", \"score\": 5e-1}\n";
        let (_da, pa) = file(a);
        let dir = tempfile::tempdir().unwrap();
        let pb = dir.path().join("other-name.jsonl");
        std::fs::write(&pb, b).unwrap();
        let ia = ScoresFile::load(&pa).unwrap().identity();
        assert_eq!(ia, ScoresFile::load(&pb).unwrap().identity());
        let memory = ScoresFile::from_scores("memory", vec![("p2".into(), -1.0), ("p1".into(), 0.5)]).unwrap();
        assert_eq!(ia, memory.identity());
        assert_eq!(ia.kind, "scores-file");
        assert_eq!(ia.params.len(), 1, "{ia:?}");
        // One score changed in its last bit is other scores.
        let nudged =
            ScoresFile::from_scores("memory", vec![("p2".into(), -1.0), ("p1".into(), 0.5f64.next_up())]).unwrap();
        assert_ne!(ia, nudged.identity());
    }

    #[test]
    fn scores_in_memory_are_checked_like_lines() {
        let err = ScoresFile::from_scores("python", vec![("a".into(), 1.0), ("b".into(), f64::NAN)])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("python:2: the score of b is not a finite number"),
            "{err}"
        );
        let err = ScoresFile::from_scores("python", vec![("a".into(), 1.0), ("a".into(), 2.0)])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("python:2: id a was already scored at 1"), "{err}");
        let err = ScoresFile::from_scores("python", vec![]).err().unwrap().to_string();
        assert!(err.contains("has no scores"), "{err}");
    }

    #[test]
    fn missing_and_unknown_pairs_are_errors() {
        let ctx = vec!["안녕".to_owned()];
        let known = pair_id(&ctx, "응");
        let (_d, p) = file(&format!(
            "{{\"id\":\"{known}\",\"score\":0.5}}\n{{\"id\":\"pzzz\",\"score\":1}}\n"
        ));
        let s = ScoresFile::load(&p).unwrap();
        let pairs = [Pair {
            context: &ctx,
            response: "응",
        }];
        let err = s.score(&pairs).unwrap_err().to_string();
        assert!(err.contains("line 2: id pzzz is not a pair"), "{err}");
        let more = [
            pairs[0],
            Pair {
                context: &ctx,
                response: "아니",
            },
        ];
        let err = s.score(&more).unwrap_err().to_string();
        assert!(err.contains("1 of 2 pairs have no score"), "{err}");
        let (_d2, p2) = file(&format!("{{\"id\":\"{known}\",\"score\":0.5}}\n"));
        assert_eq!(ScoresFile::load(&p2).unwrap().score(&pairs).unwrap(), vec![0.5]);
    }
}
