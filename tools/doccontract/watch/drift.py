"""Doc drift: what changed between two versions of a page, and whether it breaks clients.

The rooms: :mod:`.changes` (the change model and classes), :mod:`.tree` (contract and tree diff),
:mod:`.prose` (the text beside the contract), :mod:`.report` (drift.json/.md/JUnit),
:mod:`.waivers` and :mod:`.run` (the live run).  This module names their public parts in one place.
"""

from __future__ import annotations

from ..usage import UsageError
from .changes import CLASSES, EXIT, WHY_BREAKING, Change, ContractDrift, exit_code, fingerprint, wording
from .prose import code_comments, code_shape, describe_text_changes, diff_other_page, match_sections
from .report import MARKDOWN_BUDGET, REPORT_SCHEMA, focus, report_json, report_junit, report_markdown, write_reports
from .run import DriftRun, owned, run_drift, spec_and_contract
from .tree import PageReader, contract_ids, diff_contract, diff_trees, page_reader
from .waivers import Waiver, apply_waivers, load_waivers

__all__ = [
    "CLASSES",
    "EXIT",
    "MARKDOWN_BUDGET",
    "REPORT_SCHEMA",
    "WHY_BREAKING",
    "Change",
    "ContractDrift",
    "DriftRun",
    "PageReader",
    "UsageError",
    "Waiver",
    "apply_waivers",
    "code_comments",
    "code_shape",
    "contract_ids",
    "describe_text_changes",
    "diff_contract",
    "diff_other_page",
    "diff_trees",
    "exit_code",
    "fingerprint",
    "focus",
    "load_waivers",
    "match_sections",
    "owned",
    "page_reader",
    "report_json",
    "report_junit",
    "report_markdown",
    "run_drift",
    "spec_and_contract",
    "wording",
    "write_reports",
]
