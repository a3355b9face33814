"""saihan's command line.

Python caches each module's bytecode beside its source unless ``PYTHONDONTWRITEBYTECODE`` is
set, and some machines set it for every process; a ``saihan`` command would then compile some
1,500 modules' sources again on every start (2.6 s of a 2.9 s no-op run). The command writes
the cache wherever it may, so the first command after an install writes it and every later one
reads it. (Compiling at install instead, uv's ``compile-bytecode``, makes every ``uv run``
check and print 11,500 compiled files: 1.6 s a call.)
"""

import sys

sys.dont_write_bytecode = False
