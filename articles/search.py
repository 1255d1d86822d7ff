"""Full-text search of the catalogue: `search_articles()`, the same on PostgreSQL and SQLite.

French words match by their stem with accents folded, so "election" finds "Élections"
and "présidentielle" finds "présidentielles":

- PostgreSQL: the text search configuration `newsreader_french` (migration 0006) runs
  `unaccent` before the French Snowball stemmer. Each article's `SearchEntry` keeps two
  weighted vectors (title A, kicker and standfirst B, body C), one of its public text and
  one of its full text, each with a GIN index. Queries go through `websearch_to_tsquery`
  (quotes, `-mot`, `or`), rank with `ts_rank`, quote with `ts_headline`; when nothing
  matches, a trigram index on the titles suggests what the reader may have meant.
- SQLite: an FTS5 table holds the same texts as words folded and stemmed here in Python
  (`words()`: PostgreSQL's steps in its order, its French stop words, the same Snowball
  stemmer), and the reader's query is parsed here with the same websearch syntax.

The vectors are written by `index_articles()` on every save that changes the text, not
by a generated column: the public text is cut in Python (`Article.public_view`, the one
rule of what a piece shows to everyone), which no SQL expression could repeat, and a
generated column could not call `unaccent` (not immutable) without a wrapper that lies.

Gating: the caller says which pieces this reader reads in full (`reads_in_full`, decided
by `subscriptions.access`); every other piece matches, ranks and is quoted on its public
text alone. Only published articles are ever searched.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import snowballstemmer
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, Case, F, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, SearchEntry
from .rendering import plain_text

CONFIG = "newsreader_french"
FTS_TABLE = "articles_search_fts"
RELEVANCE, NEWEST = "relevance", "date"
SNIPPET_WORDS = 40
# Marks around the matched words in a snippet, chosen so that no article contains them: the
# snippet is escaped whole, then they become <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"
CANDIDATES = 500  # a question is answered from at most this many of its newest matches
SUGGESTION_SIMILARITY = 0.6  # word similarity of a title to a mistyped query (pg_trgm's default threshold)
SUGGESTION_TITLES_SQLITE = 5000  # SQLite compares the query with this many of the newest titles

# PostgreSQL's french.stop (the Snowball project's list). PostgreSQL looks a word up in it
# after `unaccent`, so accented entries ("été", "à") never match there; nor do they here.
STOP_WORDS = frozenset(
    """au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi mon ne
    nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
    c d j l à m n s t y été étée étées étés étant étante étants étantes suis es est sommes êtes sont serai
    seras sera serons serez seront serais serait serions seriez seraient étais était étions étiez étaient
    fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant
    ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais
    aurait aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait
    ayons ayez aient eusse eusses eût eussions eussiez eussent""".split()  # noqa: SIM905 (the file, verbatim)
)
WORD = re.compile(r"\w+")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_stemmer = snowballstemmer.stemmer("french")
_stemmer_lock = threading.Lock()  # a Snowball stemmer keeps its word in itself: one at a time


def fold(text):
    """Lower case without accents, as `unaccent` leaves it ("Œuvre Élue" → "oeuvre elue")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def normalize(token):
    """One word as both databases index it: folded, then stemmed; "" for a stop word."""
    folded = fold(token)
    if folded in STOP_WORDS:
        return ""
    if any(char.isdigit() for char in folded):
        return folded  # numbers and words with digits ("1er", "14h30") are kept whole
    with _stemmer_lock:
        return _stemmer.stemWord(folded)


def words(text):
    """The indexed words of a text, in order, stop words left out."""
    return [word for word in map(normalize, WORD.findall(text)) if word]


# The reader's query -----------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    words: tuple  # one word, or a phrase
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A query in PostgreSQL's websearch syntax: words, "phrases", -exclusions, `or`.

    `groups` are alternatives (`or`), each a list of clauses that must all hold.
    """

    text: str
    groups: tuple

    @property
    def is_searchable(self):
        """At least one word to look for (a query of stop words or operators only has none)."""
        return any(not clause.negated for group in self.groups for clause in group)

    @property
    def highlighted(self):
        return frozenset(
            word for group in self.groups for clause in group if not clause.negated for word in clause.words
        )


QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def parse_query(text):
    groups, group, pending_or = [], [], False
    for quoted_negation, quoted, negation, bare in QUERY_TOKEN.findall(text):
        if bare and bare.lower() == "or" and not negation:
            pending_or = bool(group)
            continue
        phrase = tuple(words(quoted if quoted_negation or quoted else bare))
        if not phrase:
            continue
        if pending_or:
            groups.append(tuple(group))
            group, pending_or = [], False
        group.append(Clause(words=phrase, negated=bool(quoted_negation or negation)))
    if group:
        groups.append(tuple(group))
    return ParsedQuery(text=text, groups=tuple(groups))


# Keeping the index current --------------------------------------------------------------


def _entry_fields(article):
    return {
        "public_body": plain_text(" ".join(article.public_view.teaser_blocks)),
        "full_body": plain_text(article.body_html),
        "published_at": article.published_at if article.status == Article.Status.PUBLISHED else None,
        "access": article.access,
        "section_id": article.section_id,
        "source_id": article.source_id,
    }


ENTRY_FIELDS = ["public_body", "full_body", "published_at", "access", "section_id", "source_id"]


def index_articles(articles):
    """Write the search entries of these articles: after each save that changes their text
    (`Article.save()`), or for the whole archive (`manage.py search_reindex`)."""
    articles = [article for article in articles if article.pk]
    if not articles:
        return
    entries = [SearchEntry(article_id=article.pk, **_entry_fields(article)) for article in articles]
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["article"], update_fields=ENTRY_FIELDS
    )
    ids = [article.pk for article in articles]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_VECTORS_SQL, [ids])
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join(['%s'] * len(ids))})", ids)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, lead, public_body, full_body) VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        entry.article_id,
                        " ".join(words(article.title)),
                        " ".join(words(f"{article.kicker} {article.standfirst}")),
                        " ".join(words(entry.public_body)),
                        " ".join(words(entry.full_body)),
                    )
                    for article, entry in zip(articles, entries, strict=True)
                ],
            )


def _vector(body):
    return (
        f"setweight(to_tsvector('{CONFIG}', article.title), 'A')"
        f" || setweight(to_tsvector('{CONFIG}', article.kicker || ' ' || article.standfirst), 'B')"
        f" || setweight(to_tsvector('{CONFIG}', entry.{body}), 'C')"
    )


PG_VECTORS_SQL = f"""
    UPDATE articles_searchentry AS entry
    SET public_vector = {_vector("public_body")}, full_vector = {_vector("full_body")}
    FROM articles_article AS article
    WHERE article.id = entry.article_id AND entry.article_id = ANY(%s)
"""


def reindex(*, batch_size=500):
    """Every article's entry, written again in batches (after a change to the rules)."""
    count = 0
    fields = ["title", "kicker", "standfirst", "body", "body_html", "access", "teaser_paragraphs", "status"]
    queryset = Article.objects.only(*fields, "published_at", "section_id", "source_id").order_by("pk")
    batch = []
    for article in queryset.iterator(chunk_size=batch_size):
        batch.append(article)
        if len(batch) == batch_size:
            index_articles(batch)
            count, batch = count + len(batch), []
    index_articles(batch)
    return count + len(batch)


# Searching ------------------------------------------------------------------------------


def search_articles(*, text, reads_in_full=None, section=None, source=None, since=None, order=RELEVANCE):
    """Published articles matching `text`, best first (or newest first with `order=NEWEST`).

    `reads_in_full` says which pieces this reader may search whole: None for public text
    only, `Q()` for every piece, or a filter on articles (on `access` and `pk`, which the
    search entries carry too). The result is counted and sliced like a queryset (a
    Paginator takes it); each article of a slice carries `snippet`, safe HTML quoting the
    text it matched on with the query's words in <mark>.

    A question that matches much of the archive is answered from its `CANDIDATES` newest
    matches (the count stops there too, `capped` says so): what it costs never grows with
    the archive.
    """
    parsed = parse_query(text)
    if not parsed.is_searchable:
        return NoResults()
    filters = Q(published_at__lte=timezone.now())
    if section is not None:
        filters &= Q(section_id=getattr(section, "pk", section))
    if source is not None:
        filters &= Q(source_id=getattr(source, "pk", source))
    if since is not None:
        filters &= Q(published_at__gte=since)
    backend = PostgresResults if connection.vendor == "postgresql" else SqliteResults
    return backend(parsed=parsed, reads_in_full=reads_in_full, filters=filters, order=order)


class NoResults:
    capped = False

    def count(self):
        return 0

    def __len__(self):
        return 0

    def __getitem__(self, index):
        return []


class Results:
    capped = False

    def count(self):
        total = self._count()
        self.capped = total >= CANDIDATES
        return total


class PostgresResults(Results):
    """The candidates (the newest matches) from the entries alone, through a GIN index;
    then one query ranks them, joins their articles and quotes the page's ones."""

    def __init__(self, *, parsed, reads_in_full, filters, order):
        query = SearchQuery(parsed.text, config=CONFIG, search_type="websearch")
        public_match = Q(public_vector=query)
        full_match = Q(full_vector=query)
        public_rank = SearchRank(F("search_entry__public_vector"), query)
        full_rank = SearchRank(F("search_entry__full_vector"), query)
        if reads_in_full is None:
            match, in_full, rank = public_match, Value(False), public_rank
        elif not reads_in_full:  # Q(): every piece
            match, in_full, rank = full_match, Value(True), full_rank
        else:
            match = public_match | (reads_in_full & full_match)
            in_full = Case(When(reads_in_full, then=Value(True)), default=Value(False), output_field=BooleanField())
            rank = Case(When(reads_in_full, then=full_rank), default=public_rank)
        candidates = (
            SearchEntry.objects.filter(filters & match).order_by("-published_at", "-pk").values("pk")[:CANDIDATES]
        )
        body = Case(When(Q(in_full=True), then=F("search_entry__full_body")), default=F("search_entry__public_body"))
        queryset = (
            Article.objects.published()
            .filter(pk__in=candidates)
            .for_cards()
            .annotate(in_full=in_full, rank=rank)
            .annotate(
                headline=SearchHeadline(
                    Concat(F("standfirst"), Value(" "), body, output_field=TextField()),
                    query,
                    config=CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                )
            )
        )
        ordering = ["-published_at", "-pk"] if order == NEWEST else ["-rank", "-published_at", "-pk"]
        self.queryset = queryset.order_by(*ordering)

    def _count(self):
        return self.queryset.count()

    def __getitem__(self, index):
        articles = list(self.queryset[index])
        for article in articles:
            article.snippet = marked(article.headline)
        return articles


class SqliteResults(Results):
    """The search through FTS5: the candidates (the newest matches) with their scores in
    one query, counted in one, a page's ids in one, and the page's articles with their
    entries in one more."""

    COLUMNS_PUBLIC = "{title lead public_body}"
    COLUMNS_FULL = "{title lead full_body}"
    BM25 = f"bm25({FTS_TABLE}, 10.0, 4.0, 1.0, 1.0)"  # title, kicker and standfirst, body: as A, B, C

    def __init__(self, *, parsed, reads_in_full, filters, order):
        self.parsed = parsed
        self.order = order
        entries = SearchEntry.objects.filter(filters)
        branches = []
        if reads_in_full is None or reads_in_full:  # the public text: everyone, for every piece
            branches.append((self.COLUMNS_PUBLIC, entries, 0))
        if reads_in_full is not None:  # the full text, for the pieces this reader reads whole
            branches.append((self.COLUMNS_FULL, entries.filter(reads_in_full), 1))
        selects, params = [], []
        # CROSS JOIN keeps the full-text index as the outer loop: SQLite would otherwise walk
        # every entry and ask FTS5 about each one.
        for columns, queryset, in_full in branches:
            where, where_params = _where_sql(queryset)
            selects.append(
                f"SELECT articles_searchentry.article_id AS id, {self.BM25} AS score, {in_full} AS in_full,"
                f" articles_searchentry.published_at AS published_at"
                f" FROM {FTS_TABLE} CROSS JOIN articles_searchentry"
                f" ON articles_searchentry.article_id = {FTS_TABLE}.rowid"
                f" WHERE {FTS_TABLE} MATCH %s AND {where}"
            )
            params += [fts_expression(parsed, columns), *where_params]
        # Materialized: bm25() only works in the query that does the MATCH, not once flattened
        # into the grouping around it.
        self.hits_sql = (
            f"WITH hits AS MATERIALIZED ({' UNION ALL '.join(selects)}),"
            f" candidates AS (SELECT id, MIN(score) AS score, MAX(in_full) AS in_full, MAX(published_at)"
            f" AS published_at FROM hits GROUP BY id ORDER BY published_at DESC, id DESC LIMIT {CANDIDATES})"
        )
        self.params = params

    def _count(self):
        with connection.cursor() as cursor:
            cursor.execute(f"{self.hits_sql} SELECT COUNT(*) FROM candidates", self.params)
            return cursor.fetchone()[0]

    def __getitem__(self, index):
        ordering = "published_at DESC, id DESC"
        if self.order != NEWEST:
            ordering = f"score, {ordering}"
        sql = (
            f"{self.hits_sql} SELECT id, in_full FROM candidates ORDER BY {ordering}"
            f" LIMIT {int(index.stop - index.start)} OFFSET {int(index.start)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            hits = cursor.fetchall()
        found = (
            Article.objects.published()
            .for_cards()
            .select_related("search_entry")
            .defer("search_entry__public_vector", "search_entry__full_vector")
            .in_bulk([pk for pk, _in_full in hits])
        )
        articles = []
        for pk, in_full in hits:
            article = found.get(pk)
            if article is None:  # its entry says published, the article no longer is
                continue
            entry = article.search_entry
            article.in_full = bool(in_full)
            text = f"{article.standfirst} {entry.full_body if in_full else entry.public_body}"
            article.snippet = highlight(text, self.parsed.highlighted)
            articles.append(article)
        return articles


def _where_sql(queryset):
    """The WHERE clause of a queryset on articles alone, to be used inside raw SQL."""
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    return query.where.as_sql(compiler, compiler.connection)


def fts_expression(parsed, columns):
    """An FTS5 query for these columns: alternatives of clauses that must all hold."""

    def phrase(clause):
        return '"' + " ".join(clause.words) + '"'

    alternatives = []
    for group in parsed.groups:
        wanted = [phrase(clause) for clause in group if not clause.negated]
        if not wanted:
            continue  # FTS5 cannot look for the absence of a word alone
        expression = " AND ".join(wanted)
        for clause in group:
            if clause.negated:
                expression = f"({expression}) NOT {phrase(clause)}"
        alternatives.append(f"({expression})")
    return f"{columns} : ({' OR '.join(alternatives)})"


def marked(headline):
    """A snippet made safe: escaped whole, then the database's marks turned into <mark>."""
    escaped = escape(headline or "")
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


def highlight(text, highlighted, *, length=SNIPPET_WORDS):
    """What `ts_headline` does, in Python: about `length` words of `text` around where the
    matched words gather, those words marked, everything else escaped.

    Only words that could match (they begin like a stem, accents aside) are stemmed, so a
    long text costs one regular expression scan."""
    hits = []
    if highlighted:
        hits = [
            (match.start(), match.end())
            for match in _candidates(highlighted).finditer(text)
            if normalize(match.group()) in highlighted
        ][:200]
    begin = 0
    if hits:
        reach = length * 7  # characters in so many French words, roughly
        gathered = [
            sum(1 for other, _end in hits[index:] if other < start + reach) for index, (start, _e) in enumerate(hits)
        ]
        anchor = hits[gathered.index(max(gathered))][0]
        look_from = max(0, anchor - 200)
        before = [match.start() for match in WORD.finditer(text, look_from, anchor)][1 if look_from else 0 :]
        begin = before[-6] if len(before) >= 6 else (before[0] if before and look_from else 0)
    ends = [match.end() for match in islice(WORD.finditer(text, begin), length)]
    goes_on = bool(ends) and WORD.search(text, ends[-1]) is not None
    end = ends[-1] if goes_on else len(text)
    parts, position = ["… " if begin else ""], begin
    for hit_start, hit_end in hits:
        if begin <= hit_start and hit_end <= end:
            parts += [escape(text[position:hit_start]), f"<mark>{escape(text[hit_start:hit_end])}</mark>"]
            position = hit_end
    parts += [escape(text[position:end]), " …" if goes_on else ""]
    return mark_safe("".join(parts))  # noqa: S308


ACCENTED = {"a": "aàâäáã", "c": "cç", "e": "eéèêë", "i": "iîïíì", "o": "oôöóòõ", "u": "uùûüú", "y": "yÿ", "n": "nñ"}


@lru_cache(maxsize=256)
def _candidates(stems):
    """Words that begin like one of these stems, whatever their accents and case."""

    def letters(stem):
        return "".join(f"[{ACCENTED[char]}]" if char in ACCENTED else re.escape(char) for char in stem)

    alternatives = "|".join(letters(stem) for stem in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


# When nothing matches ---------------------------------------------------------------------


def similar_titles(*, text, limit=3):
    """Published articles whose title looks like the query ("Vouliez-vous dire…"), for a
    query with a typo: pg_trgm's word similarity on PostgreSQL (with its GIN index); on SQLite,
    the trigram similarity of each query word to its closest title word, in Python, over
    the newest titles."""
    text = text.strip()[:100]
    if not text:
        return []
    published = Article.objects.published().only("pk", "title", "slug")
    if connection.vendor == "postgresql":
        # `<%` is pg_trgm's word similarity above its threshold (0.6 by default, the same
        # as SUGGESTION_SIMILARITY), answered by the trigram index.
        similar = RawSQL(
            "newsreader_unaccent(%s) <%% newsreader_unaccent(articles_article.title)",
            [text],
            output_field=BooleanField(),
        )
        score = RawSQL("word_similarity(newsreader_unaccent(%s), newsreader_unaccent(articles_article.title))", [text])
        return list(published.filter(similar).annotate(score=score).order_by("-score", "-published_at")[:limit])
    wanted = [trigrams(word) for word in WORD.findall(fold(text))]
    if not wanted:
        return []
    scored = []
    for article in published.newest_first()[:SUGGESTION_TITLES_SQLITE]:
        title_words = [trigrams(word) for word in WORD.findall(fold(article.title))]
        score = sum(max((jaccard(query_word, word) for word in title_words), default=0) for query_word in wanted)
        if score / len(wanted) >= SUGGESTION_SIMILARITY:
            scored.append((score, article))
    scored.sort(key=lambda pair: -pair[0])
    return [article for _score, article in scored[:limit]]


def jaccard(first, second):
    return len(first & second) / len(first | second) if first or second else 0


def trigrams(word):
    """pg_trgm's trigrams of one word, padded ("  e", " el", "ele"…)."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
