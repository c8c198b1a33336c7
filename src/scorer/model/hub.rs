//! `--model org/name[@revision]`: a checkpoint in the local Hugging Face
//! cache (the layout `huggingface_hub` writes: `models--org--name/refs/<ref>`
//! holds a commit, `snapshots/<commit>/` the files), found offline.
//!
//! Invariant: resolving reads the cache and nothing else (rsbench never
//! downloads), and gives one snapshot directory with the commit it is, or an
//! error naming the path that is missing. A `--model` that exists on disk is
//! always a local directory, never a hub name.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ModelError;

/// Where a hub name was found: recorded in `metadata.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubRevision {
    /// `org/name`.
    pub repo: String,
    /// The revision asked for: a branch or tag (`main` when none), or a commit.
    pub revision: String,
    /// The commit the cache holds for it.
    pub commit: String,
}

/// A resolved `--model`: the directory to load, and the hub revision it is
/// when it was given by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSource {
    pub dir: PathBuf,
    pub hub: Option<HubRevision>,
}

/// The hub cache: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
/// `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`, as
/// `huggingface_hub` looks for it.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("HF_HUB_CACHE")
        .or_else(|| var("HF_HOME").map(|h| h.join("hub")))
        .or_else(|| var("XDG_CACHE_HOME").map(|c| c.join("huggingface").join("hub")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("huggingface").join("hub")))
}

/// `org/name[@revision]` split, when `arg` reads as one: two non-empty
/// parts of letters, digits, `-`, `_` and `.`, neither `.` nor `..`.
fn hub_name(arg: &str) -> Option<(&str, &str, Option<&str>)> {
    let (name, revision) = match arg.split_once('@') {
        Some((n, r)) => (n, Some(r)),
        None => (arg, None),
    };
    let (org, repo) = name.split_once('/')?;
    let part = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let revision_ok = revision.is_none_or(|r| {
        !r.is_empty()
            && !r.split('/').any(|s| s.is_empty() || s == "." || s == "..")
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    });
    (part(org) && part(repo) && revision_ok).then_some((org, repo, revision))
}

/// The directory `--model` names: itself when it exists, else the snapshot
/// of a hub name in [`cache_dir`].
pub fn resolve(arg: &Path) -> Result<ModelSource, ModelError> {
    if arg.exists() {
        return Ok(ModelSource {
            dir: arg.to_path_buf(),
            hub: None,
        });
    }
    let hub = arg.to_str().and_then(hub_name);
    let Some((org, name, revision)) = hub else {
        return Ok(ModelSource {
            dir: arg.to_path_buf(),
            hub: None,
        });
    };
    let Some(cache) = cache_dir() else {
        return Err(ModelError::Missing {
            path: arg.to_path_buf(),
            hint: "not a directory, and no Hugging Face cache to look it up in (set HF_HUB_CACHE or HF_HOME)".into(),
        });
    };
    resolve_in(&cache, org, name, revision)
}

fn resolve_in(cache: &Path, org: &str, name: &str, revision: Option<&str>) -> Result<ModelSource, ModelError> {
    let repo = format!("{org}/{name}");
    let root = cache.join(format!("models--{org}--{name}"));
    let fetch = format!("download it first (`hf download {repo}`): rsbench reads the cache offline");
    if !root.is_dir() {
        return Err(ModelError::Missing {
            path: root,
            hint: format!("`{repo}` is not a local directory nor in the Hugging Face cache; {fetch}"),
        });
    }
    let revision = revision.unwrap_or("main");
    let is_commit = revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit());
    let commit = if is_commit {
        revision.to_ascii_lowercase()
    } else {
        let reference = root.join("refs").join(revision);
        let text = std::fs::read_to_string(&reference).map_err(|_| ModelError::Missing {
            path: reference.clone(),
            hint: format!("the cache has no revision `{revision}` of `{repo}`; {fetch}"),
        })?;
        let commit = text.trim().to_owned();
        if commit.len() != 40 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ModelError::Invalid {
                path: reference,
                message: format!("holds `{commit}`, not a commit"),
            });
        }
        commit
    };
    let dir = root.join("snapshots").join(&commit);
    if !dir.is_dir() {
        return Err(ModelError::Missing {
            path: dir,
            hint: format!(
                "the cache names commit {commit} for `{repo}@{revision}` but holds no snapshot of it; {fetch}"
            ),
        });
    }
    Ok(ModelSource {
        dir,
        hub: Some(HubRevision {
            repo,
            revision: revision.to_owned(),
            commit,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_names_are_two_plain_parts_and_an_optional_revision() {
        assert_eq!(
            hub_name("BAAI/bge-reranker-base"),
            Some(("BAAI", "bge-reranker-base", None))
        );
        assert_eq!(hub_name("org/m@v1.0"), Some(("org", "m", Some("v1.0"))));
        assert_eq!(hub_name("org/m@refs/pr/3"), Some(("org", "m", Some("refs/pr/3"))));
        for not in [
            "models/x/y",
            "./x",
            "../x/y",
            "x",
            "/abs/y",
            "org/",
            "org/m@",
            "org/m@../x",
            "a/b c",
        ] {
            assert_eq!(hub_name(not), None, "{not}");
        }
    }

    #[test]
    fn a_name_resolves_through_its_ref_to_one_snapshot_or_names_what_is_missing() {
        let cache = tempfile::tempdir().unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let root = cache.path().join("models--org--m");
        std::fs::create_dir_all(root.join("refs")).unwrap();
        std::fs::create_dir_all(root.join("snapshots").join(commit)).unwrap();
        std::fs::write(root.join("refs/main"), format!("{commit}\n")).unwrap();
        let got = resolve_in(cache.path(), "org", "m", None).unwrap();
        assert_eq!(got.dir, root.join("snapshots").join(commit));
        assert_eq!(
            got.hub,
            Some(HubRevision {
                repo: "org/m".into(),
                revision: "main".into(),
                commit: commit.into()
            })
        );
        assert_eq!(resolve_in(cache.path(), "org", "m", Some(commit)).unwrap().dir, got.dir);
        let err = resolve_in(cache.path(), "org", "m", Some("v2"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("refs/v2: missing") && err.contains("no revision `v2`"),
            "{err}"
        );
        let err = resolve_in(cache.path(), "org", "other", None).unwrap_err().to_string();
        assert!(err.contains("models--org--other: missing"), "{err}");
        std::fs::write(root.join("refs/old"), "ffffffffffffffffffffffffffffffffffffffff").unwrap();
        let err = resolve_in(cache.path(), "org", "m", Some("old"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds no snapshot"), "{err}");
    }
}
