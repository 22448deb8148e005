"""The core: one article in, one checked, source-grounded ``Brief`` out.

``pipeline.Briefer`` asks the model (through ``backends``) for a survey of the article's
incidents and the details of each, each answer through ``client`` and the answer
``cache``; ``assembly``, ``checks`` and ``responsibility`` decide what of the answers
stands, ``grounding`` finds every quote in the article, ``wording`` writes the sentences
people read. Nothing here prints, writes files or knows about output formats.
"""

from .pipeline import Briefer, brief_article

__all__ = ["Briefer", "brief_article"]
