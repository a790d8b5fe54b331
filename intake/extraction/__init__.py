"""The intake's reading of articles: which facts an article reports, on which sentence, with which date."""
