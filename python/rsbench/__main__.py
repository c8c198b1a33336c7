"""``python -m rsbench …``: the ``rsbench`` command."""

from ._cli import main

main()
