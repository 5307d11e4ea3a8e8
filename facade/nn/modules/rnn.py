"""RNN, LSTM, GRU: multi-layer, batch_first, bidirectional, LSTM proj_size.

Written as a Python loop over time steps of facade ops (matmul, sigmoid, tanh), so the
whole sequence is recorded lazily and runs as one program; the input projection of every
step is one matmul per layer and direction. Parameter names, shapes, gate order (LSTM:
i, f, g, o; GRU: r, z, n) and initialisation are PyTorch's, so state dicts interchange.
"""
from __future__ import annotations

import math
import numbers
import warnings

from ... import _factory as Fac
from .._fns import cat, sigmoid, stack, tanh
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]


class RNNBase(Module):
    """The parameters and the layer/direction loop shared by RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gate_size = {"LSTM": 4, "GRU": 3}.get(mode, 1) * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_in = input_size if layer == 0 else real_hidden * num_directions
                shapes = [(gate_size, layer_in), (gate_size, real_hidden)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append("weight_hr_l{}{}")
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(Fac.empty(shape, dtype=dtype, device=device)))
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    @property
    def all_weights(self):
        return [[getattr(self, w) for w in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op (there is no cuDNN weight buffer to compact)."""

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------ shared forward machinery
    def _check_input(self, input):
        if input.size(-1) != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def _expected_hidden(self, input, hidden):
        batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), batch, hidden)

    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _run(self, input, states):
        """input: (L, N, I) sequence-first; states: a tuple of (layers*dirs, N, *) initial
        states. Returns the output (L, N, D*H) and the tuple of final states.

        `input` must be contiguous: facade's matmul folds a 3-d input with `view`, which
        fails on a transposed one (PyTorch's reshapes)."""
        num_directions = 2 if self.bidirectional else 1
        finals = [[] for _ in states]
        x = input
        seq_len = x.shape[0]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(num_directions):
                idx = layer * num_directions + direction
                weights = [getattr(self, n) for n in self._all_weights[idx]]
                w_ih, w_hh = weights[0], weights[1]
                b_ih, b_hh = (weights[2], weights[3]) if self.bias else (None, None)
                w_hr = weights[-1] if self.proj_size > 0 else None
                xw = F.linear(x, w_ih, b_ih)          # every step's input projection at once
                state = tuple(s[idx] for s in states)
                steps = range(seq_len - 1, -1, -1) if direction == 1 else range(seq_len)
                ys = []
                for t in steps:
                    state = self._cell(xw[t], state, w_hh, b_hh, w_hr)
                    ys.append(state[0])
                if direction == 1:
                    ys.reverse()
                outs.append(stack(ys))
                for f, s in zip(finals, state):
                    f.append(s)
            x = outs[0] if num_directions == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, tuple(stack(f) for f in finals)

    def _forward(self, input, hx):
        """Shared by RNN and GRU (one state tensor)."""
        if input.dim() not in (2, 3):
            if self.mode.startswith("RNN"):
                raise ValueError(f"RNN: Expected input to be 2D or 3D, got {input.dim()}D tensor "
                                 "instead")
            raise ValueError(f"{self.mode}: Expected input to be 2D or 3D, got {input.dim()}D "
                             "instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError("For unbatched 2-D input, hx should also be 2-D but got "
                                       f"{hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError("For batched 3-D input, hx should also be 3-D but got "
                               f"{hx.dim()}-D tensor")
        self._check_input(input)
        expected = self._expected_hidden(input, self.hidden_size)
        if hx is None:
            hx = Fac.zeros(expected, dtype=input.dtype, device=input.device)
        self._check_hidden(hx, expected)
        if self.batch_first:
            input = input.transpose(0, 1).contiguous()   # (see _run)
        out, (h,) = self._run(input, (hx,))
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            out, h = out.squeeze(batch_dim), h.squeeze(1)
        return out, h


class RNN(RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.

    forward(input, hx=None) -> (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype=dtype, device=device)

    def _cell(self, xw, state, w_hh, b_hh, w_hr):
        pre = xw + F.linear(state[0], w_hh, b_hh)
        return (tanh(pre) if self.nonlinearity == "tanh" else F.relu(pre),)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory; gates i, f, g, o in that order in the weights.

    forward(input, (h_0, c_0)=None) -> (output, (h_n, c_n)). With proj_size > 0 the hidden
    state is projected by weight_hr to proj_size."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, dtype=dtype, device=device)

    def _cell(self, xw, state, w_hh, b_hh, w_hr):
        h, c = state
        H = self.hidden_size
        gates = xw + F.linear(h, w_hh, b_hh)
        i = sigmoid(gates[..., :H])
        f = sigmoid(gates[..., H:2 * H])
        g = tanh(gates[..., 2 * H:3 * H])
        o = sigmoid(gates[..., 3 * H:])
        c = f * c + i * g
        h = o * tanh(c)
        if w_hr is not None:
            h = F.linear(h, w_hr)
        return h, c

    def forward(self, input, hx=None):
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx[0].dim() != 2 or hx[1].dim() != 2:
                    raise RuntimeError(
                        "For unbatched 2-D input, hx and cx should also be 2-D but got "
                        f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        elif hx is not None and (hx[0].dim() != 3 or hx[1].dim() != 3):
            raise RuntimeError("For batched 3-D input, hx and cx should also be 3-D but got "
                               f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
        self._check_input(input)
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        exp_h = self._expected_hidden(input, real_hidden)
        exp_c = self._expected_hidden(input, self.hidden_size)
        if hx is None:
            hx = (Fac.zeros(exp_h, dtype=input.dtype, device=input.device),
                  Fac.zeros(exp_c, dtype=input.dtype, device=input.device))
        self._check_hidden(hx[0], exp_h, "Expected hidden[0] size {}, got {}")
        self._check_hidden(hx[1], exp_c, "Expected hidden[1] size {}, got {}")
        if self.batch_first:
            input = input.transpose(0, 1).contiguous()   # (see _run)
        out, (h, c) = self._run(input, tuple(hx))
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            out, h, c = out.squeeze(batch_dim), h.squeeze(1), c.squeeze(1)
        return out, (h, c)


class GRU(RNNBase):
    """Gated recurrent unit; gates r, z, n in that order in the weights:
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.

    forward(input, hx=None) -> (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype=dtype, device=device)

    def _cell(self, xw, state, w_hh, b_hh, w_hr):
        h = state[0]
        H = self.hidden_size
        gh = F.linear(h, w_hh, b_hh)
        r = sigmoid(xw[..., :H] + gh[..., :H])
        z = sigmoid(xw[..., H:2 * H] + gh[..., H:2 * H])
        n = tanh(xw[..., 2 * H:] + r * gh[..., 2 * H:])
        return ((1 - z) * n + z * h,)

    def forward(self, input, hx=None):
        return self._forward(input, hx)
