"""spawn-guard run puts this folder first on PYTHONPATH; every interpreter of the run imports it at start-up.

It makes the start method named in SPAWN_GUARD_START_METHOD the default, the way macOS and Windows have
spawn as theirs, without editing the script. Children inherit PYTHONPATH and the environment, so they get
the same default. Only the default changes: a script's own set_start_method() or get_context("fork") still
wins, as it would on those platforms.

The default is set when multiprocessing.context is first imported (a sys.meta_path finder wraps its
exec_module), not by importing it here: that import would fix multiprocessing.process.ORIGINAL_DIR, the
folder that replaces '' on the children's sys.path, before the program (or a notebook's %cd) changes folder.

Then the sitecustomize this one hides (the next on sys.path, e.g. a virtual environment's or Debian's) runs
as it would without spawn-guard.
"""
import os
import sys

_TARGET = "multiprocessing.context"


def _set_default(context_module, method):
    context_module._default_context._default_context = context_module._concrete_contexts[method]


class _DefaultStartMethodFinder:
    """Finds nothing itself; wraps the loader of multiprocessing.context that the other finders find."""

    def __init__(self, method):
        self.method = method

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _TARGET:
            return None
        sys.meta_path.remove(self)  # once is enough, and the lookup below must not find this finder again
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(fullname, path, target) if find_spec else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return spec
        method = self.method

        def exec_module_then_set_default(module):
            exec_module(module)
            _set_default(module, method)

        loader.exec_module = exec_module_then_set_default
        return spec


def _install(method):
    if _TARGET in sys.modules:  # something imported it before site ran (a .pth file)
        _set_default(sys.modules[_TARGET], method)
    else:
        sys.meta_path.insert(0, _DefaultStartMethodFinder(method))


def _run_hidden_sitecustomize():
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.origin is None or os.path.abspath(spec.origin) == os.path.abspath(__file__):
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_method = os.environ.get("SPAWN_GUARD_START_METHOD")
if _method:
    _install(_method)
_run_hidden_sitecustomize()
