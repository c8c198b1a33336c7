"""Development only: a grid of tense and negation items conjugated by a second
analyser (kiwipiepy's `Kiwi.join`), graded against rsbench's rewrites.

Every irregular class and its regular twins x 13 endings x 3 tenses, plus
negation added and removed (short, long, lexical, copula). kiwipiepy makes
its own mistakes, so a disagreement is a lead for a person to judge, not a
verdict. Needs `pip install kiwipiepy` in the venv and
`cargo build --release --example rewrite_batch`.

    .venv/bin/python scripts/dev/kiwi_grid.py [--show wrong|none|all] [--only tense|negation]
"""
import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict

from kiwipiepy import Kiwi

KIWI = Kiwi()
BIN = "target/release/examples/rewrite_batch"

# (stem, kiwi tag, pos, frame before the predicate, class name)
STEMS = [
    ("덥", "VA-I", "adj", "오늘 날씨가 ", "b"), ("춥", "VA-I", "adj", "방이 ", "b"),
    ("즐겁", "VA-I", "adj", "여행이 ", "b"), ("맵", "VA-I", "adj", "떡볶이가 ", "b"),
    ("돕", "VV-I", "verb", "동생을 ", "b"), ("눕", "VV-I", "verb", "침대에 ", "b"),
    ("입", "VV", "verb", "코트를 ", "b-twin"), ("잡", "VV", "verb", "손을 ", "b-twin"),
    ("좁", "VA", "adj", "방이 ", "b-twin"), ("뽑", "VV", "verb", "반장을 ", "b-twin"),
    ("듣", "VV-I", "verb", "음악을 ", "d"), ("걷", "VV-I", "verb", "공원을 ", "d"),
    ("싣", "VV-I", "verb", "짐을 차에 ", "d"),
    ("받", "VV", "verb", "선물을 ", "d-twin"), ("닫", "VV", "verb", "문을 ", "d-twin"),
    ("믿", "VV", "verb", "그 말을 ", "d-twin"),
    ("짓", "VV-I", "verb", "집을 ", "s"), ("붓", "VV-I", "verb", "물을 ", "s"),
    ("젓", "VV-I", "verb", "커피를 ", "s"),
    ("씻", "VV", "verb", "손을 ", "s-twin"), ("벗", "VV", "verb", "신발을 ", "s-twin"),
    ("웃", "VV", "verb", "동생이 ", "s-twin"),
    ("빨갛", "VA-I", "adj", "사과가 ", "h"), ("하얗", "VA-I", "adj", "눈이 ", "h"),
    ("파랗", "VA-I", "adj", "하늘이 ", "h"),
    ("좋", "VA", "adj", "날씨가 ", "h-twin"), ("놓", "VV", "verb", "책을 책상에 ", "h-twin"),
    ("넣", "VV", "verb", "가방에 책을 ", "h-twin"),
    ("부르", "VV", "verb", "노래를 ", "reu"), ("오르", "VV", "verb", "물가가 ", "reu"),
    ("빠르", "VA", "adj", "버스가 ", "reu"), ("고르", "VV", "verb", "선물을 ", "reu"),
    ("따르", "VV", "verb", "물을 컵에 ", "reu-twin"), ("치르", "VV", "verb", "시험을 ", "reu-twin"),
    ("푸르", "VA-I", "adj", "하늘이 ", "reo"),
    ("놀", "VV", "verb", "친구랑 ", "l"), ("만들", "VV", "verb", "케이크를 ", "l"),
    ("길", "VA", "adj", "머리가 ", "l"), ("멀", "VA", "adj", "학교가 ", "l"),
    ("쓰", "VV", "verb", "편지를 ", "eu"), ("바쁘", "VA", "adj", "요즘 회사가 ", "eu"),
    ("아프", "VA", "adj", "머리가 ", "eu"), ("예쁘", "VA", "adj", "꽃이 ", "eu"),
    ("공부하", "VV", "verb", "도서관에서 ", "ha"), ("피곤하", "VA", "adj", "요즘 ", "ha"),
    ("가", "VV", "verb", "학교에 ", "vowel"), ("오", "VV", "verb", "친구가 ", "vowel"),
    ("마시", "VV", "verb", "커피를 ", "vowel"), ("배우", "VV", "verb", "수영을 ", "vowel"),
    ("기다리", "VV", "verb", "버스를 ", "vowel"), ("보", "VV", "verb", "영화를 ", "vowel"),
    ("먹", "VV", "verb", "점심을 ", "regular"), ("읽", "VV", "verb", "책을 ", "regular"),
    ("작", "VA", "adj", "신발이 ", "regular"),
]
LEXICAL = [("있", "없", "시간이 "), ("알", "모르", "그 사람을 "), ("맛있", "맛없", "이 집 국수가 ")]
NOUNS = [("학생", "그 사람은 "), ("친구", "걔는 "), ("의사", "우리 형은 "), ("회사원", "저는 ")]

# id: (verb present, adjective present, suffix after 었/겠, future after -(으)ㄹ or None)
ENDINGS = {
    "hae": ("어", "어", "어", " 거야"),
    "haeyo": ("어요", "어요", "어요", " 거예요"),
    "hapsyo": ("습니다", "습니다", "습니다", " 겁니다"),
    "hara": ("는다", "다", "다", " 거다"),
    "ne": ("네", "네", "네", None),
    "neyo": ("네요", "네요", "네요", None),
    "ji": ("지", "지", "지", " 거지"),
    "janha": ("잖아", "잖아", "잖아", " 거잖아"),
    "guna": ("는구나", "구나", "구나", " 거구나"),
    "nayo": ("나요", "은가요", "나요", " 건가요"),
    "neunde": ("는데", "은데", "는데", " 건데"),
    "deora": ("더라", "더라", "더라", None),
    "geodeun": ("거든", "거든", "거든", " 거거든"),
}
# Copula forms: (after a consonant, after a vowel) per ending, present and past.
COPULA_PRESENT = {
    "hae": ("이야", "야"), "haeyo": ("이에요", "예요"), "hapsyo": ("입니다", "입니다"),
    "hara": ("이다", "다"), "ne": ("이네", "네"), "neyo": ("이네요", "네요"), "ji": ("이지", "지"),
    "janha": ("이잖아", "잖아"), "guna": ("이구나", "구나"), "nayo": ("인가요", "인가요"),
    "neunde": ("인데", "인데"), "deora": ("이더라", "더라"), "geodeun": ("이거든", "거든"),
}


def j(*ms):
    return KIWI.join(list(ms))


def forms(stem, tag, pos, e):
    """{tense: [acceptable forms]} of a stem in an ending."""
    vp, ap, after, geo = ENDINGS[e]
    present = vp if pos == "verb" else ap
    if pos == "exist":
        present = ap if e == "hara" else vp
    out = {"present": [j((stem, tag), (present, "EF"))], "past": [j((stem, tag), ("었", "EP"), (after, "EF"))]}
    fut = [j((stem, tag), ("겠", "EP"), (after, "EF"))]
    if geo:
        fut.insert(0, j((stem, tag), ("을", "ETM")) + geo)
    out["future"] = fut
    if tag == "VA-I" and stem.endswith(("갛", "얗", "랗", "떻", "렇")):
        for t in out:
            out[t] += [f.replace(stem + "네", stem[:-1] + chr(ord(stem[-1]) - 27) + "네") for f in out[t] if stem + "네" in f]
            out[t] += [f.replace(stem[:-1] + chr(ord(stem[-1]) - 27) + "네", stem + "네") for f in out[t] if stem[:-1] + chr(ord(stem[-1]) - 27) + "네" in f]
    return out


def neg_forms(stem, tag, pos, e):
    """{tense: [negated forms]}: 안 before it, or -지 않다 (or 못 …)."""
    base = forms(stem, tag, pos, e)
    aux = forms("않", "VX", "adj" if pos == "adj" else "verb", e)
    ji = j((stem, tag), ("지", "EC"))
    out = {}
    for t in base:
        short = []
        for f in base[t]:
            if stem.endswith("하") and len(stem) > 1 and pos == "verb":
                short.append(stem[:-1] + " 안 " + f[len(stem) - 1:])
            elif len(stem) <= 2 and not stem.endswith("하"):
                short.append("안 " + f)
        out[t] = short + [f"{ji} {a}" for a in aux[t]]
    return out


def copula(noun, e, tense):
    """The copula's forms; after a vowel the full 이 is accepted too (친구이네)."""
    consonant = (ord(noun[-1]) - 0xAC00) % 28 != 0
    c, v = COPULA_PRESENT[e]
    if tense == "present":
        return [c] if consonant else [v, c]
    vp, ap, after, geo = ENDINGS[e]
    if tense == "past":
        return [pre + j(("먹", "VV"), ("었", "EP"), (after, "EF"))[2:] for pre in (["이었"] if consonant else ["였", "이었"])]
    out = [noun_free("이겠", after)] + ([] if consonant else [noun_free("겠", after)])
    if geo:
        out.insert(0, "일" + geo)
    return out


def noun_free(pre, after):
    return pre + j(("먹", "VV"), ("었", "EP"), (after, "EF"))[2:]


def neg_copula(noun, e, tense):
    consonant = (ord(noun[-1]) - 0xAC00) % 28 != 0
    particle = "이" if consonant else "가"
    f = forms("아니", "VCN", "adj", e)
    if e == "hae":
        f["present"] = ["아니야"]
    if e == "haeyo":
        f["present"] = ["아니에요"]
    f["past"] = [x.replace("아녔", "아니었") for x in f["past"]]
    return [f"{particle} {x}" for x in f[tense]]


def items():
    tenses = ["present", "past", "future"]
    for stem, tag, pos, frame, cls in STEMS:
        for e in ENDINGS:
            fs = forms(stem, tag, pos, e)
            ns = neg_forms(stem, tag, pos, e)
            for src in tenses:
                for to in tenses:
                    if to != src:
                        yield dict(set="tense", cls=cls, ending=e, src=src, to=to,
                                   text=frame + fs[src][0], expect=[frame + x for x in fs[to]])
                yield dict(set="negation", cls=cls, ending=e, src=src, to="add",
                           text=frame + fs[src][0], expect=[frame + x for x in ns[src]])
                for n in ns[src]:
                    # The positive in the negated form's own future (거 or 겠).
                    same = [f for f in fs[src] if ("겠" in f) == ("겠" in n)] or fs[src]
                    yield dict(set="negation", cls=cls, ending=e, src=src, to="remove",
                               text=frame + n, expect=[frame + same[0]])
    for pos_stem, neg_stem, frame in LEXICAL:
        for e in ENDINGS:
            tag = "VA" if pos_stem in ("있", "맛있") else "VV"
            pos = "exist" if tag == "VA" else "verb"
            a, b = forms(pos_stem, tag, pos, e), forms(neg_stem, tag, pos, e)
            for src in tenses:
                yield dict(set="negation", cls="lexical", ending=e, src=src, to="add",
                           text=frame + a[src][0], expect=[frame + x for x in b[src]])
                yield dict(set="negation", cls="lexical", ending=e, src=src, to="remove",
                           text=frame + b[src][0], expect=[frame + x for x in a[src]])
    for noun, frame in NOUNS:
        for e in ENDINGS:
            for src in tenses:
                for to in tenses:
                    if to != src:
                        yield dict(set="tense", cls="copula", ending=e, src=src, to=to,
                                   text=frame + noun + copula(noun, e, src)[0],
                                   expect=[frame + noun + x for x in copula(noun, e, to)])
                yield dict(set="negation", cls="copula", ending=e, src=src, to="add",
                           text=frame + noun + copula(noun, e, src)[0],
                           expect=[frame + noun + x for x in neg_copula(noun, e, src)])
                for n in neg_copula(noun, e, src):
                    same = [f for f in copula(noun, e, src) if ("겠" in f) == ("겠" in n)]
                    yield dict(set="negation", cls="copula", ending=e, src=src, to="remove",
                               text=frame + noun + n, expect=[frame + noun + f for f in same])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", default="wrong", choices=["wrong", "none", "all", "nothing"])
    ap.add_argument("--only")
    args = ap.parse_args()
    its = [i for i in items() if not args.only or i["set"] == args.only]
    req = "".join(json.dumps({"text": i["text"], "kind": "negation" if i["set"] == "negation" else "tense",
                               "to": None if i["set"] == "negation" else i["to"]}, ensure_ascii=False) + "\n"
                  for i in its)
    p = subprocess.run([BIN], input=req.encode(), capture_output=True, check=True)
    outs = [json.loads(l)["outputs"] for l in p.stdout.decode().splitlines()]
    tally = defaultdict(Counter)
    for i, o in zip(its, outs):
        verdict = "none" if not o else ("right" if len(o) == 1 and o[0] in i["expect"] else "wrong")
        for key in (i["set"], f'{i["set"]}/{i["cls"]}', f'{i["set"]}/e:{i["ending"]}', f'{i["set"]}/{i["src"]}->{i["to"]}'):
            tally[key][verdict] += 1
        if args.show in (verdict, "all"):
            print(f'{verdict:5} {i["set"][:3]} {i["src"]}->{i["to"]} [{i["cls"]}/{i["ending"]}] {i["text"]} => {o} want {i["expect"]}')
    for key in sorted(tally):
        c = tally[key]
        n = sum(c.values())
        print(f"{key:28} n={n:5} right {100*c['right']/n:5.1f}%  wrong {100*c['wrong']/n:5.1f}%  none {100*c['none']/n:5.1f}%",
              file=sys.stderr)


if __name__ == "__main__":
    main()
