//! A scorer that is another program: started once, fed one request line per
//! batch on stdin, answering each with one line on stdout.
//!
//! Protocol (docs/scorers.md, "A scorer process"): unless `--scorer-name` is
//! given, the program's first line is `{"name": …, "version": …}`, optionally
//! with `"identity"` (a digest of its model files: part of the cache key);
//! then for each request `{"pairs": [{"id", "context", "response"}, …]}` it
//! writes `{"scores": [s1, s2, …]}` in the same order, optionally with
//! `"ids"` echoing the request's ids (then checked answer by answer).
//!
//! Invariants: every score comes from the program's answer to the batch that
//! holds its pair, one per pair and finite; a crash, a closed pipe, an answer
//! that is not that (or none within the timeout), a line more than the
//! answers it owes (seen before the next request, or at the end) is an error
//! that quotes the end of the program's stderr. The program runs in a process
//! group of its own, and that whole group is ended: on an error, on SIGINT or
//! SIGTERM of rsbench, after the last answer once it has had [`LINGER`] to
//! exit by itself, and when rsbench dies by SIGKILL, where no code of
//! rsbench's runs: the group's watcher ends it ([`watch_group`]), and on
//! Linux the kernel kills the `sh` at once ([`ends_with_rsbench`]).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{pair_id, Pair, ScoreError, Scorer, ScorerIdentity};

/// How much of the program's stderr an error quotes.
const STDERR_TAIL: usize = 2000;

/// How long a program may take to exit after its input ends (capped by
/// `--scorer-timeout`); then its process group is ended.
pub const LINGER: Duration = Duration::from_secs(5);

/// Between SIGTERM and SIGKILL when a program's group is ended.
const GRACE: Duration = Duration::from_secs(1);

/// The longest identity a handshake may declare.
const MAX_IDENTITY: usize = 1000;

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
    /// What the handshake declared: a digest of the program's model files.
    declared: Option<String>,
    batch: usize,
    timeout: Duration,
    inner: Mutex<Process>,
}

struct Process {
    command: String,
    child: Child,
    /// The program's process group: `sh` leads it.
    group: i32,
    /// The group's watcher ([`watch_group`]), when it could be started.
    watcher: Option<Child>,
    stdin: Option<ChildStdin>,
    lines: Receiver<std::io::Result<String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Set when the stderr reader has seen the pipe close.
    stderr_done: Arc<AtomicBool>,
    /// Whether answers echo ids: decided by the first answer.
    ids: Option<bool>,
    /// Answer lines read so far.
    answered: usize,
    /// The leader's exit status once the group has been ended and reaped.
    ended: Option<Option<ExitStatus>>,
}

#[derive(serde::Deserialize)]
struct Handshake {
    name: String,
    version: Option<String>,
    identity: Option<String>,
}

#[derive(serde::Deserialize)]
struct Answer {
    scores: Vec<Option<f64>>,
    ids: Option<Vec<String>>,
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

/// The first characters of a line, for a message.
fn shown(line: &str) -> String {
    line.chars().take(200).collect()
}

impl SubprocessScorer {
    pub fn start(options: SubprocessOptions) -> Result<SubprocessScorer, ScoreError> {
        let fail = |reason: String| ScoreError::Failed {
            scorer: format!("process `{}`", options.command),
            reason,
        };
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(&options.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A group of its own: whatever the program starts is ended with it.
            .process_group(0);
        ends_with_rsbench(&mut command);
        let mut child = spawn(command).map_err(|e| fail(format!("could not be started ({e})")))?;
        let group = i32::try_from(child.id()).map_err(|_| fail("has a process id out of range".into()))?;
        crate::output::register_group(group);
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let err_pipe = child.stderr.take();
        let (Some(stdout), Some(mut err_pipe)) = (stdout, err_pipe) else {
            // SAFETY: kill(2) on the group of the child just started, not yet reaped.
            unsafe { libc::kill(-group, libc::SIGKILL) };
            let _ = child.wait();
            crate::output::unregister_group(group);
            return Err(fail("has no stdout or stderr".into()));
        };
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
        let stderr_done = Arc::new(AtomicBool::new(false));
        let (tail, done) = (Arc::clone(&stderr), Arc::clone(&stderr_done));
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
            done.store(true, Ordering::SeqCst);
        });
        let watcher = match watch_group(group) {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!(
                    "warning: scorer program `{}`: its group's watcher could not be started ({e}); if rsbench is killed with SIGKILL, what the program started may keep running",
                    options.command
                );
                None
            }
        };
        let mut process = Process {
            command: options.command.clone(),
            child,
            group,
            watcher,
            stdin,
            lines,
            stderr,
            stderr_done,
            ids: None,
            answered: 0,
            ended: None,
        };
        let (name, version, declared) = match &options.name {
            Some(given) => match given.split_once('@') {
                Some((n, v)) => (n.to_owned(), v.to_owned(), None),
                None => (given.clone(), String::new(), None),
            },
            None => {
                let line = process.read_line(options.timeout, "its handshake line")?;
                let hs: Handshake = serde_json::from_str(&line).map_err(|e| {
                    process.fail(format!(
                        "its first line is not a handshake {{\"name\": …, \"version\": …}} ({e}); pass --scorer-name if it sends none"
                    ))
                })?;
                if let Some(id) = &hs.identity {
                    if id.trim().is_empty() || id.chars().count() > MAX_IDENTITY {
                        return Err(process.fail(format!(
                            "its handshake's \"identity\" must be a non-empty string of at most {MAX_IDENTITY} characters (a digest of its model files)"
                        )));
                    }
                }
                (hs.name, hs.version.unwrap_or_default(), hs.identity)
            }
        };
        if declared.is_none() {
            eprintln!(
                "warning: scorer program `{}` declares no identity (\"identity\" in its handshake, e.g. a digest of its model files): the score cache knows it only by its command, name and version, so scores cached before its model changed would be reused (docs/scorers.md)",
                options.command
            );
        }
        Ok(SubprocessScorer {
            command: options.command,
            name,
            version,
            declared,
            batch: options.batch.max(1),
            timeout: options.timeout,
            inner: Mutex::new(process),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Process>, ScoreError> {
        self.inner.lock().map_err(|_| ScoreError::Failed {
            scorer: format!("process `{}`", self.command),
            reason: "an earlier batch panicked".into(),
        })
    }
}

/// On Linux, has the kernel send the child SIGKILL when rsbench dies, however
/// it dies (a SIGKILL of rsbench included, where no handler of ours runs):
/// `PR_SET_PDEATHSIG`, set in the child between fork and exec and kept across
/// exec. It reaches the `sh -c` (and the program, where the shell execs it);
/// not the shell's children (dash stays the parent of a simple command's
/// program) nor what the program starts: the group's watcher
/// ([`watch_group`]) ends those. On other platforms there is no such signal
/// and only the watcher ends the group: if it is killed too, nothing is
/// guaranteed.
#[cfg(target_os = "linux")]
fn ends_with_rsbench(command: &mut Command) {
    let rsbench = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
    // SAFETY: the closure runs in the forked child before exec, and calls only
    // async-signal-safe functions (prctl, getppid) and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // rsbench died between the fork and the prctl: the signal will never come.
            if libc::getppid() != rsbench {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn ends_with_rsbench(_command: &mut Command) {}

/// Starts the watcher of a program's process group `group`: a shell in that
/// group that waits for its stdin to close, which happens when rsbench exits
/// in any way, a SIGKILL included (the kernel closes its end of the pipe),
/// then ends the group: SIGTERM, then SIGKILL a second later (it ignores
/// SIGTERM itself, and goes with the SIGKILL). A member of the group keeps its
/// id from being reused, so it never signals another group. Rsbench ends it
/// with the group ([`Process::end`]) before its end of the pipe closes. This
/// is what reaches the program when `sh -c` did not exec it (dash keeps
/// itself as the program's parent) and what the program started, on any Unix.
fn watch_group(group: i32) -> std::io::Result<Child> {
    Command::new("sh")
        .arg("-c")
        .arg("trap '' HUP INT TERM; read -r _; kill -TERM 0; sleep 1; kill -KILL 0")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(group)
        .spawn()
}

/// Starts `command`. On Linux from a thread that lives as long as rsbench:
/// the parent-death signal ([`ends_with_rsbench`]) fires when the *thread*
/// that forked the child exits, not the process, so a program started from a
/// short-lived thread (a worker, a library caller's thread) would be killed in
/// the middle of the run. `eval` starts scorers on its main thread, which
/// would do, but the scorer is a library type: every program is forked by one
/// thread of its own, started on first use and never ended.
fn spawn(command: Command) -> std::io::Result<Child> {
    #[cfg(target_os = "linux")]
    {
        type Job = (Command, std::sync::mpsc::Sender<std::io::Result<Child>>);
        static SPAWNER: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Job>>> = std::sync::OnceLock::new();
        let spawner = SPAWNER.get_or_init(|| {
            let (jobs, queue) = std::sync::mpsc::channel::<Job>();
            std::thread::Builder::new()
                .name("rsbench-scorer-spawner".into())
                .spawn(move || {
                    // Runs until the process ends: the static sender is never dropped.
                    for (mut command, answer) in queue {
                        let _ = answer.send(command.spawn());
                    }
                })
                .ok()
                .map(|_| jobs)
        });
        let Some(jobs) = spawner else {
            return Err(std::io::Error::other("no thread to start it from"));
        };
        let (answer, child) = std::sync::mpsc::channel();
        jobs.send((command, answer))
            .map_err(|_| std::io::Error::other("the thread that starts programs is gone"))?;
        child
            .recv()
            .map_err(|_| std::io::Error::other("the thread that starts programs is gone"))?
    }
    #[cfg(not(target_os = "linux"))]
    {
        let mut command = command;
        command.spawn()
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

    fn signal_group(&self, signal: i32) {
        // SAFETY: kill(2) on the group this process created; its leader is not
        // reaped yet (`end` reaps it last), so the id cannot name another group.
        unsafe { libc::kill(-self.group, signal) };
    }

    /// Whether the leader has exited, without reaping it (WNOWAIT): while it
    /// is unreaped its id still names this group.
    fn leader_exited(&self) -> bool {
        // SAFETY: a zeroed siginfo_t is a valid buffer for waitid(2).
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waitid(2) on our own child, leaving it waitable.
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                self.child.id() as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // SAFETY: si_pid is set by a successful waitid (0 when nothing exited).
        rc == 0 && unsafe { info.si_pid() } != 0
    }

    /// Closes the program's stdin, gives it `linger` to exit, then ends its
    /// whole group (SIGTERM, then SIGKILL after [`GRACE`]) and reaps it.
    /// Returns whether it was still running when `linger` ran out.
    fn end(&mut self, linger: Duration) -> bool {
        if self.ended.is_some() {
            return false;
        }
        self.stdin.take();
        let deadline = Instant::now() + linger;
        while !self.leader_exited() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let lingered = !self.leader_exited();
        // What the program left in the background goes too.
        self.signal_group(libc::SIGTERM);
        let grace = Instant::now() + GRACE;
        while !self.leader_exited() && Instant::now() < grace {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.signal_group(libc::SIGKILL);
        // Unregistered before the leader is reaped: from then on its id may be reused.
        crate::output::unregister_group(self.group);
        if let Some(mut watcher) = self.watcher.take() {
            // Killed with the group; by its id too, in case it was not (not yet reaped, so the id is its).
            let _ = watcher.kill();
            let _ = watcher.wait();
        }
        let status = self.child.wait().ok();
        self.ended = Some(status);
        lingered
    }

    /// Stops the program and describes what went wrong with its stderr tail.
    fn fail(&mut self, what: String) -> ScoreError {
        // Ended by rsbench's own SIGINT/SIGTERM handler, which exits with 130:
        // no error of the program's to report, and none to race that exit.
        while crate::output::interrupted() {
            std::thread::sleep(Duration::from_millis(100));
        }
        self.end(Duration::ZERO);
        // Give the stderr reader a moment to take the last bytes.
        let deadline = Instant::now() + Duration::from_secs(1);
        while !self.stderr_done.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let exited = match self.ended.flatten().and_then(|s| s.code()) {
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

    /// A line the program printed before it was sent the next request: more
    /// lines than answers, which would shift every later score.
    fn check_no_leftover(&mut self, batch: usize) -> Result<(), ScoreError> {
        loop {
            match self.lines.try_recv() {
                Ok(Ok(line)) if line.trim().is_empty() => continue,
                Ok(Ok(line)) => {
                    return Err(self.fail(format!(
                        "batch {batch}: printed a line more than its answer before it was sent batch {} ({}); every later score would be shifted",
                        batch + 1,
                        shown(&line)
                    )))
                }
                Ok(Err(e)) => return Err(self.fail(format!("reading its output failed ({e})"))),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return Ok(()),
            }
        }
    }

    /// Ends the program after its last answer: its input closed, `linger` to
    /// exit, then its group ended. Any line it printed after its last answer
    /// is an error: one answer line too many somewhere shifted every score
    /// after it.
    fn finish(&mut self, linger: Duration) -> Result<(), ScoreError> {
        let answered = self.answered;
        if self.ended.is_some() {
            return Ok(());
        }
        let mut extra: Vec<String> = Vec::new();
        let take = |r: Result<std::io::Result<String>, RecvTimeoutError>, extra: &mut Vec<String>| {
            if let Ok(Ok(line)) = r {
                if !line.trim().is_empty() {
                    extra.push(line);
                }
            }
        };
        self.stdin.take();
        let deadline = Instant::now() + linger;
        while !self.leader_exited() && Instant::now() < deadline {
            take(self.lines.recv_timeout(Duration::from_millis(20)), &mut extra);
        }
        let lingered = self.end(Duration::ZERO);
        // The group is gone, so its stdout closes: read what is left.
        let drain = Instant::now() + Duration::from_secs(1);
        loop {
            match self.lines.recv_timeout(drain.saturating_duration_since(Instant::now())) {
                Err(RecvTimeoutError::Disconnected | RecvTimeoutError::Timeout) => break,
                r => take(r, &mut extra),
            }
        }
        if lingered {
            eprintln!(
                "warning: scorer program `{}` was still running {} s after its input ended; its process group was stopped",
                self.command,
                linger.as_secs_f64()
            );
        }
        if let Some(first) = extra.first() {
            return Err(ScoreError::Failed {
                scorer: format!("process `{}`", self.command),
                reason: format!(
                    "printed {} line(s) more than the {answered} answers it owed (the first extra: {}): an answer line too many shifts every later score, so the run stops (a score cache keeps none of the scores this run stored); answers that echo the request's \"ids\" are checked batch by batch (docs/scorers.md); {}",
                    extra.len(),
                    shown(first),
                    self.stderr_tail()
                ),
            });
        }
        Ok(())
    }
}

impl Scorer for SubprocessScorer {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("command".into(), self.command.clone().into());
        params.insert("name".into(), self.name.clone().into());
        params.insert("version".into(), self.version.clone().into());
        // Only when declared: runs of programs that declare none keep their key.
        if let Some(id) = &self.declared {
            params.insert("identity".into(), id.clone().into());
        }
        // Pairs per request: a program that pads its batches (a GPU model) gives
        // a pair other last bits in another batch.
        params.insert("batch".into(), self.batch.into());
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
        let mut p = self.lock()?;
        let mut out = Vec::with_capacity(pairs.len());
        for chunk in pairs.chunks(self.batch) {
            let b = p.answered;
            if b > 0 {
                p.check_no_leftover(b - 1)?;
            }
            let ids: Vec<String> = chunk.iter().map(|pair| pair_id(pair.context, pair.response)).collect();
            let request = Request {
                pairs: chunk
                    .iter()
                    .zip(&ids)
                    .map(|(pair, id)| RequestPair {
                        id: id.clone(),
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
            p.answered += 1;
            let parsed: Answer = match serde_json::from_str(&answer) {
                Ok(a) => a,
                Err(e) => {
                    return Err(p.fail(format!(
                        "batch {b}: the answer is not {{\"scores\": [numbers]}} ({e}): {}",
                        shown(&answer)
                    )));
                }
            };
            // The first answer decides whether answers echo ids; then every one must.
            let echoes = *p.ids.get_or_insert(parsed.ids.is_some());
            match (&parsed.ids, echoes) {
                (Some(got), _) if *got != ids => {
                    return Err(p.fail(format!(
                        "batch {b}: the answer's ids are not the request's (an answer line too many or too few before it?): {}",
                        shown(&answer)
                    )));
                }
                (None, true) => {
                    return Err(p.fail(format!(
                        "batch {b}: the answer has no \"ids\" where the earlier ones had: {}",
                        shown(&answer)
                    )));
                }
                _ => {}
            }
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

    fn finish(&self) -> Result<(), ScoreError> {
        self.lock()?.finish(LINGER.min(self.timeout))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // A run that failed elsewhere (or a handshake that did): the program
        // gets a second to exit, then its group is ended.
        self.end(Duration::from_secs(1));
    }
}
