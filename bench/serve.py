"""Serving benchmark: search, facet and article pages over HTTP on a generated archive, one table from one run.

1. generates an archive of --articles posts with realistic lengths and word frequencies (Zipf-like,
   so some search terms are in most posts, some in ~1%, some in a handful), or reuses --db when it
   already holds that many;
2. starts the real server, `clinic-archive serve`, on a free 127.0.0.1 port;
3. times sequential requests from one httpx client after a warm-up: the ranked search (canned
   query `search`), Datasette's own table search (`?_search=` with `_searchmode=escaped`, which
   the plugin does not redirect to the ranked one), the faceted table, the article page and
   Datasette's row page, with p50 / p95 / max and PASS / MISS against the targets
   (search p95 < 200 ms, article page p95 < 100 ms). Non-200 answers are counted, not fatal.

    .venv/bin/python bench/serve.py [--articles 100000] [--db PATH]
    .venv/bin/python bench/serve.py --quick        # 2,000 articles, a smoke check

Generating 100,000 articles takes a few minutes: pass --db PATH to keep the file and reuse it.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import platform
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run from anywhere: the repo, not bench/, first

import httpx  # noqa: E402
import sqlite_utils  # noqa: E402
from datasette.utils import escape_fts  # noqa: E402

from archive.extract import EXTRACTOR_VERSION  # noqa: E402
from archive.store import open_archive  # noqa: E402
from archive.store.versions import version_fields, version_hash  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 7
BATCH = 1000  # articles per transaction while generating
SEARCH_TARGET_MS, ARTICLE_TARGET_MS = 200, 100
WARMUP = 3  # requests per row before timing starts, with their own URLs
CRAWLED = "2026-11-01T03:00:00+00:00"  # fixed, so the same --articles always generates the same file
FIRST_DAY, LAST_DAY = date(2015, 1, 1).toordinal(), date(2026, 10, 31).toordinal()
ARCHIVE_START = date(2025, 6, 1).toordinal()

# The vocabulary, most frequent first. Function words take the top ranks, clinic-blog words the next
# few hundred (so they are in 15-60% of posts), MID_TERMS sit at ranks 5,000-12,000 among invented
# words (~1% of posts each) and RARE_TERMS are planted in a handful of posts only.
FUNCTION_WORDS = """the of and to a in is that for it as with be on are this or can your by you from at
not have an may which more will but has their they also it's these some when one been than what who how if
into other most there about after over such many our so do all its should would like only any both each
we us our them those where while because then just very even before through between during without
again most same own few up out off down here why""".split()
GENERAL_WORDS = """people time years body help work life day need use make find health care well first new
way long part often important good much however including since within every right still back best better
different following high level low number possible quality related research results risk several small
specific study studies support typically usually weeks months daily activity activities function normal
process response system effects effective benefits option options approach plan goal goals experience
patient question questions answer information provide improve reduce increase prevent manage return start
stop keep take give show feel move walk run sit stand sleep weight age older younger sport sports athletes
active lifestyle home office appointment visit consultation team staff specialist specialists medical
clinical evidence data trial trials review reviewed published journal report reports outcome outcomes
follow long-term short-term early late mild moderate severe chronic acute common rare cases case factor
factors cause causes symptom symptoms sign signs condition conditions area areas side left right front lower
upper inside outside around against along across under whether although though rather almost already always
never sometimes simply safely quickly slowly fully directly naturally able likely less least full whole
year month week hour hours minutes days today next last great little large certain clear true real sure
simple single major key main overall general personal professional local family friends children adults
women men person everyone someone anyone nothing something things thing point points example examples
reason reasons result change changes form forms type types kind kinds group groups number numbers amount
cost costs price insurance coverage payment option choose decide discuss explain learn understand know think
believe consider expect hope want try call contact schedule book online today free guide tips steps ways
facts myths truth basics overview summary introduction conclusion bottom line""".split()
CLINIC_WORDS = """knee pain treatment injection patients therapy joint shoulder injury recovery exercise
muscle tissue inflammation cartilage tendon surgery doctor clinic healing physical hip back spine elbow ankle
arthritis platelet plasma cells stem regenerative injections procedure ligament bone movement mobility strength
stiffness swelling osteoarthritis rehabilitation imaging ultrasound MRI PRP blood growth factors repair damage
relief orthopedic range motion wrist neck foot hand nerve disc tear tears sprain strain fracture brace
physician physicians surgeon therapist chiropractic massage stretching anti-inflammatory ibuprofen steroid
cortisone acid guided concentrate PRP's sciatica tendonitis tendinitis rotator cuff meniscus ACL
degenerative""".split()
MID_TERMS = """mesenchymal tendinopathy chondromalacia epicondylitis fasciitis bursitis prolotherapy
viscosupplementation arthroscopy meniscectomy hyaluronic corticosteroid autologous allogeneic exosomes
leukocyte centrifuge microfracture subchondral synovial fibroblast chondrocytes periosteum enthesopathy
radiculopathy spondylosis stenosis sacroiliac labrum glenohumeral patellofemoral iliotibial tenotomy
fasciotomy debridement angiogenesis cytokines macrophages proteoglycan osteophytes effusion crepitus
kinesiology proprioception eccentric isometric neuromuscular biologics amniotic adipose lipoaspirate
thrombocytes""".split()
RARE_TERMS = """chondrocalcinosis arthrofibrosis osteochondritis hemarthrosis tenosynovitis synovectomy
sesamoiditis apophysitis enthesitis ochronosis tophaceous xanthomatosis pigmented villonodular
chondroblastoma""".split()
VOCABULARY_SIZE = 20_000
SENTENCE_LENGTHS = range(8, 25)
SMALL_WORDS = {"a", "an", "and", "for", "from", "in", "of", "on", "or", "the", "to", "vs.", "with"}

TREATMENTS = ["platelet-rich plasma", "PRP injections", "stem cell therapy", "hyaluronic acid injections",
              "cortisone injections", "physical therapy", "shockwave therapy", "prolotherapy", "dry needling",
              "regenerative medicine", "bone marrow aspirate concentrate", "radiofrequency ablation",
              "arthroscopic surgery", "knee bracing", "anti-inflammatory medication"]
CONDITIONS = ["knee osteoarthritis", "rotator cuff tears", "tennis elbow", "plantar fasciitis",
              "Achilles tendinopathy", "low back pain", "hip bursitis", "meniscus tears", "ACL injuries",
              "degenerative disc disease", "arthritis", "sports injuries", "neck pain", "patellar tendinitis",
              "frozen shoulder", "sciatica", "golfer's elbow", "ankle sprains", "carpal tunnel syndrome",
              "chronic joint pain"]
TITLES = ["{T} for {C}: What the Research Says", "Can {T} Help {C}?", "{C}: Causes, Symptoms and Treatment",
          "A Patient's Guide to {T}", "{T} vs. Surgery for {C}", "5 Myths About {T}",
          "How Long Does Recovery From {C} Take?", "Is {T} Right for You?", "What to Expect After {T}",
          "{T}: Costs, Risks and Results"]
HEADINGS = ["What Is {T}?", "How {T} Works", "Who Is a Good Candidate?", "Risks and Side Effects",
            "What to Expect After Treatment", "The Research on {T} for {C}", "Recovery Timeline",
            "Cost and Insurance", "Frequently Asked Questions", "Symptoms of {C}", "Causes of {C}",
            "When to See a Doctor", "The Bottom Line"]
CATEGORIES = ["Knee", "Shoulder", "Spine", "Hip", "Sports Medicine", "Regenerative Medicine", "Pain Management",
              "Physical Therapy", "Patient Stories", "News"]
TAGS = ["PRP", "stem cells", "arthritis", "knee pain", "back pain", "athletes", "recovery", "injections",
        "non-surgical", "research", "FAQ", "seniors", "running", "tendons", "cartilage"]
FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Sandra Mark Ashley Priya Wei
Carlos Aisha Omar Elena Hiroshi Fatima Lucas Sofia Mateo Amara Noah Chloe Ethan Grace Raj Mei""".split()
LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson
Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell
Mitchell Carter Roberts Patel Kim Chen Shah Okafor Novak Rossi""".split()
AUTHOR_CREDENTIALS = [["MD"], ["DO"], ["PT", "DPT"], ["NP"], ["PA-C"], ["DC"], ["RN"], ["MS", "ATC"], []]
REVIEWER_CREDENTIALS = [["MD"], ["DO"], ["MD", "FAAOS"], ["DO", "CAQSM"]]
JOURNALS = ["Am J Sports Med", "Arthroscopy", "J Bone Joint Surg Am", "Br J Sports Med", "Cartilage",
            "Osteoarthritis Cartilage", "Pain Physician", "Stem Cells Transl Med", "Orthop J Sports Med",
            "Regen Med"]
STUDY_KINDS = ["randomized", "cohort", "systematic review", "case-control"]


# ----------------------------------------------------------------------------- generation

@dataclass
class Corpus:
    """What every generated post draws from: the vocabulary, the sites and their people."""

    words: list[str]  # each word repeated in proportion to its Zipf frequency: uniform draws follow Zipf
    sites: list[dict]
    site_weights: list[float]
    people: list[dict]
    site_authors: dict[str, list[dict]]
    reviewers: list[dict]
    planted: dict[int, list[str]]  # article number -> rare terms placed in its body


def invented_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Pronounceable made-up words for the long tail: real text has tens of thousands of rare words."""
    onsets, vowels, codas = "b c d f g l m n p r s t v z br cl dr fl gr pl st tr".split(), "a e i o u ia eo".split(), \
        ["", "", "n", "r", "s", "l", "x", "th"]
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 3))) + rng.choice(codas)
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def zipf_table(rng: random.Random) -> list[str]:
    """The vocabulary in rank order, each word repeated ~ 2**22 / rank times (Zipf, s=1).

    Drawing uniformly from this list is twice as fast as random.choices with cum_weights, and
    the rarest word still gets ~20 copies, so rounding shifts no frequency by more than a few %.
    """
    general = GENERAL_WORDS[:]
    rng.shuffle(general)
    clinic = [w for pair in itertools.zip_longest(CLINIC_WORDS, general[:len(CLINIC_WORDS)]) for w in pair if w]
    real = list(dict.fromkeys(FUNCTION_WORDS + clinic + general[len(CLINIC_WORDS):]))
    tail = invented_words(rng, VOCABULARY_SIZE - len(real) - len(MID_TERMS), set(real + MID_TERMS + RARE_TERMS))
    words = real + tail
    for i, term in enumerate(MID_TERMS):  # evenly over ranks 5,000-12,000
        words.insert(5000 + i * 7000 // len(MID_TERMS), term)
    harmonic = sum(1 / rank for rank in range(1, len(words) + 1))
    return [word for rank, word in enumerate(words, 1) for _ in range(round(2**22 / rank / harmonic))]


def make_sites(rng: random.Random) -> list[dict]:
    prefixes = "peak summit river cedar harbor valley metro coastal north south lakeside pinnacle".split()
    kinds = ["ortho", "regen", "spine", "sportsmed", "painclinic"]
    names = [f"{p}-{k}" for p, k in itertools.product(prefixes, kinds)]
    return [{"name": name, "domain": f"www.{name.replace('-', '')}.example",
             "title": name.replace("-", " ").title().replace("Sportsmed", "Sports Medicine")}
            for name in rng.sample(names, 60)]


def make_people(rng: random.Random, sites: list[dict]) -> tuple[list[dict], dict[str, list[dict]], list[dict]]:
    """~600 authors (a few per site) and ~40 medical reviewers shared across sites."""
    names = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], 640)
    people = [{"id": i, "name": name, "credentials": rng.choice(AUTHOR_CREDENTIALS if i > 40 else REVIEWER_CREDENTIALS)}
              for i, name in enumerate(names, 1)]
    authors = people[40:]
    site_authors = {site["name"]: rng.sample(authors, rng.randint(3, 12)) for site in sites}
    return people, site_authors, people[:40]


def build_corpus(count: int) -> Corpus:
    rng = random.Random(SEED)
    words = zipf_table(rng)
    sites = make_sites(rng)
    people, site_authors, reviewers = make_people(rng, sites)
    planted: dict[int, list[str]] = {}
    for term in RARE_TERMS:
        for n in rng.sample(range(count), min(count, rng.randint(2, 12))):
            planted.setdefault(n, []).append(term)
    return Corpus(words, sites, [1 / (i + 1) ** 0.8 for i in range(len(sites))],  # a few big blogs
                  people, site_authors, reviewers, planted)


def display(person: dict) -> str:
    return ", ".join([person["name"], *person["credentials"]])


def iso_day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def sentence(words: list[str]) -> str:
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]]) + "."


def headline(text: str) -> str:
    """'can PRP help golfer's elbow?' -> 'Can PRP Help Golfer's Elbow?' (acronyms and small words kept)."""
    return " ".join(word if n and word in SMALL_WORDS else word[:1].upper() + word[1:]
                    for n, word in enumerate(text.split()))


def write_body(rng: random.Random, corpus: Corpus, n_words: int, treatment: str, condition: str,
               planted: list[str]) -> tuple[str, str]:
    """(body_text, body_markdown): paragraphs of 2-5 sentences, a `## ` heading every 3 paragraphs."""
    words = rng.choices(corpus.words, k=n_words)
    for _ in range(2 + n_words // 250):  # posts keep coming back to their topic
        words[rng.randrange(n_words)] = rng.choice((treatment, condition))
    for term in planted:
        words[rng.randrange(n_words)] = term
    sentences, i = [], 0
    for length in rng.choices(SENTENCE_LENGTHS, k=n_words // SENTENCE_LENGTHS[0] + 1):
        if i >= n_words:
            break
        sentences.append(sentence(words[i:i + length]))
        i += length
    paragraphs, i = [], 0
    for size in rng.choices((2, 3, 4, 5), k=len(sentences)):
        if i >= len(sentences):
            break
        paragraphs.append(" ".join(sentences[i:i + size]))
        i += size
    text, markdown = [], []
    headings = iter(rng.sample(HEADINGS, len(HEADINGS)))
    for n, paragraph in enumerate(paragraphs):
        if n and n % 3 == 0 and (heading := next(headings, None)):
            heading = headline(heading.format(T=treatment, C=condition))
            text.append(heading)
            markdown.append("## " + heading)
        text.append(paragraph)
        markdown.append(paragraph)
    if rng.random() < 0.3:  # some posts end with a bulleted list
        items = [sentence(words[j:j + rng.randint(3, 8)]) for j in rng.sample(range(max(1, n_words - 8)), 4)]
        text.extend(items)
        markdown.append("\n".join("- " + item for item in items))
    return "\n\n".join(text), "\n\n".join(markdown)


def citations(rng: random.Random, article_id: str, topic: str, before_year: int) -> list[dict]:
    rows = []
    for position in range(1, rng.randint(0, 8) + 1):
        year = rng.randint(1998, max(1998, before_year))
        journal = rng.choice(JOURNALS)
        authors = ", ".join(f"{rng.choice(LAST_NAMES)} {rng.choice('ABCDEJKLMRST')}" for _ in range(rng.randint(1, 3)))
        pmid = str(rng.randint(10_000_000, 39_999_999)) if rng.random() < 0.6 else None
        doi = f"10.{rng.randint(1000, 9999)}/{journal.split()[0].lower()}.{year}.{rng.randint(100, 99999)}" \
            if rng.random() < 0.5 else None
        url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else (f"https://doi.org/{doi}" if doi else None)
        rows.append({"article_id": article_id, "position": position,
                     "text": f"{authors}. {topic[:1].upper() + topic[1:]}: a {rng.choice(STUDY_KINDS)} study. "
                             f"{journal}. {year};{rng.randint(1, 60)}({rng.randint(1, 12)}):{rng.randint(1, 900)}.",
                     "doi": doi, "pmid": pmid, "pmcid": None, "url": url, "year": year})
    return rows


def make_article(rng: random.Random, corpus: Corpus, n: int) -> dict[str, list[dict]]:
    """One post's rows for every table it touches: articles, article_people, citations, links,
    images and article_versions (version 1, and version 2 for ~10% of posts)."""
    site = rng.choices(corpus.sites, weights=corpus.site_weights)[0]
    treatment, condition = rng.choice(TREATMENTS), rng.choice(CONDITIONS)
    title = headline(rng.choice(TITLES).format(T=treatment, C=condition))
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    url = f"https://{site['domain']}/blog/{slug}-{n}/"
    identifier = hashlib.sha1(url[8:-1].encode()).hexdigest()[:16]  # host + path, as archive.store.article_id
    n_words = min(5000, max(150, round(rng.lognormvariate(6.8, 0.55))))  # median ~900, mean ~1,050
    body_text, body_markdown = write_body(rng, corpus, n_words, treatment, condition, corpus.planted.get(n, []))
    published_day = rng.randint(FIRST_DAY, LAST_DAY)
    seen_day = min(LAST_DAY, max(published_day, ARCHIVE_START) + rng.randint(0, 30))
    modified_day = min(LAST_DAY, published_day + rng.randint(0, 900)) if rng.random() < 0.5 else None
    authors = rng.sample(corpus.site_authors[site["name"]], rng.choices((1, 2, 3), (80, 17, 3))[0])
    reviewers = [rng.choice(corpus.reviewers)] if rng.random() < 0.4 else []
    refs = citations(rng, identifier, f"{treatment} for {condition}", date.fromordinal(published_day).year)
    article = {
        "id": identifier, "title": title, "site": site["name"],
        "authors": json.dumps([display(p) for p in authors]), "reviewers": json.dumps([display(p) for p in reviewers]),
        "published": iso_day(published_day) + (f"T{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}:00+00:00"
                                               if rng.random() < 0.7 else ""),  # pages give a date or a datetime
        "modified": iso_day(modified_day) if modified_day else None, "url": url,
        "word_count": len(body_text.split()), "description": body_text[:body_text.find(".") + 1][:160],
        "body_text": body_text, "body_markdown": body_markdown,
        "published_source": rng.choices(("json-ld", "meta", "visible", "url"), (70, 15, 12, 3))[0],
        "modified_source": "json-ld" if modified_day else None, "canonical_url": url,
        "language": "en", "site_name": site["title"],
        "content_hash": hashlib.sha256(f"{title}\n{body_text}".encode()).hexdigest(),
        "extractor_version": EXTRACTOR_VERSION, "capture_id": n + 1, "capture_sha256": f"{rng.getrandbits(256):064x}",
        "first_seen": iso_day(seen_day) + "T03:00:00+00:00", "last_seen": CRAWLED, "run_id": 1,
        "categories": json.dumps(rng.sample(CATEGORIES, rng.randint(1, 2))),
        "tags": json.dumps(rng.sample(TAGS, rng.randint(0, 5))),
        "reviewed": iso_day(min(LAST_DAY, published_day + rng.randint(0, 400))) if reviewers else None,
        "reviewed_source": "visible" if reviewers else None,
        "image": f"https://{site['domain']}/wp-content/uploads/{slug}.jpg", "disclaimer": None, "ctas": "[]",
        "extraction_errors": "[]", "gone_since": None,
    }
    versions = article_versions(rng, article, [r["text"] for r in refs], seen_day)
    return {"articles": [article], "article_people": article_people(identifier, authors, reviewers),
            "citations": refs, "links": links(identifier, site, refs),
            "images": images(rng, identifier, site, slug, condition), "article_versions": versions}


def article_people(identifier: str, authors: list[dict], reviewers: list[dict]) -> list[dict]:
    named = [(p, "author", "author") for p in authors] + [(p, "reviewer", "medical reviewer") for p in reviewers]
    return [{"article_id": identifier, "person_id": person["id"], "role": role, "position": position,
             "credentials": json.dumps(person["credentials"]), "role_label": label}
            for position, (person, role, label) in enumerate(named)]


def links(identifier: str, site: dict, refs: list[dict]) -> list[dict]:
    """A link to each cited study that has one, and the clinic's booking page."""
    return [{"article_id": identifier, "url": r["url"], "text": r["text"][:40], "kind": "study"}
            for r in refs if r["url"]] + [{"article_id": identifier, "url": f"https://{site['domain']}/contact/",
                                           "text": "Book a consultation", "kind": "internal"}]


def images(rng: random.Random, identifier: str, site: dict, slug: str, condition: str) -> list[dict]:
    uploads = f"https://{site['domain']}/wp-content/uploads"
    return [{"article_id": identifier, "position": i, "src": f"{uploads}/{slug}-{i}.jpg",
             "alt": f"{condition} illustration {i}", "caption": None} for i in range(1, rng.randint(0, 3) + 1)]


def article_versions(rng: random.Random, article: dict, references: list[str], seen_day: int) -> list[dict]:
    """Version 1 for every post; for ~10%, a version 2 with one added sentence, which the articles row shows."""
    def version(number: int, fields: dict, seen_at: str, changed: list[str]) -> dict:
        return {"article_id": article["id"], "version": number, "seen_at": seen_at, "source": "site",
                "changed": json.dumps(changed), **fields, "version_hash": version_hash(fields),
                "capture_id": article["capture_id"], "run_id": 1, "extractor_version": EXTRACTOR_VERSION}

    first = version_fields(article, references)
    rows = [version(1, first, article["first_seen"], [])]
    if rng.random() < 0.1:
        note = " Updated: new research on this treatment was published this year."
        article["body_text"] += note
        article["body_markdown"] += note
        article["word_count"] += len(note.split())
        article["content_hash"] = hashlib.sha256(f"{article['title']}\n{article['body_text']}".encode()).hexdigest()
        rows.append(version(2, version_fields(article, references),
                            iso_day(min(LAST_DAY, seen_day + rng.randint(7, 300))) + "T03:00:00+00:00", ["body"]))
    return rows


def generated_count(path: Path) -> int | None:
    """Articles in a finished generated archive, or None when the file is not one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        finished = conn.execute("select count(*) from runs where status = 'finished'").fetchone()[0]
        count = conn.execute("select count(*) from articles").fetchone()[0]
        conn.close()
    except sqlite3.Error:
        return None
    return count if finished else None


_corpus: Corpus | None = None  # each generating process builds its own copy once


def _start_worker(count: int) -> None:
    global _corpus
    _corpus = build_corpus(count)


def make_batch(first: int, count: int) -> dict[str, list[dict]]:
    """Rows of posts first..first+BATCH-1, the same whichever process makes them (seeded by `first`)."""
    rng = random.Random(f"{SEED}-{first}")
    tables: dict[str, list[dict]] = {}
    for n in range(first, min(count, first + BATCH)):
        for table, rows in make_article(rng, _corpus, n).items():
            tables.setdefault(table, []).extend(rows)
    return tables


def bounded_imap(pool, function, items, ahead: int):
    """pool.imap with at most `ahead` results waiting: imap would queue every batch (GBs) when the
    workers outrun the inserts."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.apply_async(function, (item,)))
        if len(pending) > ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def insert_sites_people_run(db: sqlite_utils.Database, corpus: Corpus) -> None:
    """The sites, their people, and the run every post points to ('finished' once all posts are in)."""
    with db.atomic():
        db["sites"].insert_all({"name": s["name"], "start_urls": json.dumps([f"https://{s['domain']}/blog/"]),
                                "allowed_domains": json.dumps([s["domain"]]), "extract_selectors": "{}",
                                "first_crawled": iso_day(ARCHIVE_START) + "T03:00:00+00:00", "last_crawled": CRAWLED}
                               for s in corpus.sites)
        db["people"].insert_all({"id": p["id"], "name": p["name"], "credentials": json.dumps(p["credentials"]),
                                 "url": None} for p in corpus.people)
        db["runs"].insert({"id": 1, "started": CRAWLED, "status": "running",
                           "sites": json.dumps([s["name"] for s in corpus.sites])})


def generate(path: Path, count: int) -> None:
    """Write `count` posts with their people, citations, links, images and versions, BATCH per transaction.

    Worker processes make the rows while this one inserts them: text generation is pure Python
    and would otherwise leave the other core idle while SQLite indexes.
    """
    corpus = build_corpus(count)
    db = open_archive(path)
    db.execute("PRAGMA synchronous = OFF")  # a throwaway bench file: no need to survive a power cut
    db.execute("PRAGMA cache_size = -262144")  # 256 MB keeps FTS merges and the indexes in memory
    insert_sites_people_run(db, corpus)
    per_site: Counter = Counter()
    workers = max(1, min(2, (os.cpu_count() or 1)))
    with multiprocessing.get_context("fork").Pool(workers, _start_worker, (count,)) as pool:
        batches = bounded_imap(pool, functools.partial(make_batch, count=count), range(0, count, BATCH), workers * 2)
        for done, tables in enumerate(batches, 1):
            per_site.update(row["site"] for row in tables["articles"])
            with db.atomic():
                for table, rows in tables.items():
                    db[table].insert_all(rows, batch_size=200)
            print(f"\r  generated {min(count, done * BATCH):,} / {count:,} articles", end="", flush=True)
    print()
    with db.atomic():
        db["runs"].update(1, {"finished": CRAWLED, "status": "finished",
                              "stats": json.dumps({site: {"new": n} for site, n in sorted(per_site.items())})})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def prepare_archive(path: Path, count: int) -> None:
    """Generate the archive at `path`, or reuse it when a finished generation of `count` posts is there."""
    if path.exists():
        found = generated_count(path)
        if found != count:
            hint = f"pass --articles {found} to reuse it, or delete it" if found else "pick another path"
            raise SystemExit(f"{path} is not a finished generated archive of {count:,} articles: {hint}")
        open_archive(path).close()  # newer migrations, if any, as a crawl would apply them
        print(f"archive: reusing {path} ({count:,} articles, {path.stat().st_size / 1e6:,.0f} MB)")
        return
    start = time.perf_counter()
    generate(path, count)
    print(f"archive: generated {count:,} articles in {time.perf_counter() - start:,.1f} s, "
          f"{path.stat().st_size / 1e6:,.0f} MB at {path}")


# ----------------------------------------------------------------------------- queries

@dataclass
class Query:
    kind: str
    q: str
    site: str | None = None


WARMUP_QUERIES = [Query("warm-up", q) for q in ("therapy", "shoulder recovery", "injection")]


def make_queries(rng: random.Random, sites: list[str]) -> list[Query]:
    """~105 queries as analysts type them, from words in most posts down to words in a handful."""
    common = ["knee", "pain", "treatment", "injection", "patients", "therapy", "shoulder", "recovery", "exercise",
              "cartilage", "tendon", "surgery", "inflammation", "platelet", "osteoarthritis", "hip", "spine",
              "MRI", "ligament", "healing"]
    phrases_2 = ["knee pain", "platelet injection", "rotator cuff", "stem cells", "back pain", "tennis elbow",
                 "plantar fasciitis", "mesenchymal cells", "hyaluronic injection", "knee tendinopathy",
                 "shoulder arthroscopy", "recovery time", "MRI ultrasound", "PRP knee", "cartilage repair"]
    phrases_3 = ["knee osteoarthritis injection", "platelet rich plasma", "stem cell therapy", "rotator cuff repair",
                 "low back pain", "hip bursitis treatment", "ultrasound guided injection", "ACL tear recovery",
                 "autologous blood injection", "chronic tendinopathy exercise"]
    quoted = ['"platelet-rich plasma"', '"rotator cuff tears"', '"tennis elbow"', '"stem cell therapy"',
              '"physical therapy"']
    punctuated = ["anti-inflammatory", "PRP's", "platelet-rich", "golfer's elbow", "x-ray", "post-op", "what is PRP?",
                  "knee (osteoarthritis)", "ACL/MCL", "50% pain relief"]
    queries = ([Query("common word", q) for q in common]
               + [Query("mid-frequency word", q) for q in MID_TERMS[:20]]
               + [Query("rare word", q) for q in RARE_TERMS]
               + [Query("two words", q) for q in phrases_2]
               + [Query("three words", q) for q in phrases_3]
               + [Query("quoted phrase", q) for q in quoted]
               + [Query("punctuation", q) for q in punctuated])
    queries += [Query("site filter", q, rng.choice(sites)) for q in rng.sample(common[:10] + MID_TERMS[:10], 10)]
    return queries


def matching_articles(conn: sqlite3.Connection, query: Query) -> int:
    """How many posts a query matches, as Datasette's escaped `_search` reads it."""
    sql = "select count(*) from articles where rowid in (select rowid from articles_fts where articles_fts match ?)"
    params = [escape_fts(query.q)]
    if query.site:
        sql, params = sql + " and site = ?", params + [query.site]
    return conn.execute(sql, params).fetchone()[0]


# ----------------------------------------------------------------------------- serving and timing

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(db_path: Path, log_path: Path):
    """`clinic-archive serve` in a subprocess; yields its base URL once /-/versions.json answers."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "clinic-archive"), "serve", "--db", str(db_path), "--port", str(port)]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode}:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer within 60 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


Request = tuple[str, str, dict]  # (query kind, or "" for pages; path; query-string parameters)


@dataclass
class Row:
    """One line of the table: a page, its warm-up and timed requests, their latencies and statuses."""

    label: str
    target_ms: float | None
    warmup: list[Request]
    requests: list[Request]
    ms: dict[str, list[float]] = field(default_factory=dict)  # per query kind, 200 answers only
    statuses: Counter = field(default_factory=Counter)

    def all_ms(self) -> list[float]:
        return [t for times in self.ms.values() for t in times]


def measure(client: httpx.Client, row: Row) -> None:
    """Sequential requests; the warm-up ones (other words, other ids) fill caches and are not counted."""
    for _, path, params in row.warmup:
        client.get(path, params=params)
    for kind, path, params in row.requests:
        start = time.perf_counter()
        response = client.get(path, params=params)  # reads the whole body
        elapsed = (time.perf_counter() - start) * 1000
        row.statuses[response.status_code] += 1
        if response.status_code == 200:
            row.ms.setdefault(kind, []).append(elapsed)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def search_row(label: str, path: str, q_param: str, extra: dict, queries: list[Query]) -> Row:
    def request(query: Query) -> Request:
        return query.kind, path, {q_param: query.q, **extra, **({"site": query.site} if query.site else {})}

    return Row(label, SEARCH_TARGET_MS, [request(q) for q in WARMUP_QUERIES], [request(q) for q in queries])


def benchmark_rows(db: str, queries: list[Query], ids: list[str], warm_ids: list[str]) -> list[Row]:
    array = {"_shape": "array"}
    # The plugin redirects a newest-first table search to the ranked one; an explicit (escaped)
    # _searchmode asks for Datasette's own unranked table search, which is what these rows compare.
    newest = {"_sort_desc": "published", "_searchmode": "escaped"}
    facets = ("", f"/{db}/articles", {})
    more_facets = ("", f"/{db}/articles", {"_facet": "site", "_facet_array": "authors"})
    return [
        search_row("ranked search, HTML", f"/{db}/search", "q", {}, queries),
        search_row("ranked search, JSON", f"/{db}/search.json", "q", array, queries),
        search_row("table ?_search=, HTML", f"/{db}/articles", "_search", newest, queries),
        search_row("table ?_search=, JSON", f"/{db}/articles.json", "_search", {**newest, **array}, queries),
        Row("facets: table, metadata facets", None, [facets] * WARMUP, [facets] * 20),
        Row("facets: + Datasette array facet on authors", None, [more_facets] * WARMUP, [more_facets] * 20),
        Row("article page /-/article/ID", ARTICLE_TARGET_MS, [("", f"/{db}/-/article/{i}", {}) for i in warm_ids],
            [("", f"/{db}/-/article/{i}", {}) for i in ids]),
        Row("row page /articles/ID", ARTICLE_TARGET_MS, [("", f"/{db}/articles/{i}", {}) for i in warm_ids],
            [("", f"/{db}/articles/{i}", {}) for i in ids]),
        *[Row(label, None, [("", path, {})], [("", path, {})] * 10) for label, path in (
            ("health page /-/health", f"/{db}/-/health"),
            ("canned query recent_changes", f"/{db}/recent_changes"),
            ("canned query citing_studies", f"/{db}/citing_studies"),
            ("canned query without_references", f"/{db}/without_references"),
            ("canned query by_reviewer", f"/{db}/by_reviewer"),
            ("canned query posts_per_month", f"/{db}/posts_per_month"),
            ("canned query duplicate_groups", f"/{db}/duplicate_groups"))],
    ]


def run_benchmark(base: str, rows: list[Row]) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        for row in rows:
            print(f"  timing {row.label}: {len(row.requests)} requests", flush=True)
            measure(client, row)


# ----------------------------------------------------------------------------- report

def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return (f"machine: {platform.platform()}, {model}, {os.cpu_count()} cores; {platform.python_implementation()} "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, Datasette {version('datasette')}")


def table_line(row: Row) -> str:
    times = row.all_ms()
    failed = {status: n for status, n in sorted(row.statuses.items()) if status != 200}
    non_200 = f"{sum(failed.values())}" + (f" ({', '.join(f'{s}x{n}' for s, n in failed.items())})" if failed else "")
    latency = [percentile(times, 0.5), percentile(times, 0.95), max(times)] if times else []
    cells = " ".join(f"{ms:8.0f}" for ms in latency) if times else " ".join(["       -"] * 3)
    target, verdict = "-", "-"
    if row.target_ms:  # an error answer is a miss whatever its speed
        target = f"< {row.target_ms}"
        verdict = "PASS" if times and not failed and latency[1] < row.target_ms else "MISS"
    return f"{row.label:46} {sum(row.statuses.values()):>8} {non_200:>14} {cells} {target:>8}  {verdict}"


def print_table(rows: list[Row]) -> None:
    print(f"\n{'page':46} {'requests':>8} {'non-200':>14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>8}"
          "  verdict")
    for row in rows:
        print(table_line(row))


def print_by_kind(rows: list[Row], queries: list[Query], hits: dict[str, list[int]]) -> None:
    """p95 of each search page per kind of query, next to how many posts those queries match."""
    kinds = list(dict.fromkeys(q.kind for q in queries))
    print(f"\n{'query kind':20} {'queries':>7} {'matching posts min/median/max':>30}  "
          + "  ".join(f"{row.label:>22}" for row in rows))
    for kind in kinds:
        counts = hits[kind]
        matched = f"{min(counts):,} / {statistics.median(counts):,.0f} / {max(counts):,}"
        cells = [f"{percentile(row.ms[kind], 0.95):19.0f} ms" if row.ms.get(kind) else f"{'-':>22}" for row in rows]
        print(f"{kind:20} {len(counts):>7} {matched:>30}  " + "  ".join(cells))
    print("(p95 per kind of query, over HTTP 200 answers)")


def sample_inputs(db_path: Path) -> tuple[list[Query], dict[str, list[int]], list[str]]:
    """The queries, how many posts each kind matches, and 200 + WARMUP random article ids."""
    rng = random.Random(SEED + 2)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    sites = [name for name, in conn.execute("select site from articles group by site order by count(*) desc")]
    queries = make_queries(rng, sites[:15])  # site filters on the bigger blogs, where they narrow something
    hits: dict[str, list[int]] = {}
    for query in queries:
        hits.setdefault(query.kind, []).append(matching_articles(conn, query))
    ids = [i for i, in conn.execute("select id from articles order by rowid")]
    conn.close()
    return queries, hits, rng.sample(ids, min(200 + WARMUP, len(ids)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="posts to generate (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 posts: a smoke check")
    parser.add_argument("--db", type=Path, help="generated archive to reuse, or where to keep a new one")
    args = parser.parse_args()
    count = 2000 if args.quick else args.articles
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / f"bench-serve-{count}.db"
        prepare_archive(db_path, count)
        queries, hits, ids = sample_inputs(db_path)
        rows = benchmark_rows(db_path.stem, queries, ids[WARMUP:], ids[:WARMUP])
        with running_server(db_path, Path(tmp) / "server.log") as base:
            print(f"server: {base}/{db_path.stem}/articles")
            run_benchmark(base, rows)
    print_table(rows)
    print_by_kind(rows[:4], queries, hits)
    print(f"\ntargets: search p95 < {SEARCH_TARGET_MS} ms, article page p95 < {ARTICLE_TARGET_MS} ms; latencies "
          f"count HTTP 200 answers only. Archive: {db_path}" + ("" if args.db else " (deleted; keep one with --db)"))


if __name__ == "__main__":
    main()
