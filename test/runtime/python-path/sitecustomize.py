"""Imported at start-up by every interpreter the runtime tests launch (this folder is on PYTHONPATH).

Makes the start method named in SPAWN_GUARD_START_METHOD the default without editing the script under
test. Spawned children inherit PYTHONPATH and the environment, so they get the same default. Only the
default changes: a script's own set_start_method() or get_context("fork") still wins, as it would on a
platform where that method is the default.
"""
import os

_method = os.environ.get("SPAWN_GUARD_START_METHOD")
if _method:
    import multiprocessing.context as _context

    _context._default_context._default_context = _context._concrete_contexts[_method]
