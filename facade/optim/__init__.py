"""torch.optim: optimizers written in facade's own tensor API (see optimizer.py).

    >>> opt = facade.optim.Adam(model.parameters(), lr=1e-3)
    >>> loss.backward(); opt.step(); opt.zero_grad()

`step()` records the updates lazily under no_grad: they run inside the next compiled
program, for all parameters at once; learning rates and bias corrections are program
arguments, so schedules recompile nothing.
"""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
