"""torch.optim.Adagrad (lr_decay, weight decay, initial_accumulator_value, maximize)."""
from __future__ import annotations

from .. import _factory
from ..autograd import no_grad
from .optimizer import (Optimizer, _advance, _check_fused, _check_lr, _lr, _params_with_grad,
                        _step_tensor)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, PyTorch's update:

        t += 1;  clr = lr / (1 + (t - 1) * lr_decay);  sum += g * g
        p -= clr * g / (sqrt(sum) + eps)

    The state (step, sum) is created for every parameter at construction, as PyTorch's.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        _check_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _step_tensor(0.0)
                state["sum"] = _factory.full_like(p, initial_accumulator_value)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        self._steps_to_tensors()

    def step(self, closure=None):
        """One update of every parameter that has a gradient (recorded lazily)."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _lr(group)
                lr_decay, eps, wd = group["lr_decay"], group["eps"], group["weight_decay"]
                for p, grad in _params_with_grad(group):
                    state = self.state[p]
                    t = _advance(state)
                    if group["maximize"]:
                        grad = -grad
                    if wd != 0:
                        grad = grad.add(p, alpha=wd)
                    clr = lr / (1 + (t - 1) * lr_decay)
                    state_sum = state["sum"].addcmul_(grad, grad, value=1)
                    std = state_sum.sqrt().add_(eps)
                    p.addcdiv_(grad, std, value=-clr)
        return loss
