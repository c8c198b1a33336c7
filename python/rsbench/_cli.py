"""The ``rsbench`` command of the Python package: the command line's own code
(``rsbench::cli``), so it writes what the cargo-built binary writes."""

import sys

from . import _native


def main() -> None:
    sys.exit(_native.main(["rsbench", *sys.argv[1:]]))
