"""facade's public tensor functions, for nn's modules: facade/__init__ binds `facade.cat`
and friends only after importing nn, so nn takes them from the op table directly."""
from .._ops.table import FUNCTIONS

cat = FUNCTIONS["cat"]
stack = FUNCTIONS["stack"]
sigmoid = FUNCTIONS["sigmoid"]
tanh = FUNCTIONS["tanh"]
clamp = FUNCTIONS["clamp"]
where = FUNCTIONS["where"]
log = FUNCTIONS["log"]
sqrt = FUNCTIONS["sqrt"]
