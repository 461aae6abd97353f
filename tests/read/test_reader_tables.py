"""Parameter tables the export cut apart (issue 10, item 3)."""

from __future__ import annotations

from doccontract.read.markdown import read_markdown
from doccontract.read.model import Paragraph, Table

CUT = """# T

## Parameters

Name| Type| Mandatory| Description
---|---|---|---
symbol| STRING| YES|
cancelOrigClientOrderId| STRING| NO| Either `cancelOrderId` or `cancelOrigClientOrderId` must be sent.
  
If both are provided, `cancelOrderId` is searched first.
  
Then the result is checked.
  
If both conditions are not met the request will be rejected.
cancelOrderId| LONG| NO| Either one must be sent.
  
If both are provided, `cancelOrderId` is searched first.
  
If both conditions are not met the request will be rejected.
newClientOrderId| STRING| NO| Used to identify the new order.
"""


def test_rows_after_several_cut_off_continuation_paragraphs_still_belong_to_the_table():
    doc = read_markdown(CUT, "en")
    blocks = doc.sections[0].blocks
    [table] = [b for b in blocks if isinstance(b, Table)]
    assert [r[0] for r in table.rows] == ["symbol", "cancelOrigClientOrderId", "cancelOrderId", "newClientOrderId"]
    assert all("|" not in b.text for b in blocks if isinstance(b, Paragraph))


def test_a_table_far_above_is_not_continued_by_a_later_table_like_line():
    prose = "\n\n".join(f"Paragraph {i} of prose." for i in range(12))
    doc = read_markdown(f"# T\n\n## P\n\nName| Type\n---|---\na| STRING\n\n{prose}\n\nb| LONG\n", "en")
    [table] = [b for b in doc.sections[0].blocks if isinstance(b, Table)]
    assert [r[0] for r in table.rows] == ["a"]
