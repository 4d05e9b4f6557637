"""`python -m policies check ...` (from a checkout) or `python -m awsinaction_policies check ...` (installed)."""

import os
import sys

from .cli import main

if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the Pulumi runtime's event loop, collected there after a refused
    # config, may print "Exception ignored ..." lines that would break the one-line error promise.
    os._exit(code)
