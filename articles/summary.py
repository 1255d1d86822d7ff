""" "L'essentiel": a three-point extractive summary of an article, computed here, offline.

Extractive means the points are the article's own sentences, never rewritten: a summary
can say nothing the newsroom did not publish. The sentences are ranked with TextRank
(Mihalcea & Tarau, 2004): each sentence is a node, two sentences are linked by the words
they share (weighted against their lengths), and PageRank over that graph scores the
sentences the rest of the text leans on most. The best three are given in the order the
article tells them.

The text is split with a French sentence splitter of our own (below): it knows French
abbreviations (« M. », « Mme », « av. J.-C. »), initials, guillemets and non-breaking
spaces. Nothing is downloaded; no model is loaded.

What it summarises is decided elsewhere: `Article.refresh_derived_fields()` hands it the
public part (`Article.public_view`) and, for a gated piece, the full text, and stores one
summary of each; `subscriptions.access.reading_for()` decides which one a reader gets.
"""

import math
import re
import unicodedata
from html import unescape

from .rendering import plain_text

POINTS = 3
# Shorter sentences say too little to stand alone as a point; longer ones are lists or quotes run together.
MIN_WORDS, MAX_WORDS = 6, 70
DAMPING, ITERATIONS, TOLERANCE = 0.85, 100, 1e-6
# Two sentences sharing more than this part of their words say the same thing.
REPEAT = 0.6

# Abbreviations after which a full stop does not end a sentence (compared lower-cased, without the stop).
_ABBREVIATIONS_WORDS = """
    m mm mme mmes mlle mlles dr pr me mgr st ste gén gal col cdt lt sgt av apr env cf ex p pp vol chap art fig
    éd coll etc cie no n° tél bd hab min max sq vs dir trad jr sr
"""
ABBREVIATIONS = set(_ABBREVIATIONS_WORDS.split())

_STOPWORDS_WORDS = """
    a à afin ai aie aient aies ait alors as au aucun aucune aujourd aussi autre autres aux avaient avais avait
    avant avec avez aviez avions avoir avons ayant c ça car ce ceci cela celle celles celui cependant certains
    ces cet cette ceux chaque chez ci comme comment d dans de des deux donc dont du elle elles en encore entre
    es est et été étaient étais était étant êtes étions être eu eurent eut fait faire fois font furent fut hors
    ici il ils j je jusqu l la là le les leur leurs lors lorsque lui m ma mais me même mêmes mes moi moins mon
    n ne ni non nos notre nous on ont ou où par parce pas peu peut plus plusieurs pour pourquoi puis qu quand
    que quel quelle quelles quels qui quoi s sa sans se selon ses si sien son sont sous sur t ta tandis te tes
    toi ton tous tout toute toutes très tu un une vers voici voilà vos votre vous y
"""
STOPWORDS = set(_STOPWORDS_WORDS.split())

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# A possible sentence end: terminal punctuation, any closing quotes or brackets, then space.
_BOUNDARY = re.compile(r"([.!?…]+)([\s\u00a0\u202f]*[»”\"’)\]]*)\s+")
# What may open a sentence: a capital, a digit, an opening quote or a dash of dialogue.
_OPENER = re.compile(r"[«“\"(\[—–-]?\s*[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ0-9]")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


def split_sentences(text):
    """The sentences of a French text, in order, with their punctuation and quotes kept."""
    text = _SPACES.sub(" ", unescape(text or "")).strip()
    if not text:
        return []
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if not _OPENER.match(text, end):
            continue  # "… et puis" or "3. sur" goes on
        if match.group(1) == "." and _is_abbreviation(text[start : match.start()]):
            continue
        sentences.append(text[start:end].strip())
        start = end
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _is_abbreviation(before):
    """Whether the word before a full stop is an abbreviation or an initial ("J. Dupont", "J.-C.")."""
    word = before.rsplit(" ", 1)[-1].lstrip('«“"([—–-')
    if not word:
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    # Initials: a capital alone, or capitals joined by stops or hyphens ("J", "J.-C", "U.S").
    return bool(re.fullmatch(r"(?:[A-ZÀ-ÖØ-Þ][.-]{1,2})*[A-ZÀ-ÖØ-Þ]", word))


def _fold(word):
    """A word as compared between sentences: lower-case, no accents, no plural ending."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(char for char in word if not unicodedata.combining(char))
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    return word


def _terms(sentence):
    words = (word.lower().replace("’", "'") for word in _WORD.findall(sentence))
    # "l'État" counts as "état": drop the elided article or pronoun before the apostrophe.
    words = (word.split("'", 1)[-1] for word in words)
    return {_fold(word) for word in words if word not in STOPWORDS and len(word) > 2}


def _similarity(first, second):
    """TextRank's overlap: shared words over the log of the sentences' sizes."""
    shared = len(first & second)
    if not shared or len(first) < 2 or len(second) < 2:
        return 0.0
    return shared / (math.log(len(first)) + math.log(len(second)))


def rank(terms):
    """A TextRank score for each sentence, given each sentence's terms (PageRank over the
    weighted overlap graph; the graph is symmetric, so each node's links are listed once)."""
    count = len(terms)
    links = [[] for _ in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            weight = _similarity(terms[i], terms[j])
            if weight:
                links[i].append((j, weight))
                links[j].append((i, weight))
    totals = [sum(weight for _j, weight in node) for node in links]
    # What each neighbour passes on: its share of the edge's weight in all its edges.
    incoming = [[(j, weight / totals[j]) for j, weight in node] for node in links]
    scores = [1.0 / count] * count
    for _iteration in range(ITERATIONS):
        new = [
            (1 - DAMPING) / count + DAMPING * sum(share * scores[j] for j, share in incoming[i]) for i in range(count)
        ]
        converged = max(abs(a - b) for a, b in zip(new, scores, strict=True)) < TOLERANCE
        scores = new
        if converged:
            break
    return scores


def summarize(*, lead="", blocks=(), points=POINTS):
    """The `points` sentences that best sum up a text, in the text's order.

    `lead` is the standfirst and `blocks` the body's sanitized HTML blocks. Each paragraph
    is split on its own (a heading is no sentence; it never runs into the next paragraph).
    The standfirst takes part in the ranking, since the text leans on it, but is a point
    only when the body has too few sentences of its own: the page shows it just above.
    """
    lead_sentences = split_sentences(lead)
    body_sentences = []
    for block in blocks:
        if re.match(r"<h[1-6]", block):
            continue
        body_sentences += split_sentences(plain_text(block))
    sentences = lead_sentences + body_sentences
    if not sentences:
        return []
    terms = [_terms(sentence) for sentence in sentences]
    scores = rank(terms)

    def fits(index):
        return MIN_WORDS <= len(sentences[index].split()) <= MAX_WORDS

    body_indexes = [index for index in range(len(lead_sentences), len(sentences)) if fits(index)]
    candidates = body_indexes if len(body_indexes) >= points else [i for i in range(len(sentences)) if fits(i)]
    if not candidates:
        candidates = list(range(len(sentences)))
    chosen = []
    for index in sorted(candidates, key=lambda index: (-scores[index], index)):
        # A sentence saying again what a chosen point says is no new point.
        if not any(_overlap(terms[index], terms[other]) > REPEAT for other in chosen):
            chosen.append(index)
        if len(chosen) == points:
            break
    return [sentences[index] for index in sorted(chosen)]


def _overlap(first, second):
    if not first or not second:
        return 1.0 if first == second else 0.0
    return len(first & second) / len(first | second)


def clean_points(text, *, limit=POINTS + 2, length=400):
    """An editor's summary, one point per line: blank lines dropped, each point trimmed."""
    points = [_SPACES.sub(" ", line).strip(" -•*\t") for line in (text or "").splitlines()]
    return [point[:length] for point in points if point][:limit]
