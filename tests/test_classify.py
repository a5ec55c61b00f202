"""Posts without markup, dates or bylines are kept; indexes, shops and WordPress pages are not."""

from archive.extract import extract

PARAGRAPH = ("Knee pain after running often comes from the way the load of each stride reaches the joint, "
             "and most of it settles with a few weeks of changed training, strength work for the hips and "
             "calves, and patience while the tissue adapts to what we ask of it. ")


def prose(paragraphs: int = 4) -> str:
    return "".join(f"<p>In the {n}th week of care: {PARAGRAPH}{PARAGRAPH}</p>" for n in range(4, 4 + paragraphs))


def page(title: str, body: str, body_class: str = "") -> bytes:
    return (f"<html><head><title>{title}</title></head><body class='{body_class}'><header><a href='/'>Home</a>"
            f"</header><main><h1>{title}</h1>{body}</main><footer>© Clinic</footer></body></html>").encode()


def test_an_undated_unmarked_post_of_plain_prose_is_kept_saying_why():
    result = extract(page("Why runners get knee pain and what helps", prose()),
                     "https://clinic.test/why-runners-get-knee-pain")
    assert result.kind == "article"
    assert result.reason.endswith("no article markup and no listing signals")
    assert "stride" in result.body_text


def test_a_wordpress_page_of_the_same_prose_is_not_a_post():
    result = extract(page("Why runners get knee pain and what helps", prose(),
                          body_class="page-template-default page page-id-31"),
                     "https://clinic.test/treatments/knee-pain/")
    assert result.kind == "other"


SENTENCES = ("Most knee pain after running settles within a few weeks of changed training. ",
             "Strength work for the hips and calves takes load off the joint as it heals. ",
             "Pain that wakes you at night or swells the knee needs an examination first. ")


def short_paragraphs(count: int = 16) -> str:
    return "".join(f"<p>{SENTENCES[n % 3]}</p>" for n in range(count))


def test_an_unmarked_post_of_short_paragraphs_in_full_sentences_is_kept_saying_why():
    result = extract(page("Five signs your knee pain needs a physio", short_paragraphs()),
                     "https://clinic.test/five-signs-your-knee-pain-needs-a-physio")
    assert result.kind == "article"
    assert result.reason.startswith("223 words of prose (100% in sentences of 10+ words) under a title of 8 words")


def test_short_paragraphs_on_a_page_its_builder_calls_a_website_page_are_not_a_post():
    # Wix and Squarespace print og:type website on the static pages (services) and article on posts
    html = page("Knee pain care in Madison today", short_paragraphs()).replace(
        b"</head>", b'<meta property="og:type" content="website"></head>')
    assert extract(html, "https://clinic.test/knee-pain-care").kind == "other"


def test_a_post_filed_under_a_dated_archive_path_is_not_an_index():
    html = page("Why runners get knee pain and what helps", prose())
    assert extract(html, "https://clinic.test/archives/2025/12/16/knee_pain.html").kind == "article"
    assert extract(html, "https://clinic.test/archives/2025/12/16/").kind == "listing"


NEWS_ITEM = ("<p>Our Bockenem clinic opens on Saturdays from November. Physiotherapy, massage and "
             "sports injury checks are offered from 8 to 13 o'clock, and the first visit needs no referral "
             "from a doctor. Book by phone or at the front desk, as before. Weekday hours stay the same, and parking behind the building is free.</p>")


def test_a_short_dated_post_with_a_byline_or_at_a_dated_permalink_is_kept_saying_why():
    dated = NEWS_ITEM.replace("<p>", "<p class='meta'>November 1, 2023</p><p class='byline'>By <a rel='author' "
                                     "href='/author/anna-weber/'>Anna Weber</a></p><p>", 1)
    bylined = extract(page("Saturday opening hours", dated), "https://clinic.test/news/saturday-hours/")
    assert bylined.kind == "article", bylined.reason
    assert bylined.reason.startswith("a short post: 53 words of main text with a date and a byline")
    undated_byline = NEWS_ITEM.replace("<p>", "<p>November 1, 2023</p><p>", 1)
    permalink = extract(page("Saturday opening hours", undated_byline),
                        "https://clinic.test/2023/11/01/saturday-hours/")
    assert permalink.kind == "article", permalink.reason
    assert "a dated permalink (/2023/11/01/saturday-hours/)" in permalink.reason
    # the same short text, dated but at no dated permalink and with no byline, is not taken for a post
    assert extract(page("Saturday opening hours", undated_byline), "https://clinic.test/news/saturday-hours/"
                   ).kind == "other"


def test_a_blog_node_describing_this_very_post_marks_it_as_one():
    node = ('{"@context": "https://schema.org", "@type": "Blog", "name": "Clinic notes", "blogPost": '
            '[{"@type": "BlogPosting", "headline": "Knee pain", "url": "https://clinic.test/post/knee-pain"}]}')
    html = page("Knee pain", short_paragraphs(4)).replace(
        b"</head>", f'<script type="application/ld+json">{node}</script></head>'.encode())
    result = extract(html, "https://clinic.test/post/knee-pain")
    assert (result.kind, result.reason) == ("article", "JSON-LD BlogPosting and a body of 55 words")
    assert extract(html, "https://clinic.test/blog/").kind == "listing"  # the Blog lists posts elsewhere


def test_a_category_page_linking_to_the_pages_under_its_path_is_a_listing():
    grid = "".join(f"<li><a href='/knee-braces/brace-{n}'><img src='/b{n}.jpg'>Brace {n}</a></li>" for n in range(6))
    html = page("Knee braces for runners and walkers", prose()).replace(b"</main>", f"<ul>{grid}</ul></main>".encode())
    result = extract(html, "https://clinic.test/knee-braces/")
    assert result.kind == "listing"
    assert result.reason.startswith("6 links to pages under its own path (/knee-braces/)")


def test_a_post_linking_to_other_sections_is_kept():
    grid = "".join(f"<li><a href='/knee-braces/brace-{n}'>Brace {n}</a></li>" for n in range(6))
    html = page("Why runners get knee pain and what helps", prose()).replace(b"</main>", f"<ul>{grid}</ul></main>".encode())
    assert extract(html, "https://clinic.test/why-runners-get-knee-pain").kind == "article"


def test_a_section_page_marked_as_an_article_but_full_of_teasers_is_a_listing():
    cards = "".join(f"<article><h3><a href='/news/story-{n}'>Story {n}</a></h3>"
                    f"<p><a href='/news/story-{n}'>{PARAGRAPH}</a></p></article>" for n in range(10))
    html = page("Sports medicine news", f"<p>{PARAGRAPH}</p>").replace(
        b"</head>", b"<meta property='og:type' content='article'></head>").replace(
        b"</main>", f"</main><section>{cards}</section>".encode())
    result = extract(html, "https://clinic.test/sports-medicine-news")
    assert result.kind == "listing"
    assert result.reason.startswith("10 post teasers beside the main text hold 490 words, over twice its 48")
    assert result.reason.endswith("and no byline: an index, though marked as an article")


def test_sections_of_a_post_in_article_elements_are_not_teasers():
    sections = "".join(f"<article class='step'><h2>Step {n}: load the knee gradually</h2><p>{PARAGRAPH}"
                       f"See our <a href='/guides/loading-{n}'>loading guide</a> for the details.</p></article>"
                       for n in range(3))
    result = extract(page("Coming back to running after knee pain", sections), "https://clinic.test/back-to-running")
    assert result.kind == "article"
    cards = "".join(f"<article><h2><a href='/blog/post-{n}'>Knee story {n}</a></h2><p>{PARAGRAPH}</p></article>"
                    for n in range(3))
    assert extract(page("Coming back to running after knee pain", cards), "https://clinic.test/back-to-running").kind \
        == "listing"


def test_a_home_page_reached_through_a_tracked_search_click_is_the_home_page():
    html = page("Why runners get knee pain and what helps", prose())
    result = extract(html, "https://clinic.test/?srsltid=AfmBOoq3x&utm_source=google")
    assert result.kind == "other"
    assert result.reason == "site home page (with tracking parameters)"
    assert extract(html, "https://clinic.test/?p=123").kind == "article"


def test_a_category_url_outweighs_og_type_article_alone():
    html = page("Knee braces", prose()).replace(b"</head>", b"<meta property='og:type' content='article'></head>")
    result = extract(html, "https://clinic.test/shop/category/knee-braces/")
    assert result.kind == "listing"
    assert result.reason == ("URL of a category, tag or topic page (/shop/category/knee-braces/), "
                             "og:type article alone and no byline")
    assert extract(html, "https://clinic.test/category/knee-braces/why-braces-help").kind == "article"


def test_a_shop_category_with_a_grid_of_priced_product_cards_is_a_listing():
    grid = "".join(f"<li class='product'><a href='/p/brace-{n}'><img src='/b{n}.jpg'>Knee brace {n}</a>"
                   f"<span class='price'>${20 + n}.99</span></li>" for n in range(6))
    html = page("Knee braces for runners and walkers", prose()).replace(
        b"</main>", f"<ul class='products'>{grid}</ul></main>".encode())
    result = extract(html, "https://clinic.test/knee-braces")
    assert result.kind == "listing"
    assert result.reason == "6 product cards with prices beside the main text, and no date: a shop's category page"


def test_a_shop_page_with_cart_buttons_is_not_a_post():
    cards = "".join(f"<div><p>{PARAGRAPH * 2}</p><button>Add to cart</button></div>" for _ in range(4))
    result = extract(page("Knee braces for runners and walkers", cards), "https://clinic.test/shop/knee-braces")
    assert result.kind == "other"
    assert "shop" in result.reason


def test_a_page_mostly_of_links_is_not_a_post():
    links = "".join(f"<p><a href='/post-{i}'>{PARAGRAPH}</a> More.</p>" for i in range(6))
    result = extract(page("Everything we wrote about knees", links), "https://clinic.test/knees")
    assert result.kind != "article"


def test_a_byline_of_separate_elements_reads_as_the_name_without_its_job_title():
    byline = "<div class='byline'>By <span class='author'>Stephen Jesudunsin</span><div>AI Writer</div></div>"
    assert authors_of(byline + prose()) == ["Stephen Jesudunsin"]


def test_commenters_are_not_authors():
    comments = ("<div id='comments'><ol class='comment-list'><li><div class='comment-author vcard'>"
                "<span class='author'>Karen M</span></div><p>Thanks!</p></li></ol></div>")
    byline = "<p class='byline'>By <span class='author'>James Leiber, DO</span></p>"
    assert authors_of(byline + prose() + comments) == ["James Leiber"]


def test_an_archive_template_is_a_listing_whatever_its_og_type_says():
    # Yoast and others print og:type article on category archives too
    html = page("Knee Pain", prose(), body_class="archive category category-12 category-knee-pain").replace(
        b"</head>", b'<meta property="og:type" content="article"></head>')
    result = extract(html, "https://clinic.test/topics-knee-pain/")
    assert (result.kind, result.reason) == ("listing", 'the page\'s template is an archive: <body class="archive category">')
    drupal = extract(page("Knee Pain", prose(), body_class="path-taxonomy"), "https://clinic.test/knee")
    assert drupal.kind == "listing"


def authors_of_page(html: bytes) -> list[str]:
    return [p.name for p in extract(html, "https://clinic.test/why-runners-get-knee-pain").authors]


def authors_of(body: str) -> list[str]:
    """The author names extract() finds on a post page with this body."""
    return authors_of_page(page("Why runners get knee pain and what helps", body))


def test_an_element_whose_class_names_the_author_gives_the_byline():
    hero = "<div class='post-hero__author'><div class='post-hero__author__name'>Christian Winter</div></div>"
    assert authors_of(hero + prose()) == ["Christian Winter"]


def test_review_cards_naming_many_people_give_no_byline():
    reviews = "".join(f"<div class='review'><p>{PARAGRAPH}</p><p class='author'>{name}</p></div>"
                      for name in ("Tom Keller", "Amy Stone", "Brandee Moss"))
    assert authors_of(prose() + reviews) == []


def test_a_post_title_in_an_author_named_card_is_not_a_name():
    card = ("<div class='summary-item summary-item-has-author'>"
            "<a>One Week in Japan: Kyoto, Tokyo, Nara, Mt. Fuji</a></div>")
    assert authors_of(prose() + card) == []


def with_head(head: str, body: str) -> bytes:
    return page("Why runners get knee pain and what helps", body).replace(b"</title>", b"</title>" + head.encode())


def test_yoasts_written_by_pair_names_the_author():
    head = "<meta name='twitter:label1' content='Written by'><meta name='twitter:data1' content='Chase Bernath'>"
    assert authors_of_page(with_head(head, prose())) == ["Chase Bernath"]


def test_citation_authors_are_all_the_authors():
    head = "".join(f"<meta name='citation_author' content='{name}'>" for name in ("Aditya Mahindru", "Varun Agrawal"))
    assert authors_of_page(with_head(head, prose())) == ["Aditya Mahindru", "Varun Agrawal"]


def test_a_yoast_data_pair_that_is_not_the_author_is_ignored():
    head = "<meta name='twitter:label1' content='Est. reading time'><meta name='twitter:data1' content='9 minutes'>"
    assert authors_of_page(with_head(head, prose())) == []


def test_a_byline_naming_a_username_or_team_is_kept_as_printed():
    for byline, expected in (("<span class='story-byline'>Posted by BeauHD on Friday December 19</span>", "BeauHD"),
                             ("<p class='authorName'>Podium Staff</p>", "Podium Staff"),
                             ("<div class='author'>Yucy Yucy</div>", "Yucy"),
                             ("<div class='at-author'>Silverback Strategies | October 15, 2025</div>",
                              "Silverback Strategies")):
        assert authors_of(byline + prose()) == [expected]


def test_a_by_line_of_its_own_naming_a_team_is_kept_as_printed():
    for byline, expected in (("<ul><li>by <a href='javascript:void(0)'>Marketing Team</a></li></ul>", "Marketing Team"),
                             ("<div><div>By</div><div>The Meetingnotes Team</div><div>|</div></div>",
                              "The Meetingnotes Team"),
                             ("<div><small>WRITTEN BY</small><p><a href='/author/orbi'>NETGEAR Orbi Team</a></p></div>",
                              "NETGEAR Orbi Team")):
        assert authors_of(byline + prose()) == [expected]


def test_a_byline_naming_only_the_reviewer_still_looks_for_the_author():
    bylines = ("<div><span>By</span> <a class='mntl-attribution__item-name'>The Investopedia Team</a></div>"
               "<p class='byline'>Reviewed by Margaret James</p>")
    article = extract(page("Why runners get knee pain and what helps", bylines + prose()),
                      "https://clinic.test/why-runners-get-knee-pain")
    assert ([p.name for p in article.authors], [p.name for p in article.reviewers]) == (
        ["The Investopedia Team"], ["Margaret James"])


def test_by_words_in_sentences_filters_and_vendor_credits_are_not_printed_authors():
    for line in (f"<p>By focusing on the hips, {PARAGRAPH}</p>", "<p>Freelancers are paid <a>by project</a>. Or not.</p>",
                 "<h2>By business type</h2>", "<ul><li><a href='/shop?f=maker'>By Manufacturer</a></li></ul>",
                 "<small><span>by</span> <a href='https://tsun.ec'>Tsun</a></small>",
                 "<p><strong>By the numbers:</strong></p>"):
        assert authors_of(prose() + line) == [], line


def test_byline_parts_and_labels_are_not_printed_authors():
    byline = ("<div class='byline'><span class='byline__category'>Wellness</span></div>"
              "<li class='authorization-link'>Sign In</li><div class='author-title'>About the Author</div>")
    assert authors_of(byline + prose()) == []


def test_many_one_word_names_in_author_elements_are_reviews_not_a_byline():
    reviews = "".join(f"<div><p>{PARAGRAPH}</p><p class='author'>{name}</p></div>" for name in ("Tom", "Amy", "Lisa"))
    assert authors_of(prose() + reviews) == []


def test_a_by_line_in_any_element_of_the_post_names_the_author():
    line = "<div class='d-flex'>By <a href='/team/matt'>Matthew Richardson</a> ⋅ Review Editor ⋅ Updated May 6</div>"
    assert authors_of(line + prose()) == ["Matthew Richardson"]


def test_a_sentence_opening_with_by_is_not_a_byline():
    form = "<p>By submitting, you acknowledge our Privacy Policy</p>"
    assert authors_of(prose() + form) == []


def test_product_cards_by_several_makers_are_not_a_byline():
    cards = "".join(f"<div><p>{PARAGRAPH}</p><p>By {maker}</p></div>"
                    for maker in ("Ebern Designs", "Latitude Run", "Wade Logan"))
    assert authors_of(prose() + cards) == []


def test_bylines_after_the_body_naming_new_people_belong_to_other_posts():
    body = (f"<p class='byline'>By Scott Samuelson</p><div class='entry-content'>{prose()}</div>"
            "<div class='ArticleRelatedContentList'><a href='/other'>Another story</a>"
            "<address class='byline'>Lori Gottlieb</address></div>"
            "<div class='author-box'><p class='byline'>Scott Samuelson</p></div>")
    assert authors_of(body) == ["Scott Samuelson"]


def test_people_updating_or_testing_a_post_are_not_its_authors():
    byline = "<p class='byline'>By Benjamin Preston</p><p class='byline'>Updated by Jon Linkov</p>"
    assert authors_of(byline + prose()) == ["Benjamin Preston"]


def test_a_posted_by_line_in_the_posts_own_footer_names_the_author():
    footer = "<footer><p>Posted by <a href='/author/colin'>Colin Watson</a></p></footer>"
    html = (f"<html><head><title>Preparing a transition</title></head><body><article><h1>Preparing a transition"
            f"</h1>{prose()}{footer}</article><footer>© Colin's blog</footer></body></html>").encode()
    assert authors_of_page(html) == ["Colin Watson"]


def test_an_aside_before_the_text_of_the_posts_article_is_its_meta_column_but_not_a_sidebar_or_one_after():
    column = "<aside class='post-author'><p>By <a rel='author' href='/profile/ar'>Adam Roberts</a></p></aside>"
    sidebar = "<aside class='sidebar'><p class='byline'>By Jane Roe</p></aside>"
    for before, after, expected in ((column, "", ["Adam Roberts"]), (sidebar, "", []), ("", column, [])):
        html = (f"<html><head><title>Science fiction of 2025</title></head><body><article><h1>Science fiction"
                f" of 2025</h1>{before}{prose()}{after}</article></body></html>").encode()
        assert authors_of_page(html) == expected


def test_a_sidebar_class_on_body_does_not_hide_the_byline():
    # Two h1s (site name and title) and no body container: only <body>'s class names a sidebar.
    html = (f"<html><head><title>Comfort watches</title></head><body class='single profile-right-sidebar'>"
            f"<h1>Whatever</h1><h1>Comfort watches</h1><p>Posted by <a rel='author' href='/author/js'>John Scalzi"
            f"</a></p>{prose()}</body></html>").encode()
    assert authors_of_page(html) == ["John Scalzi"]


def test_a_byline_label_names_the_author_in_the_element_after_it():
    for byline, expected in (("<div><p>Written by</p><p>Edzel Tabing</p></div>", "Edzel Tabing"),
                             ("<div><span>Written by:</span><picture></picture><span>Elise Nass</span></div>",
                              "Elise Nass"),
                             ("<div><h3>Author</h3><p> Lisa D. Ellis</p></div>", "Lisa D. Ellis")):
        assert authors_of(byline + prose()) == [expected]


def test_the_link_after_by_is_the_name_whatever_follows_it():
    line = "<p>By <a href='/contributor/aj'>A. J. Neal</a> <a class='btn'>View In Digital Edition</a></p>"
    assert authors_of(line + prose()) == ["A. J. Neal"]


def test_a_testimonials_author_name_is_not_the_posts_author():
    byline = "<p class='byline'>Written by Jorge Jimenez</p>"
    testimonial = f"<div class='testimonial'><p>{PARAGRAPH}</p><p class='testimonial-author-name'>Sarah M.</p></div>"
    assert authors_of(byline + prose() + testimonial) == ["Jorge Jimenez"]


def test_someone_the_byline_credits_as_tester_is_not_an_author_by_a_bare_name_element():
    byline = ("<div class='author-names'>By Emily Way Tested by Katie Bandurski</div>"
              "<div class='author-name'>Emily Way</div><div class='author-name'>Katie Bandurski</div>")
    assert authors_of(byline + prose()) == ["Emily Way"]


def test_the_printed_byline_wins_over_an_organisation_jsonld_names_as_author():
    head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Knee pain",'
            ' "author": {"@type": "Organization", "name": "Instructables"}}</script>')
    byline = "<div class='header-byline'>By MixmasterFred in Workshop</div>"
    assert authors_of_page(with_head(head, byline + prose())) == ["MixmasterFred"]
    assert authors_of_page(with_head(head, prose())) == ["Instructables"]


def test_an_author_meta_naming_the_site_gives_way_to_the_byline():
    head = "<meta name='author' content='One Tree Planted'><meta property='og:site_name' content='One Tree Planted'>"
    assert authors_of_page(with_head(head, "<p>By Meaghan Weeden</p>" + prose())) == ["Meaghan Weeden"]


def test_the_name_inside_a_microdata_author_is_read_without_the_bio():
    bio = "Trevor is a Senior Digital Marketing Manager. " * 8
    author = (f"<div itemprop='author' itemscope><div itemprop='name'><a href='/authors/trevor'>Trevor Jackins</a>"
              f"</div><div itemprop='description'>{bio}</div></div>")
    assert authors_of(prose() + author) == ["Trevor Jackins"]


def test_an_author_element_opening_with_a_role_phrase_names_people_before_their_job():
    block = ("<div class='field--name-field-authors'>Authors: Julie Weisenhorn and Natalie Hoidal,"
             " Extension horticulture educators</div>")
    assert authors_of(block + prose()) == ["Julie Weisenhorn", "Natalie Hoidal"]


def test_byline_cards_naming_none_of_the_jsonld_authors_are_other_posts():
    head = ('<script type="application/ld+json">{"@type": "Article", "headline": "Knee pain",'
            ' "author": {"@type": "Person", "name": "Scott Samuelson"}}</script>')
    byline = "<div class='hero-byline'>By Scott Samuelson and Lori Gottlieb</div>"
    cards = "".join(f"<div><a href='/p{n}'>Another post</a><address class='item-byline'>{name}</address></div>"
                    for n, name in enumerate(("Lillyth Quillan", "Alexis C. Madrigal")))
    assert authors_of_page(with_head(head, byline + prose() + cards)) == ["Scott Samuelson", "Lori Gottlieb"]
    # Without JSON-LD the cards are not told apart.
    assert "Lillyth Quillan" in authors_of_page(with_head("", byline + prose() + cards))


def test_a_reviewer_credited_in_a_page_builder_module_of_its_own_is_the_posts_reviewer():
    # Divi: the title module prints the byline, a text module of its own the medical review
    html = ("<html><head><title>Knee pain</title><meta property='og:type' content='article'></head><body>"
            "<div class='et_pb_section'><div class='et_pb_module et_pb_post_title'><h1>Knee pain</h1>"
            "<p class='et_pb_title_meta_container'>by <span class='author vcard'><a href='/author/jane/'>Jane Doe</a>"
            "</span></p></div><div class='et_pb_module et_pb_text'><div class='et_pb_text_inner'><p><strong>"
            "Medically Reviewed By:</strong> Sam Lee, DPT</p></div></div>"
            f"<div class='et_pb_module et_pb_post_content'>{prose()}</div></div></body></html>").encode()
    result = extract(html, "https://clinic.test/knee-pain/")
    assert [p.name for p in result.authors] == ["Jane Doe"]
    assert [(p.name, p.credentials) for p in result.reviewers] == [("Sam Lee", ["DPT"])]
    assert "Reviewed" not in result.body_text



LINES = "<br>".join("Knee pain after running often settles with a few weeks of changed training." for _ in range(12))


def test_a_blogger_posts_byline_inside_its_blog_widget_is_read():
    # Blogger wraps its posts in <div class="widget Blog">, and writes them as <br>-separated lines
    html = ("<html><head><title>Knee pain after running</title></head><body>"
            "<div class='widget Header'><h2>Lakeside Physio</h2></div><div class='widget Blog' id='Blog1'>"
            "<div class='post hentry'><h3 class='post-title'>Knee pain after running</h3>"
            f"<div class='post-body entry-content'>{LINES}</div><div class='post-footer'>"
            "<span class='post-author vcard'>Posted by <span class='fn'>Jane Roe</span></span></div></div></div>"
            "<div class='widget Profile'><span class='author'>By Sam Poe</span></div></body></html>")
    article = extract(html, "https://lakeside.blogspot.com/2024/05/knee-pain.html")
    assert [p.display() for p in article.authors] == ["Jane Roe"]


def test_a_sidebar_layout_class_around_the_posts_article_does_not_hide_its_byline():
    html = ("<html><head><title>Knee pain after running</title><meta property='og:type' content='article'></head>"
            "<body><h1>Lakeside Physio</h1><div id='main' class='one-sidebar'><article><h1>Knee pain after running</h1>"
            "<p class='meta'><span class='byline'>von <span class='author vcard'>KleineGrüneMonster</span></span></p>"
            + prose() + "</article></div><aside class='widget'><span class='byline'>By Sam Poe</span></aside></body></html>")
    article = extract(html, "https://clinic.test/2016/01/01/knee-pain/")
    assert [p.display() for p in article.authors] == ["KleineGrüneMonster"]
