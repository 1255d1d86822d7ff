"""Markdown whose cost a stranger cannot choose: linear time and bounded depth.

Python-Markdown looks for the end of every `[` by scanning forward (for the closing
bracket, then for the link's parenthesis or reference), so a text of unmatched brackets
costs time in the square of its length: 5,000 `[` took over five seconds. Nested blocks
(`1. 1. 1. …`, `> > > …`, deeper and deeper indentation) are parsed by recursion, and a
few hundred levels raise a RecursionError. `Limits` bounds both, for any Markdown
instance it is added to (comments and article bodies):

- a link's text, address or reference id is looked for within `MAX_LINK_SPAN`
  characters, and all link patterns together scan at most `LINK_SCAN_BUDGET` characters
  per document: past that, brackets stay plain text;
- blocks nest at most `MAX_DEPTH` deep: deeper text is kept, as a plain paragraph.

Nothing an honest writer types comes near these bounds; what goes past them is shown, not
formatted, and never lost.
"""

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor, ReferenceInlineProcessor
from markdown.preprocessors import Preprocessor

MAX_LINK_SPAN = 1_000
LINK_SCAN_BUDGET = 100_000
MAX_DEPTH = 16  # nested parsing calls: about eight levels of quotes or lists


class Limits(Extension):
    """Add it last, after the extensions whose patterns it bounds."""

    def extendMarkdown(self, md):
        self.budget = LINK_SCAN_BUDGET
        self.depth = 0
        md.preprocessors.register(_NewDocument(md, limits=self), "limits_new_document", 1000)
        self._bound_depth(md.parser)
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = self._bounded_scan(processor.getText)
                processor.getLink = self._bounded_scan(processor.getLink)
            if isinstance(processor, ReferenceInlineProcessor):
                processor.evalId = self._bounded_scan(processor.evalId)

    def _bounded_scan(self, scan):
        """`scan(data, index, …)` looks forward from `index` and returns (…, end, handled):
        run it on a window of the text only, and count what it read against the budget."""

        def bounded(data, index, *args):
            window = max(0, min(MAX_LINK_SPAN, self.budget))
            *found, end, handled = scan(data[index : index + window], 0, *args)
            if not window:
                return (*found, index, False)
            self.budget -= max(end, 1)
            return (*found, index + end, handled)

        return bounded

    def _bound_depth(self, parser):
        """Every nested block (a list item, a quote) is parsed by a call to `parseBlocks`
        from within another: past `MAX_DEPTH` of them, the rest is one plain paragraph."""
        parse_blocks = parser.parseBlocks

        def bounded(parent, blocks):
            if self.depth >= MAX_DEPTH:
                paragraph = etree.SubElement(parent, "p")
                paragraph.text = "\n\n".join(blocks)
                blocks.clear()
                return
            self.depth += 1
            try:
                parse_blocks(parent, blocks)
            finally:
                self.depth -= 1

        parser.parseBlocks = bounded


class _NewDocument(Preprocessor):
    """Each conversion starts with the whole budget."""

    def __init__(self, md, *, limits):
        super().__init__(md)
        self.limits = limits

    def run(self, lines):
        self.limits.budget = LINK_SCAN_BUDGET
        self.limits.depth = 0
        return lines
