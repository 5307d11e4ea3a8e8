"""The op table, grouped by kind. Importing this package declares every op."""
from . import core, elementwise, linalg, nn, pointwise, reduce, shape, table  # noqa: F401
from . import indexing, layout, reductions  # noqa: F401
from . import conv, nnfunc  # noqa: F401
from . import losses  # noqa: F401
