"""Record PyTorch's dtype promotion table into tests/golden/promotion.json.

Usage (needs torch; tests/test_dtype_promotion.py needs only numpy and facade):
    .venv/bin/python tests/tools/gen_promotion.py

For every op in OPS and every pair of dtypes in DTYPES, as (dimensioned tensor,
dimensioned tensor), (dimensioned tensor, 0-d tensor), (0-d tensor, dimensioned tensor)
and (dimensioned tensor, Python bool/int/float), it records the result's dtype and values,
or the exception's type and message. Each record names its operands, so the test rebuilds
them without this file: a tensor operand is [kind, dtype name] with kind "dim" (the values
DIM_VALUES) or "zero" (ZERO_VALUE); a scalar operand is ["scalar", value].
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "golden" / "promotion.json"

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64"]
OPS = ["add", "mul", "div", "floor_divide", "remainder", "pow", "maximum", "eq"]
SCALARS = [True, 3, 2.5]
DIM_VALUES = [1, 2, 3]      # nonzero, so integer division and remainder do not raise
ZERO_VALUE = 2


def operands():
    """Every (a, b) operand pair, as JSON-able descriptions."""
    for a in DTYPES:
        for b in DTYPES:
            yield ["dim", a], ["dim", b]
            yield ["dim", a], ["zero", b]
            yield ["zero", a], ["dim", b]
        for s in SCALARS:
            yield ["dim", a], ["scalar", s]


def make(torch, desc):
    kind, v = desc
    if kind == "scalar":
        return v
    dt = getattr(torch, v)
    if kind == "dim":
        return torch.tensor([bool(x) for x in DIM_VALUES] if v == "bool" else DIM_VALUES,
                            dtype=dt)
    return torch.tensor(bool(ZERO_VALUE) if v == "bool" else ZERO_VALUE, dtype=dt)


def run(torch, op, a, b):
    """One record: {"dtype", "values"} or {"error", "message"}."""
    try:
        r = getattr(torch, op)(make(torch, a), make(torch, b))
    except Exception as e:  # noqa: BLE001  (the exception is the result)
        return {"error": type(e).__name__, "message": str(e)}
    return {"dtype": str(r.dtype).replace("torch.", ""),
            "values": [float(x) for x in r.double().tolist()]}


def main():
    import torch
    records = []
    for op in OPS:
        for a, b in operands():
            rec = {"op": op, "a": a, "b": b}
            rec.update(run(torch, op, a, b))
            records.append(rec)
    head = json.dumps({"torch": torch.__version__, "dim_values": DIM_VALUES,
                       "zero_value": ZERO_VALUE})[:-1]
    body = ",\n".join(json.dumps(r) for r in records)   # one record a line: readable diffs
    OUT.write_text(f'{head}, "records": [\n{body}\n]}}\n')
    print(f"wrote {len(records)} records to {OUT}")


if __name__ == "__main__":
    main()
