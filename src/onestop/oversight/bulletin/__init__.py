"""月通报: the monthly bulletin's figures (``figures``) and its renderings — .docx (``word``), .xlsx
(``excel``), PDF with an embedded Chinese TrueType font (``pdf``), charts drawn by matplotlib with an
explicit CJK font (``charts``; the font is found by ``fonts``). Pure: the figures come in as values, read from
the database by ``onestop.actions.oversight``.
"""

from onestop.oversight.bulletin.figures import Bulletin, Topic, TypicalCase, UnitLine, assemble

__all__ = ["Bulletin", "Topic", "TypicalCase", "UnitLine", "assemble"]
