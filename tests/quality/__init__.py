"""Quality checkers for the pages newsgen writes (issue: no page may be invalid, inaccessible,
broken or mis-rendered without a test failing).

Each module is a checker that takes built files and returns problems as plain strings
(never asserts itself), so that the same checker runs on the fixture site, on the real
corpus and on hand-made broken pages (the negative tests prove each checker can fail):

- ``env``: where the tools are, and the CI rule (missing tool: skip locally, fail under CI=true)
- ``sites``: building a site through ``newsgen.cli.main`` and mapping URLs to built files
- ``vnu``: the Nu HTML Checker over many files in one Java run
- ``links``: every internal href/src/srcset/url() and #fragment resolves
- ``feeds``: RSS/Atom/JSON feeds and sitemaps parse and point at built pages
- ``browser``: Chromium through Playwright: console, requests, axe-core, overflow, bidi order
- ``stats``: counters printed at the end of a run (pages validated, links checked, ...)
- ``plugin``: the session fixtures (one build per site, one JVM, one browser per module) and the summary
"""
