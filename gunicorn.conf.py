"""gunicorn hooks for the web processes (`gunicorn --config=gunicorn.conf.py`).

With --preload the code is loaded once in the master and the workers share its memory pages until
they write to them. Python's cyclic garbage collector writes to every object it scans, so the first
full collection in a worker would copy nearly everything it inherited; the objects alive at fork are
frozen out of its reach instead, as the `gc.freeze` documentation recommends. Measured with
`python -m bench.memory` (docs/operations.md).
"""

import gc
from typing import Any

# No collection while the code loads: objects freed meanwhile would leave holes in pages then copied.
gc.disable()


def when_ready(server: Any) -> None:
    """The code is loaded (with --preload): freeze what is alive, collect normally from now on."""
    gc.freeze()
    gc.enable()


def pre_fork(server: Any, worker: Any) -> None:
    # A worker restarted later forks from the master as it is then.
    gc.freeze()
