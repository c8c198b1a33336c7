"""rsbench.evaluate: a Python scoring function on KorAdvMRS gives, byte for byte,
the run directory the command line writes from the same scores."""

import json
import random
from pathlib import Path

import pandas
import pytest

import rsbench

# What the CLI treats as the one file that differs run to run (docs/outputs.md).
TIMING = "timing.json"


def overlap(batch):
    """A toy scorer: words shared with the context, length as a tie-breaker."""
    out = []
    for context, response in batch:
        words = set(" ".join(context).split())
        out.append(len(words & set(response.split())) + len(response) / 1000.0)
    return out


def files(run_dir: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(run_dir.iterdir()) if p.name != TIMING}


def test_a_python_scorer_writes_the_clis_run_directory_byte_for_byte(koradvmrs, cli, tmp_path):
    calls = []

    def scorer(batch):
        calls.append(len(batch))
        return overlap(batch)

    run = rsbench.evaluate(koradvmrs, scorer, split="both", batch_size=50, no_cache=True)
    assert max(calls) == 50 and sum(calls) == len(run.scores), "each distinct pair scored once, in batches"
    py_dir = run.write(tmp_path / "py")

    # The outside program's way: `rsbench pairs`, the same function, a scores file in
    # another order and with Python's own float formatting.
    out = cli("pairs", "--dataset", koradvmrs, "--split", "both", "--out", "pairs.jsonl", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in (tmp_path / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    scores = overlap([(p["context"], p["response"]) for p in lines])
    scored = [json.dumps({"score": s, "id": p["id"]}) for p, s in zip(lines, scores)]
    random.Random(7).shuffle(scored)
    (tmp_path / "scored.jsonl").write_text("\n".join(scored) + "\n", encoding="utf-8")
    out = cli("eval", "--dataset", koradvmrs, "--scores", "scored.jsonl", "--out", "cli", "-q", cwd=tmp_path)
    assert out.returncode == 0, out.stderr

    ours, theirs = files(py_dir), files(tmp_path / "cli")
    assert sorted(ours) == sorted(theirs)
    assert {"predictions.parquet", "summary.csv", "metadata.json", "report.html"} <= set(ours)
    for name in ours:
        assert ours[name] == theirs[name], f"{name} differs between run.write and eval --scores"
    assert (py_dir / TIMING).is_file()

    # The DataFrames are the files' tables.
    assert run.summary.equals(pandas.read_csv(py_dir / "summary.csv"))
    predictions = run.predictions
    assert predictions.equals(rsbench._read_parquet((py_dir / "predictions.parquet").read_bytes()))
    assert {"case_id", "context", "score"} <= set(predictions.columns)
    meta = run.metadata
    assert meta["scorer"]["kind"] == "scores-file"
    assert meta["dataset"]["source"] == koradvmrs
    assert set(run.summary["split"]) == {"adversarial", "clean"}


def test_scores_given_or_written_back_make_the_same_run(koradvmrs, tmp_path):
    run = rsbench.evaluate(koradvmrs, overlap, split="adversarial", bootstrap=0, no_cache=True)
    by_id = dict(zip(run.scores["id"], run.scores["score"]))
    again = rsbench.evaluate(koradvmrs, scores=by_id, split="adversarial", bootstrap=0)
    path = run.write_scores(tmp_path / "scores.jsonl")
    from_file = rsbench.evaluate(koradvmrs, scores=path, split="adversarial", bootstrap=0)
    assert run.metadata == again.metadata == from_file.metadata
    assert run.summary.equals(again.summary) and run.summary.equals(from_file.summary)
    # Other scores are another run.
    by_id[next(iter(by_id))] += 1.0
    assert rsbench.evaluate(koradvmrs, scores=by_id, split="adversarial", bootstrap=0).metadata != run.metadata


def test_bad_scores_are_errors_that_say_what(koradvmrs):
    def wrong_count(batch):
        return [0.0] * (len(batch) - 1)

    with pytest.raises(ValueError, match="returned 49 scores for a batch of 50 pairs"):
        rsbench.evaluate(koradvmrs, wrong_count, batch_size=50, no_cache=True)

    class Broken(Exception):
        pass

    def raises(batch):
        raise Broken("the model fell over")

    # The scorer's own exception, as it was raised.
    with pytest.raises(Broken, match="fell over"):
        rsbench.evaluate(koradvmrs, raises, no_cache=True)

    with pytest.raises(rsbench.RsbenchError, match="non-finite score NaN"):
        rsbench.evaluate(koradvmrs, lambda b: [float("nan")] * len(b), no_cache=True)
    with pytest.raises(rsbench.RsbenchError, match="have no score"):
        rsbench.evaluate(koradvmrs, scores={"p0000000000000000": 1.0})
    with pytest.raises(rsbench.RsbenchError, match="nowhere"):
        rsbench.evaluate("nowhere", overlap, no_cache=True)
    with pytest.raises(ValueError, match="split"):
        rsbench.evaluate(koradvmrs, overlap, split="dev", no_cache=True)


def test_a_scorer_with_an_identity_is_cached_and_one_without_is_not(tmp_path, monkeypatch):
    calls = []

    def scorer(batch):
        calls.append(len(batch))
        return [float(len(r)) for _, r in batch]

    scorer.rsbench_identity = "length@1"
    cache = tmp_path / "cache"
    first = rsbench.evaluate(scorer=scorer, cache=cache, bootstrap=0)
    scored = sum(calls)
    assert scored > 0 and first.timing["scorer"]["cache"]["misses"] == scored
    assert first.scorer_identity == "length@1"
    second = rsbench.evaluate(scorer=scorer, cache=cache, bootstrap=0)
    assert sum(calls) == scored, "the second run is answered by the cache"
    assert second.timing["scorer"]["cache"]["hits"] == scored
    assert second.summary.equals(first.summary)
    # Another identity is another model: scored again.
    rsbench.evaluate(scorer=scorer, identity="length@2", cache=cache, bootstrap=0)
    assert sum(calls) == 2 * scored

    anonymous = lambda batch: [float(len(r)) for _, r in batch]  # noqa: E731
    with pytest.warns(rsbench.IdentityNote, match="not cached"):
        run = rsbench.evaluate(scorer=anonymous, cache=cache, bootstrap=0)
    assert run.timing["scorer"] is None


def test_a_run_shows_its_report_in_a_notebook():
    run = rsbench.evaluate(scorer=lambda b: [float(len(r)) for _, r in b], bootstrap=0, no_cache=True)
    page = run._repr_html_()
    assert page.startswith("<iframe") and "srcdoc=" in page
    assert "scores_sha256" in page and "&lt;html" in page.lower()
    assert "adversarial" in repr(run)
