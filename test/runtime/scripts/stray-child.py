# Leaves a child behind that would outlive the script by a minute, holding its stdout open.
import subprocess
import sys

subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print("started")
