"""float workload, the second Wasm build, a componentize-py *function* component for in-process hosts.

World faasmark:workload/function (workloads/float/function.wit): `export run: func(input:
string) -> string` (result JSON, or {"error": ...}). Built with --stub-wasi, so the component
imports nothing and jco's transpiled glue needs no WASI shim (docs/workloads.md "float"):

    componentize-py -d function.wit -w function componentize float_fn --stub-wasi -o float-fn.wasm
"""

import wit_world
from float_kernel import handle_float


class WitWorld(wit_world.WitWorld):
    def run(self, input: str) -> str:
        return handle_float(input)[1]
