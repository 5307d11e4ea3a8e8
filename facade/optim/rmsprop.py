"""torch.optim.RMSprop (alpha, eps, centered, momentum, weight decay, maximize)."""
from __future__ import annotations

from .. import _factory
from ..autograd import no_grad
from .optimizer import (Optimizer, _advance, _check_lr, _lr, _params_with_grad,
                        _step_tensor)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, PyTorch's update:

        v = alpha * v + (1 - alpha) * g * g;  (centered: a = lerp(a, g, 1 - alpha), v - a*a)
        avg = sqrt(v) + eps;  buf = momentum * buf + g / avg;  p -= lr * buf  (or lr * g/avg)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        self._steps_to_tensors()

    def step(self, closure=None):
        """One update of every parameter that has a gradient (recorded lazily)."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _lr(group)
                alpha, eps, wd = group["alpha"], group["eps"], group["weight_decay"]
                momentum, centered = group["momentum"], group["centered"]
                for p, grad in _params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(0.0)
                        state["square_avg"] = _factory.zeros_like(p)
                        if momentum > 0:
                            state["momentum_buffer"] = _factory.zeros_like(p)
                        if centered:
                            state["grad_avg"] = _factory.zeros_like(p)
                    if group["maximize"]:
                        grad = -grad
                    _advance(state)
                    if wd != 0:
                        grad = grad.add(p, alpha=wd)
                    square_avg = state["square_avg"]
                    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
                    if centered:
                        grad_avg = state["grad_avg"].lerp_(grad, 1 - alpha)
                        avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                    else:
                        avg = square_avg.sqrt()
                    avg = avg.add_(eps)
                    if momentum > 0:
                        buf = state["momentum_buffer"].mul_(momentum).addcdiv_(grad, avg)
                        p.add_(buf, alpha=-lr)
                    else:
                        p.addcdiv_(grad, avg, value=-lr)
        return loss
