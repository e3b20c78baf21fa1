"""float workload, Python edition: pyperformance's "float" benchmark kernel.

Point(i): x = sin(i), y = cos(i) * 3, z = x * x / 2; every point is normalised (divided by
its Euclidean norm), then the list is folded with the component-wise maximum. Result JSON:
{"n": n, "x": ..., "y": ..., "z": ...} with numbers laid out as JavaScript prints them (the
format of the earlier TypeScript kernel, so old results stay comparable).

One source for three front ends (docs/workloads.md "float"): action_server.py (native
CPython), float_app.py (componentize-py wasi:http component) and float_fn.py (function
component for V8). Standard library only (math, json); no I/O here.
"""

import json
from math import cos, sin, sqrt

MAX_POINTS = 10_000_000  # CAPS.floatPoints in workloads/float/inputs.ts
DEFAULT_POINTS = 100_000


class Point:
    # plain attributes (no __slots__), as the pyperformance benchmark has it: the object
    # allocation and attribute dict traffic is part of what the benchmark measures
    def __init__(self, i):
        self.x = x = sin(i)
        self.y = cos(i) * 3
        self.z = (x * x) / 2

    def normalize(self):
        x = self.x
        y = self.y
        z = self.z
        norm = sqrt(x * x + y * y + z * z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def maximize(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


def float_kernel(n):
    """Run the kernel over n points; returns the component-wise maximum Point."""
    points = [None] * n
    for i in range(n):
        points[i] = Point(i)
    for p in points:
        p.normalize()
    best = points[0]
    for p in points[1:]:
        best = best.maximize(p)
    return best


# --------------------------------------------------------------------------- JSON output


def js_number(value):
    """A number formatted exactly as JavaScript's Number::toString (what JSON.stringify prints).

    Python's repr and JS both print the shortest round-trip digit string; they differ only
    in layout (1.0 vs 1, 1e-05 vs 0.00001, 1e+16 vs 10000000000000000). Non-finite → "null".
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) < 10**21:
            return str(value)
        value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        return "null"
    if value == 0:
        return "0"  # JSON.stringify(-0) is "0" too
    head = "-" if value < 0 else ""
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # value = 0.<digits> × 10^point (leading zeros of e.g. "0.001" shift the point left)
    point = len(whole) + int(exp or 0) - (len(whole + frac) - len(digits))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return head + digits + "0" * (point - k)
    if 0 < point <= 21:
        return head + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return head + "0." + "0" * (-point) + digits
    e = point - 1
    mant = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{head}{mant}e{'+' if e >= 0 else '-'}{abs(e)}"


def js_stringify(value):
    """JSON.stringify-like text for error messages (compact, JS number layout)."""
    if isinstance(value, (bool, int, float)) or value is None:
        return "null" if value is None else js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(js_stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + js_stringify(v) for k, v in value.items()) + "}"
    return json.dumps(str(value))


def result_json(n, p):
    return f'{{"n":{n},"x":{js_number(p.x)},"y":{js_number(p.y)},"z":{js_number(p.z)}}}'


def error_json(message):
    return json.dumps({"error": message}, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- input


class InputError(ValueError):
    pass


def _reject_constant(name):
    # JSON.parse rejects NaN / Infinity / -Infinity; Python's json accepts them by default
    raise ValueError(f"unexpected token {name}")


def parse_json(text):
    """JSON text → value with JSON.parse's number rules (no NaN/Infinity literals)."""
    return json.loads(text, parse_constant=_reject_constant)


def parse_float_input(body):
    """Input JSON text (empty = defaults) → n, or InputError with the field, rule and value."""
    value = {}
    if body.strip() != "":
        try:
            value = parse_json(body)
        except ValueError as err:  # json.JSONDecodeError is a ValueError
            raise InputError(f"invalid JSON: {err}") from None
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise InputError("float input must be a JSON object")
    for key in value:
        if key != "n":
            raise InputError(f'float input has unknown field "{key}"; known fields: n')
    n = value.get("n")
    if n is None:
        n = DEFAULT_POINTS
    ok = False
    if isinstance(n, int) and not isinstance(n, bool):
        ok = 1 <= n <= MAX_POINTS
    elif isinstance(n, float) and n == n and n not in (float("inf"), float("-inf")) and n.is_integer():
        ok = 1 <= n <= MAX_POINTS  # JSON 1e5 / 100000.0 is an integer in JS
        n_int = int(n)
    if not ok:
        raise InputError(f'float input field "n" must be an integer in [1, {MAX_POINTS}], got {js_stringify(n)}')
    return n if isinstance(n, int) else n_int


def handle_float(body):
    """One invocation: input JSON text → (status, result JSON text); 502 + {"error"} on failure."""
    try:
        n = parse_float_input(body)
    except InputError as err:
        return 502, error_json(str(err))
    try:
        return 200, result_json(n, float_kernel(n))
    except Exception as err:  # noqa: BLE001 - a kernel failure is reported, never raised
        return 502, error_json(f"{type(err).__name__}: {err}")
