#!/usr/bin/env python3
"""bench/script_cost.py: Redis time per call of ingest.lua, from INFO commandstats.

Sends N EVALSHA calls of the script as the daemon runs it (the generated full
text, build/src/store/lua/ingest.lua), filling its keys and arguments by the
names the script declares (--! keys/args lines of src/store/lua/ingest.lua),
through redis-cli --pipe to an otherwise idle Redis, and prints Redis's own
usec_per_call for two shapes:
  new   every message from a new customer: each opens a conversation
  join  every message from one customer: each joins the open conversation
Usage: script_cost.py [--template] --port P --built build/src/store/lua/ingest.lua --source src/store/lua/ingest.lua [--n N]
"""
import argparse, re, subprocess, time

ap = argparse.ArgumentParser()
ap.add_argument('--port', default='6379')
ap.add_argument('--built', required=True)
ap.add_argument('--source', required=True)
ap.add_argument('--n', type=int, default=20000)
ap.add_argument('--template', action='store_true', help='print the arguments for redis-benchmark and stop')
opt = ap.parse_args()

names = {'keys': [], 'args': []}
for line in open(opt.source, encoding='utf-8'):
    m = re.match(r'^--! (keys|args): (.*)$', line)
    if m: names[m.group(1)] += m.group(2).split()

def cli(*args, stdin=None):
    return subprocess.run(['redis-cli', '-p', opt.port, *args], input=stdin, capture_output=True, check=True).stdout

def resp(parts):
    out = [b'*%d\r\n' % len(parts)]
    for p in parts:
        p = p if isinstance(p, bytes) else str(p).encode()
        out.append(b'$%d\r\n%s\r\n' % (len(p), p))
    return b''.join(out)

def call(shape, i, now):
    """The keys and the arguments of one call, in the script's declared order."""
    if True:
        cust = f'cust-{i}' if shape == 'new' else 'cust-one'
        p = 'or:{b}:'
        k = {'dedupe': f'{p}dedupe:api:p-{shape}-{i}', 'handle_key': f'{p}handle:api:{cust}',
             'thread': f'{p}thread:api:{cust}', 'seq': f'{p}seq', 'queue': f'{p}queue:general', 'sla': f'{p}sla',
             'events': f'{p}events', 'waiting': f'{p}queue:general:chat', 'avail': f'{p}avail:general:chat'}
        a = {'prefix': p, 'channel': 'api', 'channel_kind': 'webhook', 'provider_id': f'p-{shape}-{i}',
             'handle_kind': 'api', 'handle': cust, 'contact_name': '', 'thread_key': cust, 'subject': '',
             'text': 'Where is my order? मेरा रिफंड कब आएगा?', 'attachments': '[]', 'provider_at': '0',
             'now': str(now), 'queue_id': 'general', 'priority': 'normal', 'score': str(2 * 10**13 + now),
             'first_response_due': str(now + 900000), 'dedupe_ttl': '604800', 'events_max': '1000000',
             'medium': 'chat', 'skills': '', 'language': 'hi', 'first_response_warn': str(now + 720000),
             'resolution_due': '', 'resolution_warn': '', 'next_response': '1', 'thread_refs': '',
             'fallback_thread': '', 'fallback_window': '0', 'thread_ttl': '0', 'reply_context': '',
             'automatic': '', 'blob_ttl': '0', 'full_text': '', 'survey': '', 'survey_answer': ''}
        missing = [n for n in names['keys'] if n not in k] + [n for n in names['args'] if n not in a]
        if missing: raise SystemExit(f'script_cost.py: ingest.lua declares names this bench does not fill: {missing}')
        return [k[n] for n in names['keys']], [a[n] for n in names['args']]

def commands(sha, shape):
    now = int(time.time() * 1000)
    out = []
    for i in range(opt.n):
        keys, args = call(shape, i, now)
        out.append(resp(['EVALSHA', sha, len(keys)] + keys + args))
    return b''.join(out)

if opt.template:
    # For redis-benchmark: every call a new customer (each __rand_int__ is drawn anew).
    keys, args = call('new', '__rand_int__', int(time.time() * 1000))
    print(''.join(a + '\0' for a in [str(len(keys))] + keys + args), end='')  # each ends in NUL: mapfile -d ''
    raise SystemExit(0)

results = []
for shape in ('new', 'join'):
    cli('FLUSHALL')
    sha = cli('-x', 'SCRIPT', 'LOAD', stdin=open(opt.built, 'rb').read()).decode().strip()
    cli('CONFIG', 'RESETSTAT')
    piped = cli('--pipe', stdin=commands(sha, shape)).decode()
    stats = cli('INFO', 'commandstats').decode()
    m = re.search(r'cmdstat_evalsha:calls=(\d+),usec=\d+,usec_per_call=([0-9.]+).*failed_calls=(\d+)', stats)
    if not m or int(m.group(1)) != opt.n or int(m.group(3)) != 0 or 'errors: 0' not in piped:
        raise SystemExit(f'script_cost.py: {shape}: calls did not all succeed: {stats.strip()} {piped.strip()}')
    results.append(m.group(2))
cli('FLUSHALL')
print(f'script_us new={results[0]} join={results[1]}')
