import sys
from pathlib import Path

# Lets test modules import the shared helpers beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
