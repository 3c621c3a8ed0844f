"""One torch thread per figure on a CPU.

figgen's computations are thousands of small tensor operations, and under `doit -n 2` two figures
run side by side on a 2-core machine: intra-op threads then cost more in start-up and barriers
than they save (measured 3-10x slower on a busy machine). The runner wraps every computation in
this context, so figure modules need not manage threads themselves.
"""
from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def single_cpu_thread(device: str):
    torch = sys.modules.get("torch")
    if device != "cpu" or torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
