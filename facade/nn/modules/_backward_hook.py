"""Module backward hooks (register_full_backward_hook / register_full_backward_pre_hook),
built on tensor hooks, as torch.utils.hooks.BackwardHook is built on a hook Function.

PyTorch routes a module's tensor inputs (and outputs) through one identity Function, so a
single autograd node sees all of their gradients at once. facade gets the same from a
tensor hook on one joined tensor: the tensors that require grad are flattened and
concatenated, and the module sees slices of the concatenation reshaped back. The gradient
of the joined tensor is then the concatenation of all their gradients, delivered to one
hook that may replace it. (A single tensor is routed through an identity view instead.)
"""
from __future__ import annotations

import warnings

from ..._factory import zeros_like
from ..._tensor import Tensor
from ...autograd import is_grad_enabled
from .._fns import cat

__all__ = ["BackwardHook"]


def _join(tensors, on_grads):
    """Route `tensors` (all requiring grad) through one node; on_grads(tuple of grads)
    -> None or a replacement tuple is called once with all their gradients. Returns the
    routed tensors (same shapes, values and dtypes)."""
    if len(tensors) == 1:
        (t,) = tensors
        routed = t.view_as(t)

        def hook(g):
            out = on_grads((g,))
            return None if out is None else out[0]
        routed.register_hook(hook)
        return [routed]
    first = tensors[0]
    if any(t.dtype != first.dtype or t.device != first.device for t in tensors):
        raise NotImplementedError(
            "facade: module backward hooks need the module's tensors that require grad to "
            "share one dtype and device")
    sizes = [t.numel() for t in tensors]
    shapes = [tuple(t.shape) for t in tensors]
    joined = cat([t.reshape(-1) for t in tensors])
    bounds = [0]
    for n in sizes:
        bounds.append(bounds[-1] + n)

    def hook(g):
        parts = tuple(g[a:b].reshape(s) for a, b, s in zip(bounds, bounds[1:], shapes))
        out = on_grads(parts)
        if out is None:
            return None
        return cat([o.reshape(-1) for o in out])
    joined.register_hook(hook)
    return [joined[a:b].view(s) for a, b, s in zip(bounds, bounds[1:], shapes)]


def _pack_with_none(indices, values, size):
    res = [None] * size
    for i, v in zip(indices, values):
        res[i] = v
    return tuple(res)


class BackwardHook:
    """One module call's backward hooks: setup_input_hook(args) before forward,
    setup_output_hook(result) after the forward hooks (PyTorch's order)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.module = module
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_tensors_index = None
        self.n_inputs = -1
        self.input_tensors_index = None

    def _apply_on_tensors(self, on_grads, args):
        """Route the tensors among args; on_grads(grads by tensor, None where a tensor does
        not require grad) -> None or replacements. Returns (new args, tensor positions)."""
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in idx]
        if not (any(t.requires_grad for t in tensors) and is_grad_enabled()):
            return args, None
        grad_pos = [k for k, t in enumerate(tensors) if t.requires_grad]

        def hook(grads):
            # the tensors that do not require grad get zeros, as PyTorch's hook Function
            # materializes them
            full = [zeros_like(t) for t in tensors]
            for k, g in zip(grad_pos, grads):
                full[k] = g
            out = on_grads(tuple(full))
            if out is None:
                return None
            # a None gradient returned by a hook: zeros (facade cannot cut the graph there)
            return tuple(zeros_like(tensors[k]) if out[k] is None else out[k] for k in grad_pos)
        routed = _join([tensors[k] for k in grad_pos], hook)
        new = list(args)
        for k, r in zip(grad_pos, routed):
            new[idx[k]] = r
        return (tuple(new) if type(args) is tuple else type(args)(*new)), idx

    def setup_input_hook(self, args):
        def on_grads(grad_input):
            if self.grad_outputs is None:
                return None
            res = _pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
            for hook in self.user_hooks:
                out = hook(self.module, res, self.grad_outputs)
                if out is None:
                    continue
                if len(out) != len(res):
                    raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                       f"got {len(out)}, but expected {len(res)}")
                res = out
            self.grad_outputs = None
            return tuple(res[i] for i in self.input_tensors_index)
        res, idx = self._apply_on_tensors(on_grads, args)
        self.n_inputs = len(args)
        self.input_tensors_index = idx
        return res

    def setup_output_hook(self, result):
        def on_grads(grad_output):
            self.grad_outputs = _pack_with_none(self.output_tensors_index, grad_output,
                                                self.n_outputs)
            if self.user_pre_hooks:
                expected = len(self.grad_outputs)
                for pre in self.user_pre_hooks:
                    out = pre(self.module, self.grad_outputs)
                    if out is None:
                        continue
                    if len(out) != expected:
                        raise RuntimeError("Backward pre hook returned an invalid number of "
                                           f"grad_output, got {len(out)}, but expected {expected}")
                    self.grad_outputs = out
            local = self.grad_outputs
            if self.input_tensors_index is None:
                warnings.warn(
                    "Full backward hook is firing when gradients are computed with respect to "
                    "module outputs since no inputs require gradients. See "
                    "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn."
                    "Module.register_full_backward_hook for more details.", stacklevel=5)
                grad_inputs = _pack_with_none([], [], self.n_inputs)
                for hook in self.user_hooks:
                    res = hook(self.module, grad_inputs, self.grad_outputs)
                    if res is not None and not (isinstance(res, tuple)
                                                and all(r is None for r in res)):
                        raise RuntimeError("Backward hook for Modules where no input requires "
                                           "gradient should always return None or None for all "
                                           "gradients.")
                self.grad_outputs = None
            return tuple(local[i] for i in self.output_tensors_index)
        is_tuple = isinstance(result, tuple)
        args = result if is_tuple else (result,)
        res, idx = self._apply_on_tensors(on_grads, args)
        self.n_outputs = len(args)
        self.output_tensors_index = idx
        return res if is_tuple else res[0]
