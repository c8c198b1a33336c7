"""rsbench from Python: perturb dialogues, evaluate a scoring function, compare runs.

The work is done by the native module (``rsbench._native``, the same Rust
library as the ``rsbench`` command), so a run evaluated here and written with
``Run.write(dir)`` is, file for file and byte for byte (``timing.json``
aside), the run directory ``rsbench eval --scores FILE --out DIR`` writes when
FILE holds the same scores. See docs/python.md.
"""

from __future__ import annotations

import html
import io
import json
import os
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from . import _native
from ._native import DictionaryNotFound, RsbenchError

__version__ = _native.__version__

__all__ = [
    "Comparison",
    "DictionaryNotFound",
    "IdentityNote",
    "Run",
    "RsbenchError",
    "compare",
    "evaluate",
    "pairs",
    "perturb",
    "perturb_types",
]

PathLike = Union[str, "os.PathLike[str]"]

DEFAULT_SEED = 42
# The longest identity a scorer may declare (as a scorer program's handshake).
MAX_IDENTITY = 1000


class IdentityNote(UserWarning):
    """A scorer declared no identity, so its scores are not cached."""


def _pandas():
    import pandas

    return pandas


def _read_parquet(data: bytes):
    """A Parquet file rsbench wrote, as a DataFrame. Polars writes text as Arrow's
    string views, which pandas cannot hold inside lists: they become plain strings."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def plain(t):
        if pa.types.is_string_view(t):
            return pa.large_string()
        if pa.types.is_large_list(t):
            return pa.large_list(plain(t.value_type))
        if pa.types.is_list(t):
            return pa.list_(plain(t.value_type))
        return t

    table = pq.read_table(io.BytesIO(data))
    schema = pa.schema([f.with_type(plain(f.type)) for f in table.schema])
    return table.cast(schema).to_pandas()


def _path(value: Optional[PathLike]) -> Optional[str]:
    return None if value is None else os.fspath(value)


def _types(types: Union[str, Iterable[str]]) -> list:
    if isinstance(types, str):
        return [t for t in types.split(",") if t.strip()]
    return list(types)


def perturb_types() -> dict:
    """Every perturbation type, and whether it needs the Korean analyser's dictionary."""
    return dict(_native.perturb_types())


def _dialogue_line(item: Any) -> str:
    if isinstance(item, Mapping):
        return json.dumps(dict(item), ensure_ascii=False)
    if isinstance(item, (tuple, list)) and len(item) == 2:
        context, response = item
        if isinstance(context, str):
            context = [context]
        return json.dumps({"context": list(context), "response": response}, ensure_ascii=False)
    raise TypeError(
        "a dialogue is a dict (a KorAdvMRS record, or {'context': [turns], 'response': reply}) "
        f"or a (context, response) pair, not {type(item).__name__}"
    )


def perturb(
    dialogues: Union[PathLike, Iterable[Any]],
    types: Union[str, Iterable[str]] = "all",
    seed: int = DEFAULT_SEED,
    *,
    per_case: int = 1,
    tense_to: Optional[str] = None,
    rewrite_from: str = "reply",
    exclude_rules: Iterable[str] = (),
) -> list:
    """New adversarial cases for ``dialogues``, as ``rsbench perturb`` writes them.

    ``dialogues``: a JSONL file or directory (as ``perturb --input``), or dicts
    (KorAdvMRS records or ``{"context": [turns], "response": reply}``) or
    ``(context, response)`` pairs. Returns one record (dict) per generated
    negative: ``context``, ``candidates`` (the positive, then the negative with
    its ``provenance``: type, rule, source case, seed, …), ``src_dlg_id`` and
    ``did``; types in the order given. The same inputs and seed give the same
    records. Every type uses the Korean analyser: without its dictionary
    (``RSBENCH_MECAB_DIC``) this raises :class:`DictionaryNotFound`.
    """
    common = dict(
        types=_types(types),
        seed=int(seed),
        per_case=int(per_case),
        tense_to=tense_to,
        rewrite_from=rewrite_from,
        exclude_rules=list(exclude_rules),
    )
    if isinstance(dialogues, (str, os.PathLike)):
        lines = _native.perturb(None, os.fspath(dialogues), **common)
    else:
        text = "".join(_dialogue_line(d) + "\n" for d in dialogues)
        lines = _native.perturb(text, None, **common)
    return [json.loads(line) for line in lines]


def pairs(
    dataset: Optional[PathLike] = None,
    *,
    split: str = "both",
    candidates: Optional[int] = None,
    seed: int = DEFAULT_SEED,
    response_only: bool = False,
):
    """The distinct (context, response) pairs an evaluation scores, as ``rsbench pairs``:
    a DataFrame of ``id``, ``context`` (list of turns) and ``response``."""
    rows = _native.pairs(_path(dataset), split, candidates, int(seed), bool(response_only))
    return _pandas().DataFrame(rows, columns=["id", "context", "response"])


def _scoring_function(scorer: Callable) -> Callable:
    """The scorer with its answer made a list of floats, one per pair."""

    def call(batch: list) -> list:
        out = scorer(batch)
        if hasattr(out, "tolist"):  # numpy arrays, torch tensors
            out = out.tolist()
        scores = [float(s) for s in out]
        if len(scores) != len(batch):
            raise ValueError(f"the scorer returned {len(scores)} scores for a batch of {len(batch)} pairs")
        return scores

    return call


def _identity(scorer: Optional[Callable], identity: Optional[str]) -> Optional[str]:
    if identity is None and scorer is not None:
        identity = getattr(scorer, "rsbench_identity", None)
    if identity is None:
        return None
    if not isinstance(identity, str) or not identity or len(identity) > MAX_IDENTITY:
        raise ValueError(
            f"a scorer's identity must be a non-empty string of at most {MAX_IDENTITY} characters "
            "(say its model's name and a digest of its weights)"
        )
    return identity


def evaluate(
    dataset: Optional[PathLike] = None,
    scorer: Optional[Callable[[list], Sequence[float]]] = None,
    *,
    scores: Union[PathLike, Mapping, Any, None] = None,
    split: str = "both",
    candidates: Optional[int] = None,
    seed: int = DEFAULT_SEED,
    bootstrap: int = 1000,
    response_only: bool = False,
    batch_size: int = 64,
    identity: Optional[str] = None,
    cache: Optional[PathLike] = None,
    no_cache: bool = False,
    page_cases: Union[int, str] = 20000,
    name: Optional[str] = None,
) -> "Run":
    """Evaluates a scoring function, or given scores, as ``rsbench eval`` does.

    ``dataset``: a KorAdvMRS directory or file (or TSV), as ``--dataset``;
    ``None`` is the embedded sample set. The run records it as given.

    ``scorer``: called with a list of up to ``batch_size`` ``(context, response)``
    tuples (``context`` a list of turns, oldest first) and returning one score
    per pair (a list, a numpy array or a tensor), higher meaning a better reply.
    Each distinct pair is scored once. With an identity (``identity=`` or the
    function's ``rsbench_identity`` attribute) the scores go through the score
    cache (``cache=`` or ``$XDG_CACHE_HOME/rsbench``), as a scorer program's do.

    ``scores`` instead of a scorer: a scores file (as ``eval --scores``), a
    mapping of pair id to score, or a DataFrame with ``id`` and ``score``.
    """
    if scorer is not None and scores is not None:
        raise ValueError("give scorer= or scores=, not both")
    args = dict(
        dataset=_path(dataset),
        split=split,
        candidates=candidates,
        seed=int(seed),
        bootstrap=int(bootstrap),
        response_only=bool(response_only),
        page_cases=str(page_cases),
    )
    if scorer is not None:
        if not callable(scorer):
            raise TypeError("scorer must be a function of a list of (context, response) pairs")
        ident = _identity(scorer, identity)
        if ident is None and not no_cache:
            warnings.warn(
                "the scorer declares no identity (set scorer.rsbench_identity or pass identity=, e.g. "
                "'my-model@<digest of its weights>'): its scores are not cached",
                IdentityNote,
                stacklevel=2,
            )
        native = _native.evaluate(
            scorer=_scoring_function(scorer),
            batch_size=int(batch_size),
            identity=ident,
            cache=_path(cache),
            no_cache=bool(no_cache),
            **args,
        )
    elif scores is not None:
        if isinstance(scores, (str, os.PathLike)):
            native = _native.evaluate(scores_path=os.fspath(scores), **args)
        else:
            if hasattr(scores, "columns"):  # a DataFrame
                given = list(zip(scores["id"], scores["score"]))
            elif isinstance(scores, Mapping):
                given = list(scores.items())
            else:
                raise TypeError("scores= is a scores file, a mapping of pair id to score, or a DataFrame (id, score)")
            native = _native.evaluate(scores=[(str(i), float(s)) for i, s in given], **args)
    else:
        raise ValueError("give scorer= (a function of a batch of (context, response) pairs) or scores=")
    return Run(native, name=name)


class Run:
    """An evaluation: its tables as DataFrames, and ``write(dir)`` for its run directory."""

    def __init__(self, native: Any, name: Optional[str] = None):
        self._native = native
        self.name = name
        #: The run directory once written.
        self.dir: Optional[Path] = None
        self._summary = None
        self._predictions = None

    @property
    def summary(self):
        """summary.csv's table: per split and type, the metrics with their intervals."""
        if self._summary is None:
            self._summary = _pandas().read_csv(io.StringIO(self._native.summary_csv()))
        return self._summary.copy()

    @property
    def predictions(self):
        """predictions.parquet's table: per case, the candidates' scores, ranks and metrics."""
        if self._predictions is None:
            self._predictions = _read_parquet(self._native.predictions_parquet())
        return self._predictions.copy()

    @property
    def metadata(self) -> dict:
        """metadata.json: dataset, scorer (the scores' digest), seed, splits, bootstrap."""
        return json.loads(self._native.metadata_json())

    @property
    def timing(self) -> dict:
        """timing.json: wall and scoring seconds, and the score cache's hits and misses."""
        return json.loads(self._native.timing_json())

    @property
    def scorer_identity(self) -> Optional[str]:
        """The identity the scorer declared (the cache's key), if any."""
        found = self._native.scorer_identity()
        return None if found is None else json.loads(found)["identity"]

    @property
    def scores(self):
        """Each distinct pair's ``id`` and ``score``, in the evaluator's order."""
        return _pandas().DataFrame(self._native.scores(), columns=["id", "score"])

    def write(self, dir: PathLike, overwrite: bool = False) -> Path:
        """Writes the run directory (all files or none), as ``rsbench eval --out DIR``:
        byte for byte the CLI's with ``--scores`` of the same scores, timing.json aside.
        ``overwrite`` replaces only a run directory rsbench wrote."""
        written = Path(self._native.write(os.fspath(dir), bool(overwrite)))
        self.dir = written
        return written

    def write_scores(self, path: PathLike) -> Path:
        """The scores as a file ``rsbench eval --scores`` reads (one ``{"id", "score"}`` line per pair)."""
        path = Path(path)
        if path.exists():
            raise FileExistsError(f"{path}: already exists")
        path.write_text(self._native.scores_jsonl(), encoding="utf-8")
        return path

    def report_html(self) -> str:
        """The run's report.html page, as ``write`` writes it."""
        with tempfile.TemporaryDirectory(prefix="rsbench-") as tmp:
            written = self._native.write(os.path.join(tmp, "run"), False)
            return Path(written, "report.html").read_text(encoding="utf-8")

    def _repr_html_(self) -> str:
        return _iframe(self.report_html())

    def __repr__(self) -> str:
        return self._native.terminal()


def _iframe(page: str) -> str:
    # A whole page (its own styles and scripts) kept apart from the notebook's.
    return (
        '<iframe style="width:100%;height:640px;border:0" sandbox="allow-scripts" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
    )


class Comparison:
    """The output of ``compare``: its tables as DataFrames, its page in a notebook."""

    def __init__(self, files: dict, dir: Optional[Path]):
        pandas = _pandas()
        self.dir = dir
        #: compare.csv: per split and type (or rule), each run's metric and the paired tests.
        self.table = pandas.read_csv(io.StringIO(files["compare.csv"]))
        #: gap.csv: the robustness gaps.
        self.gaps = pandas.read_csv(io.StringIO(files["gap.csv"]))
        #: bias.csv with ``bias_run``, else None.
        self.bias = pandas.read_csv(io.StringIO(files["bias.csv"])) if "bias.csv" in files else None
        self.meta = json.loads(files["compare_meta.json"])
        self.markdown = files["compare.md"]
        self._html = files["compare.html"]

    def _repr_html_(self) -> str:
        return _iframe(self._html)

    def __repr__(self) -> str:
        return self.markdown


def compare(
    *runs: Union[Run, PathLike],
    baseline: Union[Run, str, None] = None,
    by: str = "type",
    metric: Optional[str] = None,
    alpha: float = 0.05,
    bootstrap: int = 1000,
    bias_run: Union[Run, PathLike, None] = None,
    force: bool = False,
    out: Optional[PathLike] = None,
    overwrite: bool = False,
) -> Comparison:
    """Compares runs as ``rsbench compare`` does (it runs that command): per-type tables
    with intervals and paired tests against the baseline (the first run by default).

    ``runs``: :class:`Run` objects or run directories. A run not yet written is written
    into a temporary directory named after its ``name`` (``run1``, ``run2``… without
    one): runs are told apart by their directory names. ``out``: keep the comparison
    directory there (by default it is read into memory and removed).
    """
    if len(runs) < 2:
        raise ValueError("compare needs at least two runs")
    with tempfile.TemporaryDirectory(prefix="rsbench-compare-") as tmp:

        def place(run: Union[Run, PathLike], default: str) -> str:
            if isinstance(run, Run):
                if run.dir is None:
                    name = run.name or default
                    if Path(tmp, name).exists():
                        raise ValueError(
                            f"two runs named {name!r}: compare tells runs apart by name "
                            "(evaluate(..., name=...))"
                        )
                    # Not `run.write`: the run's `dir` must not name a directory removed below.
                    return run._native.write(os.path.join(tmp, name), False)
                return os.fspath(run.dir)
            return os.fspath(run)

        dirs = [place(r, f"run{i + 1}") for i, r in enumerate(runs)]
        target = Path(out) if out is not None else Path(tmp, "comparison")
        argv = ["rsbench", "compare", *dirs, "--out", os.fspath(target), "--quiet"]
        argv += ["--by", by, "--alpha", repr(float(alpha)), "--bootstrap", str(int(bootstrap))]
        if baseline is not None:
            if isinstance(baseline, Run):
                base_dir = baseline.dir
                if base_dir is None:
                    # Written above when it is one of the runs.
                    index = next(i for i, r in enumerate(runs) if r is baseline)
                    base_dir = Path(dirs[index])
                baseline = Path(base_dir).name
            argv += ["--baseline", str(baseline)]
        if metric is not None:
            argv += ["--metric", metric]
        if bias_run is not None:
            argv += ["--bias-run", place(bias_run, "bias")]
        if force:
            argv.append("--force")
        if overwrite:
            argv.append("--overwrite")
        _native.run_command(argv)
        files = {
            p.name: p.read_text(encoding="utf-8")
            for p in target.iterdir()
            if p.suffix in (".csv", ".json", ".md", ".html")
        }
        return Comparison(files, target if out is not None else None)
