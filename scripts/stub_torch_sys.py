"""Stubs out the generated libtorch wrappers that an older libtorch lacks (scripts/gpu_binary.sh).

    python3 scripts/stub_torch_sys.py BUILD_LOG TORCH_SYS_DIR

torch-sys wraps every ATen op of the libtorch it was made for; built against an older one, the
ops added since (none of which rsbench calls) fail to compile. This reads the failing functions
(`In function 'void atg_…(`) off the compiler output in BUILD_LOG and replaces each body in
TORCH_SYS_DIR/libtch/torch_api_generated.cpp with a throw, which tch reports as an error if
anything ever calls it. Prints the functions stubbed; exits 1 if it found none.
"""

import re
import sys
from pathlib import Path

log = Path(sys.argv[1]).read_text(errors="replace")
source = Path(sys.argv[2]) / "libtch" / "torch_api_generated.cpp"
failing = sorted(set(re.findall(r"In function '[^']*?\b(atg_\w+)\(", log)))
if not failing:
    sys.exit("no failing torch-sys wrappers in the log")
text = source.read_text()
for name in failing:
    pattern = re.compile(r"(\n[^\n]*\b" + re.escape(name) + r"\([^)]*\) \{\n  PROTECT\(\n).*?(\n  \)\n\})", re.S)
    text, n = pattern.subn(
        lambda m: m.group(1) + f'    throw std::runtime_error("{name[4:]} is not in this libtorch");' + m.group(2), text
    )
    if n != 1:
        sys.exit(f"{name}: found {n} definitions")
    print(f"stubbed {name}")
source.write_text(text)
