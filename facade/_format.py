"""``repr(tensor)`` text identical to PyTorch's, computed from a NumPy array.

A line-by-line port of ``torch/_tensor_str.py`` (PyTorch 2.13) for dense
tensors.  Users diff printed tensors against real PyTorch output (doctests,
notebooks, logs), so the quirks are kept on purpose: width chosen from the
non-zero finite values only, the ``last_line_len`` off-by-two in
``_add_suffixes``, ``a[-0:]`` being the whole row when ``edgeitems == 0``.

Like PyTorch, every element is formatted as a Python float (a double holding
the element's exact value) or Python int/bool, so float16/bfloat16/float32
values print exactly as PyTorch prints them.
"""

import dataclasses
import math
from contextlib import contextmanager

import numpy as np

__all__ = [
    "PrintOptions",
    "PRINT_OPTS",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
    "tensor_repr",
]


@dataclasses.dataclass
class PrintOptions:
    """Global print settings; same fields and defaults as torch's PRINT_OPTS."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: "bool | None" = None


PRINT_OPTS = PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, profile=None, sci_mode=None):
    """Same semantics as ``torch.set_printoptions``.

    As in torch, ``sci_mode`` is always assigned, so any call without it
    resets scientific notation to automatic.
    """
    profiles = {
        "default": (4, 1000, 3, 80),
        "short": (2, 1000, 2, 80),
        "full": (4, math.inf, 3, 80),
    }
    if profile in profiles:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = profiles[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Current options as a dict accepted by ``set_printoptions(**opts)``."""
    return dataclasses.asdict(PRINT_OPTS)


@contextmanager
def printoptions(**kwargs):
    """Temporarily change print options (``torch.printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _kind(dtype_name):
    if dtype_name.startswith("complex"):
        return "complex"
    if dtype_name.startswith("float") or dtype_name == "bfloat16":
        return "float"
    return "int"  # integers and bool: printed via str() of the Python value


class _Formatter:
    """Chooses int_mode / sci_mode / column width from a set of values.

    ``values`` is a flat array: float64 when ``floating``, else ints/bools.
    """

    def __init__(self, values, floating):
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = PRINT_OPTS.precision

        if not floating:
            # Width depends only on the value, so unique values suffice.
            for v in np.unique(values).tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return

        vals = values[np.isfinite(values) & (values != 0)]
        if vals.size == 0:
            return
        absv = np.abs(vals)
        vmin, vmax = float(absv.min()), float(absv.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        for v in np.unique(vals).tolist():
            if self.sci_mode:
                w = len(f"{v:.{p}e}")
            elif self.int_mode:
                w = len(f"{v:.0f}") + 1  # room for the trailing "."
            else:
                w = len(f"{v:.{p}f}")
            self.max_width = max(self.max_width, w)

    def width(self):
        return self.max_width

    def format(self, value):
        p = PRINT_OPTS.precision
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _val_str(val, f1, f2):
    if f2 is None:
        return f1.format(val)
    real_str = f1.format(val.real)
    imag_str = (f2.format(val.imag) + "j").lstrip()
    if imag_str[0] in "+-":  # negative numbers, +0.0, -0.0
        return real_str + imag_str
    return real_str + "+" + imag_str


def _vector_str(a, indent, summarize, f1, f2):
    element_length = f1.width() + 2  # includes ", "
    if f2 is not None:
        element_length += f2.width() + 1  # imag part and "j"
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    e = PRINT_OPTS.edgeitems

    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([_val_str(v, f1, f2) for v in a[:e].tolist()] + [" ..."]
                + [_val_str(v, f1, f2) for v in a[-e:].tolist()])
    else:
        data = [_val_str(v, f1, f2) for v in a.tolist()]

    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a, indent, summarize, f1, f2=None):
    dim = a.ndim
    if dim == 0:
        return _val_str(a.item(), f1, f2)
    if dim == 1:
        return _vector_str(a, indent, summarize, f1, f2)

    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        rows = list(range(e)) + [None] + list(range(a.shape[0] - e, a.shape[0]))
    else:
        rows = range(a.shape[0])
    slices = ["..." if i is None else
              _tensor_str_with_formatter(a[i], indent + 1, summarize, f1, f2)
              for i in rows]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(a):
    """Flat array of the elements that will actually be printed."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a.reshape(-1)
    if a.ndim == 1:
        # Note a[-0:] is the whole row, as in torch, when edgeitems == 0.
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return a.reshape(-1)[:0]
    if a.shape[0] > 2 * e:
        rows = list(range(e)) + list(range(a.shape[0] - e, a.shape[0]))
    else:
        rows = range(a.shape[0])
    return np.concatenate([_summarized_data(a[i]) for i in rows])


def _tensor_str(a, indent, kind):
    summarize = a.size > PRINT_OPTS.threshold
    data = (_summarized_data(a) if summarize else a).reshape(-1)
    if kind == "complex":
        f1 = _Formatter(data.real, True)
        f2 = _Formatter(data.imag, True)
        return _tensor_str_with_formatter(a, indent, summarize, f1, f2)
    f1 = _Formatter(data, kind == "float")
    return _tensor_str_with_formatter(a, indent, summarize, f1)


def _add_suffixes(tensor_str, suffixes, indent, force_newline=False):
    parts = [tensor_str]
    # torch's arithmetic (+1 rather than -1) kept deliberately.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


_DEFAULT_DTYPES = ("float32", "complex64", "int64", "bool")


def tensor_repr(values, dtype_name, suffixes=(), prefix="tensor(", device_suffix=None):
    """``repr()`` of a dense tensor exactly as PyTorch 2.13 prints it.

    values: ndarray of the tensor's values (any shape, incl. 0-d / empty).
    dtype_name: torch dtype name without ``torch.`` (e.g. ``'bfloat16'``);
        it, not ``values.dtype``, decides how values print and the suffix.
    suffixes: extra suffixes appended after the dtype one, such as
        ``"grad_fn=<AddBackward0>"`` or ``"requires_grad=True"``.
    device_suffix: e.g. ``"device='cuda:0'"``; printed first, as in torch.
    """
    dtype_name = dtype_name.replace("torch.", "")
    if device_suffix == "device='meta'":   # no data: PyTorch prints the size instead
        sfx = [device_suffix, "size=" + str(tuple(np.shape(values)))]
        if dtype_name != "float32":
            sfx.append("dtype=torch." + dtype_name)
        return _add_suffixes(prefix + "...", sfx + list(suffixes), len(prefix))
    kind = _kind(dtype_name)
    a = np.asarray(values)
    # Exact conversions (ml_dtypes' bfloat16 included) to what torch's
    # .tolist()/.item() yield: Python floats/complex of the element values.
    if kind == "float":
        a = a.astype(np.float64)
    elif kind == "complex":
        a = a.astype(np.complex128)

    indent = len(prefix)
    sfx = [device_suffix] if device_suffix else []
    dtype_sfx = "dtype=torch." + dtype_name
    if a.size == 0:
        # Match NumPy: show the shape unless it is (0,); dtype unless float32.
        if a.ndim != 1:
            sfx.append("size=" + str(tuple(a.shape)))
        if dtype_name != "float32":
            sfx.append(dtype_sfx)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            sfx.append("size=" + str(tuple(a.shape)))
        if dtype_name not in _DEFAULT_DTYPES:
            sfx.append(dtype_sfx)
        body = _tensor_str(a, indent, kind)
    sfx.extend(suffixes)
    return _add_suffixes(prefix + body, sfx, indent)
