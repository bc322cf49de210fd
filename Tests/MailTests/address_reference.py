"""Generates address headers and reads them with Python's email package, the reference reader.

Usage: python3 address_reference.py COUNT SEED
Prints one JSON array: for each generated message (a `To` field and a body) its bytes (base64)
and what Python reads in its `To` field: per mailbox, from `email.headerregistry`
(policy.default), the display name, the addr-spec and str(); and, for the headers whose forms
`email.utils.getaddresses` also reads in the RFC's way (no comments, which it takes as names;
no encoded words, which it leaves encoded; no routes, quoted local parts or empty groups), its
(name, address) pairs.
"""
import base64
import json
import random
import sys
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses

NAMES = ['José Ñúñez', 'Zoë Brontë', 'Müller, Jörg', 'Ana "la jefa" María', 'Łukasz (Board)']
LOCALS = ['john', 'john.doe', 'j_o-h+n', "o'neil", 'clerk42']
QUOTED_LOCALS = ['"john doe"', '"john.doe"', '"a,b"', '"x\\"y"']
DOMAINS = ['example.org', 'council.example.gov.uk', 'Example.COM', '[192.0.2.7]']


def b_word(text):
    return '=?utf-8?B?%s?=' % base64.b64encode(text.encode('utf-8')).decode()


def q_word(text, charset):
    encoded = ''.join(
        '_' if ch == ' ' else ch if ch.isalnum() and ord(ch) < 128 else ''.join('=%02X' % b for b in ch.encode(charset))
        for ch in text)
    return '=?%s?Q?%s?=' % (charset, encoded)


def quote(text):
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def comment(rng):
    return rng.choice(['(work)', '(nested (comment) here)', '(escaped \\) paren)', '( )'])


def mailbox(rng, simple):
    """One mailbox as text; `simple[0]` is cleared when getaddresses cannot be compared."""
    if rng.randrange(6) == 0:
        local = rng.choice(QUOTED_LOCALS)
        simple[0] = False
    else:
        local = rng.choice(LOCALS)
    domain = rng.choice(DOMAINS)
    spec = local + '@' + domain
    if rng.randrange(10) == 0:
        spec = local + ' @ ' + domain
    form = rng.randrange(9)
    if form == 0:
        return spec
    if form == 1:
        simple[0] = False
        return spec + ' ' + comment(rng)
    if form == 2:
        return rng.choice(['John Smith', 'John Q. Public', 'clerk', 'A  B']) + ' <%s>' % spec
    if form == 3:
        return quote(rng.choice(['Smith, John', 'The "Clerk"', 'back\\slash', 'a.b@c'])) + ' <%s>' % spec
    name = rng.choice(NAMES)
    if form == 4:
        simple[0] = False
        return b_word(name) + ' <%s>' % spec
    if form == 5:
        simple[0] = False
        try:
            return q_word(name, rng.choice(['utf-8', 'iso-8859-1'])) + ' <%s>' % spec
        except UnicodeEncodeError:
            return q_word(name, 'utf-8') + ' <%s>' % spec
    if form == 6:
        # An encoded word inside quotes: not allowed by RFC 2047 §5, sent anyway, decoded by both.
        simple[0] = False
        return '"%s" <%s>' % (b_word(name), spec)
    if form == 7:
        simple[0] = False
        return 'Mary %s Jones <@relay.example.net,@hub.example:%s>' % (comment(rng), spec)
    simple[0] = False
    return b_word(name) + ' Jr. <%s> %s' % (spec, comment(rng))


def header(rng):
    simple = [True]
    items = []
    for _ in range(rng.randrange(1, 5)):
        kind = rng.randrange(8)
        if kind == 0:
            members = ', '.join(mailbox(rng, simple) for _ in range(rng.randrange(1, 4)))
            items.append('Board members: %s;' % members)
        elif kind == 1:
            simple[0] = False
            items.append('undisclosed-recipients:;')
        else:
            items.append(mailbox(rng, simple))
    # No white space before a comma: Python 3.11's headerregistry fails on `; ,` after a group.
    separator = rng.choice([', ', ',', ',\r\n ', ',\r\n\t'])
    return separator.join(items), simple[0]


def describe(rng):
    value, simple = header(rng)
    data = ('From: clerk@example.org\r\nTo: %s\r\nSubject: addresses\r\n\r\nbody\r\n' % value).encode('ascii')
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    field = parsed['to']
    unfolded = value.replace('\r\n', '')
    return {
        'message': base64.b64encode(data).decode(),
        'mailboxes': [{'name': a.display_name, 'address': a.addr_spec, 'text': str(a)} for a in field.addresses],
        'getaddresses': [[n, a] for n, a in getaddresses([unfolded]) if a] if simple else None,
    }


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    print(json.dumps([describe(rng) for _ in range(count)]))


if __name__ == '__main__':
    main()
