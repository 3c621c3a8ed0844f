"""One thread per figure computation on a CPU: torch's and the BLAS's that numpy and scipy call.

figgen's computations are thousands of small tensor operations, and under `./doit` two figures run
side by side on a 2-core machine: intra-op threads then cost more in start-up and barriers than
they save (measured 3-10x slower on a busy machine). One BLAS thread also makes the arrays the
same wherever the computation runs: a multi-threaded BLAS sums in another order, so a test process
and a build worker would otherwise disagree in the last bits. The runner wraps every computation in
this context, so figure modules need not manage threads themselves.
"""
from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def single_cpu_thread(device: str):
    if device != "cpu":
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)
