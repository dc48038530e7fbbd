#!/usr/bin/env python3
"""check.py CLASS OUT — checks a class report (test_classreport.c).

OUT holds what `grade 01-udp-uppercase --class CLASS --format json --similar
-o OUT` wrote.  Every number of OUT/summary.json is recomputed here from the
students' own JSON reports and must be equal; the class of mkclass.sh adds
facts known in advance (who has full marks, which build fails, which pairs
are copies, who is paired with nobody); OUT/report.html, opened in headless
Chromium, logs nothing to the console and shows one bar per test.
"""
import collections, html.parser, json, os, subprocess, sys

cls, out = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(cls), key=lambda n: n.encode())
# A student called summary has the report summary.json: the class's files are class-*.
pre = 'class-' if 'summary' in names else ''
summary = json.load(open(os.path.join(out, pre + 'summary.json'), encoding='utf-8'))
reps = [json.load(open(os.path.join(out, n + '.json'), encoding='utf-8')) for n in names]
first = lambda s: s.split('\n')[0]

assert summary['submissions'] == len(names), summary['submissions']
assert summary['seed'] == reps[0]['seed'] and summary['max_points'] == reps[0]['max_score']
assert summary['scores'] == [r['score'] for r in reps], summary['scores']
hist = [0] * 11
for r in reps:
    hist[10 if r['score'] >= r['max_score'] else r['score'] * 10 // r['max_score']] += 1
assert summary['histogram'] == hist, (summary['histogram'], hist)
for i, t in enumerate(summary['tests']):
    got = [r['tests'][i] for r in reps]
    assert all(g['name'] == t['name'] for g in got), t['name']
    count = collections.Counter(g['status'] for g in got)
    assert (t['passed'], t['failed'], t['skipped'], t['not_run']) == \
        (count['pass'], count['fail'] + count['error'], count['skipped'], 0), (t, count)
    lines = collections.Counter(first(g['message']) for g in got if g['status'] in ('fail', 'error'))
    want = sorted(lines.items(), key=lambda kv: (-kv[1], kv[0].encode()))
    assert [(f['line'], f['count']) for f in t['failures']] == want, (t['name'], t['failures'], want)
builds = [{'submission': n, 'status': 'error' if r['build']['status'] == 'error' else 'failed',
           'message': first(r['build']['message'])}
          for n, r in zip(names, reps) if r['build']['status'] != 'pass']
assert summary['build_failures'] == builds, (summary['build_failures'], builds)

# What the class was made to be.
score = dict(zip(names, summary['scores']))
copies = ['ref', 'copy_renamed', "<b>copy & 'paste'"]
for n in copies + ['independent']:
    assert score[n] == 100, (n, score[n])
assert score['starter'] == 0 and score['broken'] == 0
assert pre == 'class-' and 'submission' in reps[names.index('summary')], 'summary.json was replaced'
assert [b['submission'] for b in builds] == ['broken'], builds
sim = summary['similar']
prints = dict(zip(names, sim['fingerprints']))
assert prints['starter'] == 0 and prints['summary'] == 0 and prints['independent'] > 20, prints
pairs = {frozenset((p['a'], p['b'])): p for p in sim['pairs']}
for i, a in enumerate(copies):
    for b in copies[i + 1:]:
        p = pairs.get(frozenset((a, b)))
        assert p is not None and p['score'] == 1.0 and p['matches'], (a, b, p)
for p in sim['pairs']:
    assert not {'independent', 'starter', 'broken', 'summary'} & {p['a'], p['b']}, p
    assert p['score'] >= sim['threshold'], p

# The page, as Chromium renders it.
page = os.path.join(out, pre + 'report.html')
run = subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu',
                      '--enable-logging=stderr', '--v=0', '--dump-dom', 'file://' + page],
                     capture_output=True, text=True, timeout=120)
assert run.returncode == 0, run.stderr
console = [l for l in run.stderr.splitlines() if ':CONSOLE' in l]
assert not console, console

class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.bars, self.tags, self.text = set(), collections.Counter(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if tag == 'svg' and a.get('class') == 'testbar':
            self.bars.add(a.get('data-test'))
    def handle_data(self, data):
        self.text.append(data)

dom = Dom()
dom.feed(run.stdout)
assert dom.bars == {t['name'] for t in summary['tests']}, dom.bars
assert dom.tags['b'] == 0 and dom.tags['script'] == 0, dom.tags
assert "<b>copy & 'paste'" in ''.join(dom.text), 'the name is not shown as text'
assert dom.tags['rect'] >= 11 + 3 * len(summary['tests']), dom.tags
print('class report ok')
