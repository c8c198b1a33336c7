"""rsbench.perturb records with provenance, and rsbench.compare."""

import json
from pathlib import Path

import pytest

import rsbench

ROOT = Path(__file__).resolve().parents[2]


def dev_dialogues(n):
    lines = (ROOT / "datasets" / "devset" / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:n]]


def test_perturb_returns_records_with_provenance_like_the_cli(dictionary, monkeypatch, cli, tmp_path):
    monkeypatch.setenv("RSBENCH_MECAB_DIC", dictionary)
    dialogues = dev_dialogues(12)
    records = rsbench.perturb(dialogues, types="negation,repetition,tense", seed=7)
    assert records, "twelve dev dialogues give negatives"
    for r in records:
        positive, negative = r["candidates"]
        assert positive["label"] == 1 and negative["label"] == 0
        p = negative["provenance"]
        assert p["type"] in {"negation", "repetition", "tense"}
        assert p["rule"].startswith(p["type"]) and p["source_case"]
    # The same inputs and seed: the same records; as the CLI writes them, line for line.
    assert rsbench.perturb(dialogues, types=["negation", "repetition", "tense"], seed=7) == records
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dialogues), encoding="utf-8")
    out = cli("perturb", "--input", src, "--types", "negation,repetition,tense", "--seed", "7",
              "--output", "out.jsonl", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert written == records
    # From a path too; (context, response) pairs work as dialogues.
    assert rsbench.perturb(src, types="negation,repetition,tense", seed=7) == records
    pairs = rsbench.perturb([(d["context"], d["response"]) for d in dialogues[:3]], types="repetition")
    assert all(r["candidates"][1]["provenance"]["type"] == "repetition" for r in pairs)


def test_perturb_without_the_dictionary_says_where_to_point(monkeypatch, tmp_path):
    monkeypatch.setenv("RSBENCH_MECAB_DIC", str(tmp_path / "no-dictionary"))
    assert all(rsbench.perturb_types().values()), "every type uses the analyser today"
    with pytest.raises(rsbench.DictionaryNotFound, match="RSBENCH_MECAB_DIC"):
        rsbench.perturb(dev_dialogues(1), types="repetition")
    with pytest.raises(ValueError, match="perturbation type"):
        rsbench.perturb(dev_dialogues(1), types="nonsense")
    with pytest.raises(rsbench.RsbenchError, match=r"dialogues:1: needs `response`"):
        monkeypatch.setenv("RSBENCH_MECAB_DIC", str(tmp_path))
        rsbench.perturb([{"context": ["안녕"]}], types="repetition")


def test_compare_runs_in_memory_and_on_disk(koradvmrs, tmp_path):
    def length(batch):
        return [float(len(r)) for _, r in batch]

    def overlap(batch):
        return [float(len(set(" ".join(c).split()) & set(r.split()))) for c, r in batch]

    a = rsbench.evaluate(koradvmrs, length, split="adversarial", name="length", no_cache=True)
    b = rsbench.evaluate(koradvmrs, overlap, split="adversarial", name="overlap", no_cache=True)
    cmp = rsbench.compare(a, b)
    assert cmp.dir is None and a.dir is None, "nothing kept, and the runs were not moved"
    assert cmp.meta["baseline"] == "length"
    assert set(cmp.table["run"]) == {"length", "overlap"}
    # The baseline has no test of its own; the other run is tested against it on every type.
    tested = cmp.table[cmp.table["run"] == "overlap"]
    assert tested["p"].notna().all() and cmp.table[cmp.table["run"] == "length"]["p"].isna().all()
    assert cmp._repr_html_().startswith("<iframe")
    # On disk, against a written run, with the other as the baseline.
    b.write(tmp_path / "overlap")
    kept = rsbench.compare(a, tmp_path / "overlap", baseline="overlap", out=tmp_path / "cmp")
    assert kept.dir == tmp_path / "cmp" and (tmp_path / "cmp" / "compare.csv").is_file()
    assert kept.meta["baseline"] == "overlap"
    with pytest.raises(ValueError, match="two runs named 'length'"):
        rsbench.compare(a, a)
    # Directories with one name are refused by the command line's own check.
    (tmp_path / "x").mkdir()
    a.write(tmp_path / "x" / "overlap")
    with pytest.raises(rsbench.RsbenchError, match="two runs named `overlap`"):
        rsbench.compare(tmp_path / "x" / "overlap", tmp_path / "overlap")
