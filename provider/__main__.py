"""Entry point the Pulumi CLI runs (`python provider/ <engine address>`): serve every component over gRPC."""

import sys
from pathlib import Path

if __name__ == "__main__":
    # The CLI puts provider/ first on sys.path; this plugin imports from the repository root instead.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    from provider.package import serve

    serve()
