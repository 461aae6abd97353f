"""The packaged contract suite (doccontract.suite), run by the project's own pytest on the sandbox.

`doccontract check` runs the same tests; the plugin comes from tests/conftest.py.
"""

from doccontract.suite.test_contract import *  # noqa: F403
