"""Hand-made pages for the negative tests: each one carries exactly the defect a checker must report,
next to a clean control that the same checker must pass."""
from __future__ import annotations

from pathlib import Path

HEAD = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def page(title: str, body: str) -> str:
    return HEAD.format(title=title, body=body)


GOOD = page("صفحة سليمة", '<p>قال <span dir="ltr">Steve Witkoff</span> 55 مرة إن الاتفاق قريب.</p>')
MARQUEE = page("صفحة فيها marquee", "<marquee>خبر عاجل يتحرك</marquee>")
GOOD_CSS = "body { color: #111; background: #fff; }\n"
BROKEN_CSS = "body { color: #111; margin: ; }\np { colr: red; width: 10 pixels; }\n"

UNLABELLED_INPUT = page("بحث", '<form action="#"><input type="text" name="q"><button>ابحث</button></form>')
LABELLED_INPUT = page("بحث", '<form action="#"><label for="q">كلمات البحث</label> '
                             '<input type="text" id="q" name="q"><button>ابحث</button></form>')
OVERFLOWING = page("صفحة أعرض من الشاشة", '<div style="width: 900px">جدول عريض</div>')
CONSOLE_AND_404 = page("أخطاء في المتصفح", '<img src="missing.png" alt="صورة مفقودة">'
                                           '<script>console.error("boom")</script>')
EXTERNAL_FONT = page("خط خارجي", '<link rel="stylesheet" href="https://fonts.example.net/arabic.css"><p>نص</p>')
# The bidi case without (and with) the isolate newsgen adds: "55" jumps to the wrong side of the name.
BIDI_WRONG = page("ترتيب خاطئ", '<p id="case">قال Steve Witkoff 55 مرة</p>')
BIDI_RIGHT = page("ترتيب صحيح", '<p id="case">قال <span dir="ltr">Steve Witkoff</span> 55 مرة</p>')
PHONE_WRONG = page("رقم هاتف", '<p id="case">اتصلوا على +961 1 234 567 الآن</p>')

# A tiny site for the link checker, served at https://neg.example.org/site/.
LINK_SITE_BASE = "https://neg.example.org/site/"
LINK_SITE = {
    "index.html": page("روابط", "\n".join([
        '<p><a href="#main-text">فقرة موجودة</a></p>',                       # ok
        '<p id="main-text"><a href="/site/ok/">موجود</a></p>',               # ok
        '<p><a href="/site/%D8%AE%D8%A8%D8%B1/">خبر (مرمز)</a></p>',          # ok: encoded Arabic path
        '<p><a href="https://other.example.com/x">موقع آخر</a></p>',         # external: not fetched
        '<p><a href="mailto:desk@example.org">بريد</a></p>',                 # not fetched
        '<p><a href="/site/missing/">رابط ميت</a></p>',                      # DEAD
        '<p><a href="ok/#nowhere">جزء مفقود</a></p>',                        # MISSING FRAGMENT
        '<p><a href="/elsewhere/">خارج الموقع</a></p>',                      # OUTSIDE THE SITE
        '<p><a href="/site/خبر/">خبر غير مرمز</a></p>',                      # NOT PERCENT-ENCODED
        '<p><a href="/site/ok">بلا شرطة</a></p>',                            # FOLDER WITHOUT SLASH
        '<p><img src="static/missing.png" alt="صورة"></p>',                  # DEAD
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"url": "https://neg.example.org/site/gone/"}</script>',            # DEAD (structured data)
    ])),
    "ok/index.html": page("موجود", '<p id="here">هنا</p>'),
    "خبر/index.html": page("خبر", "<p>خبر</p>"),
}
LINK_SITE_EXPECTED = [
    "'/site/missing/': dead link (no such file in the build)",
    "'ok/#nowhere': no id 'nowhere' in ok/index.html",
    "'/elsewhere/': same host but outside the site",
    "'/site/خبر/': internal URL is not percent-encoded",
    "'/site/ok': dead link (folder link without trailing slash)",
    "'static/missing.png': dead link (no such file in the build)",
    "ld+json='https://neg.example.org/site/gone/': dead link (no such file in the build)",
]

FEED_BASE = "https://neg.example.org/site/"
BROKEN_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>خلاصة معطوبة</title><link>https://neg.example.org/site/</link><description>د</description>
<item><title>بلا معرف</title><link>https://neg.example.org/site/ok/</link>
<pubDate>Thu, 05 Feb 2026 00:00:00 +0000</pubDate>
<content:encoded>&lt;p&gt;&lt;a href="../../ok/"&gt;رابط نسبي&lt;/a&gt;&lt;/p&gt;</content:encoded></item>
<item><title>رابط خارجي</title><link>https://elsewhere.example.com/x/</link>
<guid isPermaLink="false">x-2</guid><pubDate>Wed, 04 Feb 2026 00:00:00 +0000</pubDate></item>
<item><title>أرقام هندية</title><link>https://neg.example.org/site/ok/</link>
<guid isPermaLink="false">x-3</guid><pubDate>Tue, ٠٣ Feb ٢٠٢٦ 00:00:00 +0000</pubDate></item>
<item><title>رابط ميت</title><link>https://neg.example.org/site/gone/</link>
<guid isPermaLink="false">x-4</guid><pubDate>Mon, 02 Feb 2026 00:00:00 +0000</pubDate></item>
</channel></rss>
"""
MALFORMED_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>غير سليمة & </title><item><title>x</item></channel></rss>
"""
BROKEN_FEED_EXPECTED = [
    "broken.xml: item 1: no guid",
    "broken.xml: item 1 content: relative URL '../../ok/'",
    "broken.xml: item 2 <link> 'https://elsewhere.example.com/x/' is not under base_url",
    "broken.xml: item 3: pubDate 'Tue, ٠٣ Feb ٢٠٢٦ 00:00:00 +0000' is not RFC 822 with ASCII digits",
    "broken.xml: item 4 <link> 'https://neg.example.org/site/gone/' does not resolve to a built file",
    "malformed.xml: not well-formed XML",
    "malformed.xml: feedparser bozo",
]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def vnu_samples(root: Path) -> dict[str, Path]:
    """The pages and stylesheets the negative vnu tests feed to the one Java run."""
    files = {"good.html": GOOD, "marquee.html": MARQUEE, "good.css": GOOD_CSS, "broken.css": BROKEN_CSS}
    write(root, files)
    return {name: root / name for name in files}
