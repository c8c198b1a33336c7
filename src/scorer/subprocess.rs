//! A scorer that is another program: started once, fed one request line per
//! batch on stdin, answering each with one line on stdout.
//!
//! Protocol (docs/scorers.md, "A scorer process"): unless `--scorer-name` is
//! given, the program's first line is `{"name": …, "version": …}`; then for
//! each request `{"pairs": [{"id", "context", "response"}, …]}` it writes
//! `{"scores": [s1, s2, …]}` in the same order.
//!
//! Invariant: every score comes from the program's answer to the batch that
//! holds its pair, one per pair and finite; a crash, a closed pipe, an answer
//! that is not that (or none within the timeout) is an error that quotes the
//! end of the program's stderr, and the program is stopped.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{pair_id, Pair, ScoreError, Scorer, ScorerIdentity};

/// How much of the program's stderr an error quotes.
const STDERR_TAIL: usize = 2000;

pub struct SubprocessOptions {
    /// A shell command line (`sh -c`).
    pub command: String,
    /// `NAME` or `NAME@VERSION` instead of the handshake line.
    pub name: Option<String>,
    /// Longest wait for one answer (and for the handshake).
    pub timeout: Duration,
    /// Pairs per request line.
    pub batch: usize,
}

pub struct SubprocessScorer {
    command: String,
    name: String,
    version: String,
    batch: usize,
    timeout: Duration,
    inner: Mutex<Process>,
}

struct Process {
    command: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<std::io::Result<String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

#[derive(serde::Deserialize)]
struct Handshake {
    name: String,
    version: Option<String>,
}

#[derive(serde::Deserialize)]
struct Answer {
    scores: Vec<Option<f64>>,
}

#[derive(serde::Serialize)]
struct Request<'a> {
    pairs: Vec<RequestPair<'a>>,
}

#[derive(serde::Serialize)]
struct RequestPair<'a> {
    id: String,
    context: &'a [String],
    response: &'a str,
}

impl SubprocessScorer {
    pub fn start(options: SubprocessOptions) -> Result<SubprocessScorer, ScoreError> {
        let fail = |reason: String| ScoreError::Failed {
            scorer: format!("process `{}`", options.command),
            reason,
        };
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&options.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("could not be started ({e})")))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or_else(|| fail("has no stdout".into()))?;
        let mut err_pipe = child.stderr.take().ok_or_else(|| fail("has no stderr".into()))?;
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let stop = line.is_err();
                if send.send(line).is_err() || stop {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut err_pipe, &mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = tail.lock() {
                    t.extend_from_slice(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            }
        });
        let mut process = Process {
            command: options.command.clone(),
            child,
            stdin,
            lines,
            stderr,
        };
        let (name, version) = match &options.name {
            Some(given) => match given.split_once('@') {
                Some((n, v)) => (n.to_owned(), v.to_owned()),
                None => (given.clone(), String::new()),
            },
            None => {
                let line = process.read_line(options.timeout, "its handshake line")?;
                let hs: Handshake = serde_json::from_str(&line).map_err(|e| {
                    process.fail(format!(
                        "its first line is not a handshake {{\"name\": …, \"version\": …}} ({e}); pass --scorer-name if it sends none"
                    ))
                })?;
                (hs.name, hs.version.unwrap_or_default())
            }
        };
        Ok(SubprocessScorer {
            command: options.command,
            name,
            version,
            batch: options.batch.max(1),
            timeout: options.timeout,
            inner: Mutex::new(process),
        })
    }
}

impl Process {
    /// The end of the program's stderr, for an error message.
    fn stderr_tail(&self) -> String {
        let text = self
            .stderr
            .lock()
            .map(|t| String::from_utf8_lossy(&t).trim().to_owned())
            .unwrap_or_default();
        if text.is_empty() {
            "its stderr is empty".into()
        } else {
            format!("the end of its stderr:\n{text}")
        }
    }

    /// Stops the program and describes what went wrong with its stderr tail.
    fn fail(&mut self, what: String) -> ScoreError {
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        // Give the stderr reader a moment to take the last bytes.
        std::thread::sleep(Duration::from_millis(50));
        let exited = match status.and_then(|s| s.code()) {
            Some(code) => format!(" (it exited with status {code})"),
            None => String::new(),
        };
        ScoreError::Failed {
            scorer: format!("process `{}`", self.command),
            reason: format!("{what}{exited}; {}", self.stderr_tail()),
        }
    }

    fn read_line(&mut self, timeout: Duration, what: &str) -> Result<String, ScoreError> {
        match self.lines.recv_timeout(timeout) {
            Ok(Ok(line)) => Ok(line),
            Ok(Err(e)) => Err(self.fail(format!("reading {what} failed ({e})"))),
            Err(RecvTimeoutError::Timeout) => Err(self.fail(format!(
                "did not give {what} within {} s (--scorer-timeout)",
                timeout.as_secs_f64()
            ))),
            Err(RecvTimeoutError::Disconnected) => Err(self.fail(format!("closed its stdout before {what}"))),
        }
    }
}

impl Scorer for SubprocessScorer {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("command".into(), self.command.clone().into());
        params.insert("name".into(), self.name.clone().into());
        params.insert("version".into(), self.version.clone().into());
        ScorerIdentity {
            kind: "subprocess".into(),
            params,
        }
    }

    /// Requests of `batch` pairs in order: a program may batch them on a GPU.
    fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        let n = pairs.len();
        Ok(Some(
            (0..n)
                .step_by(self.batch)
                .map(|s| (s..(s + self.batch).min(n)).collect())
                .collect(),
        ))
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let mut p = self.inner.lock().map_err(|_| ScoreError::Failed {
            scorer: format!("process `{}`", self.command),
            reason: "an earlier batch panicked".into(),
        })?;
        let mut out = Vec::with_capacity(pairs.len());
        for (b, chunk) in pairs.chunks(self.batch).enumerate() {
            let request = Request {
                pairs: chunk
                    .iter()
                    .map(|pair| RequestPair {
                        id: pair_id(pair.context, pair.response),
                        context: pair.context,
                        response: pair.response,
                    })
                    .collect(),
            };
            let mut line = serde_json::to_string(&request).unwrap_or_default();
            line.push('\n');
            let written = match p.stdin.as_mut() {
                Some(stdin) => stdin.write_all(line.as_bytes()).and_then(|_| stdin.flush()),
                None => Err(std::io::Error::other("stdin closed")),
            };
            if let Err(e) = written {
                return Err(p.fail(format!("batch {b}: could not be sent its request ({e})")));
            }
            let what = format!("an answer to batch {b}");
            let answer = p.read_line(self.timeout, &what)?;
            let parsed: Answer = match serde_json::from_str(&answer) {
                Ok(a) => a,
                Err(e) => {
                    let shown: String = answer.chars().take(200).collect();
                    return Err(p.fail(format!(
                        "batch {b}: the answer is not {{\"scores\": [numbers]}} ({e}): {shown}"
                    )));
                }
            };
            if parsed.scores.len() != chunk.len() {
                return Err(p.fail(format!(
                    "batch {b}: {} scores for {} pairs",
                    parsed.scores.len(),
                    chunk.len()
                )));
            }
            for (i, s) in parsed.scores.into_iter().enumerate() {
                match s.filter(|s| s.is_finite()) {
                    Some(s) => out.push(s),
                    None => return Err(p.fail(format!("batch {b}: score {i} is not a finite number"))),
                }
            }
        }
        Ok(out)
    }
}

impl Drop for SubprocessScorer {
    fn drop(&mut self) {
        if let Ok(mut p) = self.inner.lock() {
            // Closing stdin asks the program to finish; one that does not is stopped.
            p.stdin.take();
            for _ in 0..20 {
                if matches!(p.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
    }
}
