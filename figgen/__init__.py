"""figgen: the code behind every figure of the course.

Each figure is one module ``figgen/<name>.py`` that defines

* ``CONFIG = {"quick": {...}, "full": {...}}`` -- sizes for a 2-core CPU and for a GPU;
* ``compute(cfg, device) -> dict`` -- the expensive part, returning plain arrays and numbers;
* ``plot(data, cfg) -> matplotlib.figure.Figure`` -- drawing from saved data only;
* the theory the figure must match, as plain functions that the tests call;
* optionally ``caption_params(data, cfg) -> dict`` -- derived numbers quoted in captions.

Infrastructure lives in ``figgen.core`` and shared computational helpers in ``figgen.lib``;
every other top-level module of this package is a figure.
"""
