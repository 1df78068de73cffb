"""`pulumi up` entry point (Pulumi.yaml: ``main: infra/``). Everything happens in lightsail_guard_infra."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The program's own package (infra/) and the Lambda code (functions/), which holds the configuration
# model and the workflow definition the program deploys: importable without installing the project.
for folder in (HERE, HERE.parent / "functions"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from lightsail_guard_infra.program import main  # noqa: E402

main()
