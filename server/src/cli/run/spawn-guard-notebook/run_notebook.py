"""Runs a notebook's code cells in a real Jupyter kernel (nbclient), for `spawn-guard run notebook.ipynb`.

The kernel inherits this process's environment, so spawn-guard's sitecustomize makes spawn its default
start method too. Cell outputs are written as a script's would be: streams and results to stdout, error
tracebacks to stderr. Exit status 1 when a cell raised, 0 otherwise.

Usage: python run_notebook.py NOTEBOOK
"""
import os
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def main(path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    folder = os.path.dirname(os.path.abspath(path))
    client = NotebookClient(notebook, timeout=None, allow_errors=True, resources={"metadata": {"path": folder}})
    client.execute()
    failed = False
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                (sys.stderr if output.get("name") == "stderr" else sys.stdout).write(output.get("text", ""))
            elif kind in ("execute_result", "display_data"):
                text = output.get("data", {}).get("text/plain")
                if text is not None:
                    sys.stdout.write(text + "\n")
            elif kind == "error":
                failed = True
                sys.stderr.write("Traceback (most recent call last):\n")
                sys.stderr.write(ANSI.sub("", "\n".join(output.get("traceback", []))) + "\n")
                sys.stderr.write(f"{output.get('ename')}: {output.get('evalue')}\n")
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
