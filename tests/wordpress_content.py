"""The clinic blog the WordPress fixture publishes: the ground truth its tests and bench compare to.

Deterministic (a fixed seed), so every run publishes the same 42 posts with the same authors,
dates (UTC), categories and tags.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

SITE_TITLE = "Riverbend Spine & Sports Clinic"
TIMEZONE = "America/Chicago"  # west of UTC: late-evening local posts carry the next UTC day

AUTHORS = [  # login, display name (what the theme prints), first, last
    ("jleiber", "James Leiber, DO", "James", "Leiber"),
    ("aokafor", "Adaeze Okafor, MD", "Adaeze", "Okafor"),
    ("mchen", "Megan Chen, PT, DPT", "Megan", "Chen"),
    ("rsoto", "Rafael Soto, DC", "Rafael", "Soto"),
]
CATEGORIES = ["Regenerative Medicine", "Sports Injuries", "Back and Neck Pain", "Physical Therapy",
              "Joint Health", "Nutrition", "Clinic News"]
TAGS = ["PRP", "stem cells", "knee", "shoulder", "runners", "arthritis", "posture", "recovery"]

TOPICS = [
    "PRP for Tennis Elbow", "Knee Osteoarthritis Options", "Rotator Cuff Tears Explained",
    "Runner's Knee and Hip Strength", "Sciatica Without Surgery", "Desk Posture and Neck Pain",
    "What Stem Cell Therapy Can and Cannot Do", "Plantar Fasciitis Recovery", "Ankle Sprain Rehab",
    "Hyaluronic Acid Injections", "Low Back Pain in Golfers", "Frozen Shoulder Stages",
    "Anti-Inflammatory Eating", "Vitamin D and Bone Health", "Returning to Sport After ACL Surgery",
    "Hamstring Strains in Sprinters", "Achilles Tendinopathy Loading", "Whiplash After a Car Accident",
    "Hip Labral Tears", "Carpal Tunnel Relief", "Meniscus Tears and Arthroscopy",
    "Dry Needling Basics", "Spinal Stenosis in Older Adults", "Shin Splints in New Runners",
    "Prolotherapy Compared With PRP", "Sleep and Tissue Healing", "Core Stability for Back Pain",
    "Golfer's Elbow Exercises", "Our New Westside Location", "Osteoporosis Screening",
    "Concussion Return-to-Play Steps", "Cervical Radiculopathy", "Bursitis of the Hip",
    "Protein Needs During Rehab", "Patellar Tendinopathy in Jumpers", "Scoliosis in Teens",
    "Telehealth Physical Therapy Visits", "Ultrasound-Guided Injections", "Chronic Pain and Movement",
    "Weekend Warrior Injury Prevention", "Arthritis in the Hands", "Meet Our Sports Medicine Team",
]
CATEGORY_OF = {"PRP": 0, "Stem": 0, "Prolo": 0, "Hyaluronic": 0, "Ultrasound": 0, "Runner": 1,
               "Sprinter": 1, "Sport": 1, "Golf": 1, "Hamstring": 1, "Concussion": 1, "Warrior": 1,
               "Back": 2, "Neck": 2, "Sciatica": 2, "Spinal": 2, "Cervical": 2, "Whiplash": 2,
               "Scoliosis": 2, "Rehab": 3, "Needling": 3, "Telehealth": 3, "Core": 3, "Knee": 4,
               "Hip": 4, "Shoulder": 4, "Arthritis": 4, "Bursitis": 4, "Eating": 5, "Vitamin": 5,
               "Protein": 5, "Sleep": 5, "Location": 6, "Team": 6}
TAG_OF = {"PRP": "PRP", "Stem": "stem cells", "Knee": "knee", "Meniscus": "knee", "ACL": "knee",
          "Shoulder": "shoulder", "Rotator": "shoulder", "Runner": "runners", "Shin": "runners",
          "Achilles": "runners", "Arthritis": "arthritis", "Osteo": "arthritis", "Posture": "posture",
          "Desk": "posture", "Recovery": "recovery", "Rehab": "recovery", "Healing": "recovery"}
COMMENTS = [  # (post index, commenter, text, reply-to index within this post's comments or None)
    (0, "Karen M", "I had two PRP shots for my elbow last spring and can finally lift my grandson.", None),
    (0, "Tom R", "How long did the soreness last after the injection?", 0),
    (4, "Tom R", "The nerve glide exercises helped more than the pills did. Thank you.", None),
    (9, "Karen M", "Does insurance usually cover hyaluronic acid injections?", None),
    (9, "Linda P", "Mine did, after a letter from my doctor.", 0),
]
PAGES = [("About", "about"), ("Contact", "contact")]

_SENTENCES = [
    "Many patients come to us after months of rest that did not help.",
    "The first step is an exam that checks strength, range of motion and how the pain behaves under load.",
    "Imaging is useful when it would change the plan, not as a routine first step.",
    "Most people improve with a structured program of exercise over six to twelve weeks.",
    "We explain the evidence plainly, including where the studies are small or mixed.",
    "Injections are one option among several, and they work best alongside rehabilitation.",
    "Sleep, nutrition and stress all change how tissues heal and how pain is felt.",
    "A gradual return to activity lowers the chance of the problem coming back.",
    "Your plan should fit your goals, whether that is a marathon or a walk with the dog.",
    "Ask your clinician what results to expect and how progress will be measured.",
]


def _paragraph(rng: random.Random, topic: str) -> str:
    picked = rng.sample(_SENTENCES, 4)
    return f"When it comes to {topic.lower()}, details matter. " + " ".join(picked)


def _content(rng: random.Random, topic: str) -> str:
    """Block-editor markup: paragraphs, two headings and a list, a few hundred words."""
    blocks = []
    for heading in ("What causes it", "How we treat it"):
        blocks += [_block("paragraph", f"<p>{_paragraph(rng, topic)}</p>"),
                   _block("paragraph", f"<p>{_paragraph(rng, topic)}</p>"),
                   _block("heading", f'<h2 class="wp-block-heading">{heading}</h2>')]
    items = "".join(f"<li>{s}</li>" for s in rng.sample(_SENTENCES, 4))
    blocks += [_block("list", f"<ul>{items}</ul>"), _block("paragraph", f"<p>{_paragraph(rng, topic)}</p>")]
    return "\n\n".join(blocks)


def _block(name: str, html: str) -> str:
    return f"<!-- wp:{name} -->\n{html}\n<!-- /wp:{name} -->"


def slugify(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower().replace("'", "")).split())


def _terms(title: str, table: dict, names: list) -> list[str]:
    found = [names[v] if isinstance(v, int) else v for k, v in table.items() if k.lower() in title.lower()]
    return list(dict.fromkeys(found))


def clinic_posts(now: datetime | None = None) -> list[dict]:
    """The 42 posts, oldest first: slug, title, author login, content, date_gmt, categories, tags."""
    rng = random.Random(15)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    start = now - timedelta(days=400)
    posts = []
    for index, title in enumerate(TOPICS):
        # Spread over past months; every third post at 02:30 UTC, the previous evening in Chicago.
        day = start + timedelta(days=index * 9)
        at = day.replace(hour=2 if index % 3 == 0 else 15, minute=30, second=0)
        posts.append({
            "slug": slugify(title), "title": title, "author": AUTHORS[index % len(AUTHORS)][0],
            "content": _content(rng, title), "date_gmt": at.strftime("%Y-%m-%d %H:%M:%S"),
            "categories": _terms(title, CATEGORY_OF, CATEGORIES) or [CATEGORIES[index % 7]],
            "tags": _terms(title, TAG_OF, TAGS),
        })
    return posts


def new_post(now: datetime | None = None) -> dict:
    """A post published between crawls."""
    at = (now or datetime.now(UTC)).replace(microsecond=0) - timedelta(hours=1)
    rng = random.Random(16)
    title = "Cold Plunges After Hard Training"
    return {"slug": slugify(title), "title": title, "author": "mchen", "content": _content(rng, title),
            "date_gmt": at.strftime("%Y-%m-%d %H:%M:%S"), "categories": ["Sports Injuries"],
            "tags": ["recovery"]}


def author_name(login: str) -> str:
    return next(display for user, display, *_ in AUTHORS if user == login)
