"""The contract suite, shipped in the package: a pytest plugin run by ``doccontract check``.

``operations`` reads what each contract documents, ``target`` sends requests (sandbox or live),
``checks`` are the small named checks, ``cases`` the probes and generated cases, ``plugin`` ties
them into pytest, and ``test_contract`` holds the tests themselves.
"""
