import pytest

from archive.extract import extract
from archive.extract.byline_text import parse_byline


@pytest.mark.parametrize("byline, expected", [
    ("James Leiber, DO", [("James Leiber", ["DO"], "author")]),
    ("By Sarah Lee, PT, DPT and Mark Ruiz, MD",
     [("Sarah Lee", ["PT", "DPT"], "author"), ("Mark Ruiz", ["MD"], "author")]),
    ("James Leiber, DO Medically Reviewed By Ignatios Papas, DO",
     [("James Leiber", ["DO"], "author"), ("Ignatios Papas", ["DO"], "reviewer")]),
    ("By Amy Chen, ND, and Paul Ortiz, RD, LDN | Medically reviewed by Laura Brandt, MD",
     [("Amy Chen", ["ND"], "author"), ("Paul Ortiz", ["RD", "LDN"], "author"),
      ("Laura Brandt", ["MD"], "reviewer")]),
    ("Fact checked by John Smith, Ph.D.", [("John Smith", ["PhD"], "reviewer")]),
    ("Written by Dr. Amy Chen", [("Amy Chen", [], "author")]),
    ("Posted by admin on March 4, 2024", []),
    ("By Staff | 6 min read", []),
    ("Follow Author", []),
    ("@lakesidewellness", []),
    ("Authors: Julie Weisenhorn and Natalie Hoidal, Extension horticulture educators",
     [("Julie Weisenhorn", [], "author"), ("Natalie Hoidal", [], "author")]),
    ("Saru Yeknom Saru Yeknom", [("Saru Yeknom", [], "author")]),
    ("Article by: Cara Dumaplin RN, BSN, Certified Pediatric Sleep Consultant",
     [("Cara Dumaplin", ["RN", "BSN"], "author")]),
    ("Written By", []),
    ("Harry Rabinowitz Tech Reporter", [("Harry Rabinowitz", [], "author")]),
    ("By Emily Way Tested by Katie Bandurski and Mary Henn",
     [("Emily Way", [], "author"), ("Katie Bandurski", [], "contributor"), ("Mary Henn", [], "contributor")]),
    ("By Genaveve Bradshaw ⋅ Senior Review Analyst ⋅ Updated March 5", [("Genaveve Bradshaw", [], "author")]),
    # A date beside the name ends it; what follows the date is a title, what is glued to it a desk.
    ("Luke Kim December 17, 2025", [("Luke Kim", [], "author")]),
    ("Andrew Gerrand 4 August 2010", [("Andrew Gerrand", [], "author")]),
    ("Dec 17, 2025 Julian K. Arni", [("Julian K. Arni", [], "author")]),
    ("By Elaine Chen Dec. 18, 2025 National Biotech Reporter", [("Elaine Chen", [], "author")]),
    ("by Emily Baron Cadloff, Modern Farmer October 10, 2021", [("Emily Baron Cadloff", [], "author")]),
    ("Posted by Colin Watson on 2025-12-18 in debusine.", [("Colin Watson", [], "author")]),
    ("James Leiber, DO Published: March 18, 2024", [("James Leiber", ["DO"], "author")]),
    ("By Dieter Hogen with Uta Pippig", [("Dieter Hogen", [], "author"), ("Uta Pippig", [], "author")]),
    # Two capitals before a name are initials, not a credential.
    ("Recipe by PJ Hamel", [("PJ Hamel", [], "author")]),
    ("USA TODAY", []),
    ("Guide by Will Judd Former Deputy Tech Editor", [("Will Judd", [], "author")]),
    ("Written by Emma Ryan Researched by Oliver Simpson Updated on February 24, 2026",
     [("Emma Ryan", [], "author"), ("Oliver Simpson", [], "contributor")]),
    ("Full Bio", []),
    # Bylines in German, French and Spanish: their lead, joining word and dates.
    ("von Lars Fischer und Alina Schadwinkel", [("Lars Fischer", [], "author"), ("Alina Schadwinkel", [], "author")]),
    ("VON MORITZ GATHMANN am 21. April 2020", [("MORITZ GATHMANN", [], "author")]),
    ("Par Matthieu Hy le 07 Mai 2020", [("Matthieu Hy", [], "author")]),
    ("Ein Artikel von Pamela Sladky | 27.01.2022 - 12:45", [("Pamela Sladky", [], "author")]),
    ("Sara Zinnecker Stand: 4. Mai 2022", [("Sara Zinnecker", [], "author")]),
    ("Ursula von der Leyen", [("Ursula von der Leyen", [], "author")]),
    ("Christoph Hein Chefredakteur", [("Christoph Hein", [], "author")]),
])
def test_parse_byline(byline, expected):
    people = parse_byline(byline)
    assert [(p.name, p.credentials, p.role) for p in people] == expected


def test_a_byline_in_the_posts_own_entry_footer_is_its_author():
    paragraph = "<p>" + "Knee pain after running often settles with changed training and strength work. " * 10 + "</p>"
    html = ("<html><head><title>Knee pain after running</title><meta property='og:type' content='article'></head>"
            "<body><article><h1>Knee pain after running</h1><div class='entry-content'>" + paragraph * 3 +
            "</div><footer class='entry-footer'><span class='byline'>By Jane Roe, PT</span></footer></article>"
            "<footer class='site-footer'><span class='byline'>By Site Admin</span></footer></body></html>")
    article = extract(html, "https://clinic.test/blog/knee/")
    assert [p.display() for p in article.authors] == ["Jane Roe, PT"]


@pytest.mark.parametrize("printed, expected", [
    ("Von Jule Radeck", ["Jule Radeck"]),
    ("Veröffentlicht von HansG", ["HansG"]),
    ("Par Chokri Gharbi", ["Chokri Gharbi"]),
    ("Por Alberto Ávila", ["Alberto Ávila"]),
    ("Ursula von der Leyen", ["Ursula von der Leyen"]),  # "von" inside a name is a particle
])
def test_a_byline_lead_in_another_language_is_not_part_of_the_name(printed, expected):
    paragraph = "<p>" + "Die Praxis bietet ab November samstags Physiotherapie und Massagen an. " * 8 + "</p>"
    html = ("<html><head><title>Neue Öffnungszeiten der Praxis am Samstag</title>"
            "<meta property='og:type' content='article'><meta name='author' content='" + expected[0] + "'></head>"
            "<body><article><h1>Neue Öffnungszeiten der Praxis am Samstag</h1><div class='byline'><span class='author'>"
            + printed + "</span></div><div class='entry-content'>" + paragraph * 3 + "</div></article></body></html>")
    article = extract(html, "https://praxis.test/blog/samstag/")
    assert [p.display() for p in article.authors] == expected


def test_a_line_of_its_own_opening_with_another_languages_lead_names_the_author():
    paragraph = "<p>" + "Die Praxis bietet ab November samstags Physiotherapie und Massagen an. " * 8 + "</p>"
    html = ("<html><head><title>Neue Öffnungszeiten</title><meta property='og:type' content='article'></head><body>"
            "<article><h1>Neue Öffnungszeiten der Praxis am Samstag</h1><p><i>von Daniela Obers</i></p>"
            + paragraph * 3 + "<p><strong>Door View Cam</strong> is how our front desk sees who rings.</p>"
            "</article></body></html>")
    article = extract(html, "https://praxis.test/blog/samstag/")
    assert [p.display() for p in article.authors] == ["Daniela Obers"]  # and "Door" is no Dutch "by"


@pytest.mark.parametrize("byline, meta, expected", [
    ("<p class='byline'>By Jane Roe</p>", "Nordwest Verlag", ["Jane Roe"]),  # the publisher
    ("<p class='byline'>By Jane Roe</p>", "Jane Roe, Sam Poe", ["Jane Roe", "Sam Poe"]),  # a co-author
    ("", "Sam Poe", ["Sam Poe"]),  # the only word on who wrote it
])
def test_an_author_meta_naming_none_of_the_bylines_people_is_not_a_co_author(byline, meta, expected):
    paragraph = "<p>" + "Knee pain after running often settles with changed training and strength work. " * 10 + "</p>"
    html = ("<html><head><title>Knee pain after running</title><meta property='og:type' content='article'>"
            f"<meta name='author' content='{meta}'></head><body><article><h1>Knee pain after running</h1>{byline}"
            f"<div class='entry-content'>{paragraph * 3}</div></article></body></html>")
    article = extract(html, "https://clinic.test/blog/knee/")
    assert [p.display() for p in article.authors] == expected
