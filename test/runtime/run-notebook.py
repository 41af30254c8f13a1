"""Runs a notebook in a real Jupyter kernel (nbclient) and prints what its cells printed.

stdout streams go to stdout, stderr streams and errors to stderr; a cell that runs longer than the
time-out ends the run with exit status 124. The kernel inherits the environment (PYTHONPATH with the
runtime tests' sitecustomize, SPAWN_GUARD_START_METHOD), so spawn is its default start method.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def main():
    path, timeout = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    notebook = nbformat.read(path, as_version=4)
    # The kernel starts in the working directory: `%%writefile` modules go there, and children find them.
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": "."}}
    )
    # The kernel (and the children it starts) write to /dev/null: what the cells show, children's
    # output included (ipykernel captures it), is in the cells' outputs, written below in cell order.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    err = os.fdopen(os.dup(2), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    status = 0
    try:
        client.execute()
    except CellTimeoutError:
        status = 124
    except CellExecutionError:
        status = 1
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                (out if output.name == "stdout" else err).write(output.text)
            elif output.output_type == "error":
                status = status or 1
                err.write(f"{output.ename}: {output.evalue}\n")
            elif output.output_type in ("execute_result", "display_data"):
                out.write(output.get("data", {}).get("text/plain", "") + "\n")
    if status == 124:
        err.write("timed out: a cell ran longer than %d s\n" % timeout)
    out.flush()
    err.flush()
    sys.exit(status)


main()
