// Preloaded (node --import) by the float component build: componentize-js runs Wizer through
// jco's WASI shim, which needs directory access; give it the whole filesystem (build only).
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';

_setPreopens({ '/': '/' });
