"""Generates MIME messages and reads them with Python's email package, the reference reader.

Usage: python3 mime_reference.py COUNT SEED
Prints one JSON array: for each message its bytes (base64) and what Python reads in it:
subject, from, and per part in walk() order the content type, the file name and, for parts
that are not containers, the decoded payload as hex and, for text, its text.
"""
import base64
import json
import quopri
import random
import sys
from email import policy
from email.parser import BytesParser

TEXTS = {
    'utf-8': 'Grüße aus Köln — Привет, 日本語, € 5',
    'iso-8859-1': 'Grüße, café, naïve ½ « ok »',
    'iso-8859-15': 'Prix: 5 € Œuvre Šárka žluť? non: Ÿ œ',
    'windows-1252': '“Quotes” – dash … € ‰ Š',
    'us-ascii': 'Plain ASCII text, nothing more.',
}
NAMES = ['José Ñúñez', 'Zoë Brontë', 'Ana María', 'Bob Smith']
FILES = ['Rapport annuel – été.pdf', 'résumé.docx', 'plan.png', 'Überblick über die Sitzung im Rathaus 2026.xlsx']


def b_word(text, charset='utf-8'):
    return '=?%s?B?%s?=' % (charset, base64.b64encode(text.encode(charset)).decode())


def q_word(text, charset='iso-8859-1'):
    encoded = ''.join(
        '_' if ch == ' ' else ch if ch.isalnum() and ord(ch) < 128 else ''.join('=%02X' % b for b in ch.encode(charset))
        for ch in text)
    return '=?%s?Q?%s?=' % (charset, encoded)


def encoded_phrase(rng, text):
    choice = rng.randrange(4)
    if choice == 0 or all(ord(c) < 128 for c in text):
        return text if all(ord(c) < 128 for c in text) else b_word(text)
    if choice == 1:
        return b_word(text)
    if choice == 2:
        return q_word(text, 'utf-8')
    try:
        return q_word(text, 'iso-8859-1')
    except UnicodeEncodeError:
        return b_word(text)


def subject(rng):
    choice = rng.randrange(5)
    if choice == 0:
        return 'Minutes of the meeting', 'Minutes of the meeting'
    if choice == 1:
        text = 'Réunion du conseil: ordre du jour'
        return encoded_phrase(rng, text), text
    if choice == 2:
        # Two adjacent encoded words: the white space between them is not part of the text.
        return b_word('Grüße ') + ' ' + q_word('aus Köln'), 'Grüße aus Köln'
    if choice == 3:
        # A long header, folded onto several lines.
        words = ['item%d' % i for i in range(40)]
        return ' '.join(words[:13]) + '\r\n ' + ' '.join(words[13:26]) + '\r\n\t' + ' '.join(words[26:]), None
    return 'Re: ' + b_word('Café') + ' and more', 'Re: Café and more'


def leaf(rng, content_type, text=None, charset=None, cte=None, extra_headers=()):
    headers = []
    if text is None:
        payload = bytes(rng.randrange(256) for _ in range(rng.randrange(10, 300)))
        headers.append('Content-Type: %s' % content_type)
        cte = 'base64'
    else:
        charset = charset or rng.choice(list(TEXTS))
        payload = text.encode(charset, errors='replace') if charset != 'us-ascii' else text.encode('ascii', 'replace')
        style = rng.randrange(3)
        if style == 0:
            headers.append('Content-Type: %s; charset="%s"' % (content_type, charset))
        elif style == 1:
            headers.append('Content-Type: %s (a comment); charset=%s' % (content_type, charset))
        else:
            headers.append('Content-type: %s;\r\n\tcharset=%s' % (content_type, charset))
        if cte is None:
            cte = rng.choice(['quoted-printable', 'base64', '8bit'] if charset != 'us-ascii' else ['7bit'])
    headers.append('Content-Transfer-Encoding: %s' % cte)
    headers.extend(extra_headers)
    if cte == 'base64':
        body = base64.encodebytes(payload).decode().replace('\n', '\r\n')
    elif cte == 'quoted-printable':
        body = quopri.encodestring(payload).decode().replace('\n', '\r\n')
    else:
        body = payload.decode('latin-1') + '\r\n'
    return '\r\n'.join(headers) + '\r\n\r\n' + body


def disposition(rng, name):
    choice = rng.randrange(6)
    if choice == 0:
        return ['Content-Disposition: attachment; filename="%s"' % name.encode('ascii', 'replace').decode()]
    if choice == 1:
        return ['Content-Disposition: attachment; filename="%s"' % b_word(name)]
    if choice == 2:
        return ["Content-Disposition: attachment; filename*=utf-8''%s" % pct(name.encode('utf-8'))]
    if choice == 3:
        encoded = pct(name.encode('utf-8'))
        middle = len(encoded) // 2
        while encoded[middle - 1] == '%' or encoded[middle - 2] == '%':
            middle += 1
        return ["Content-Disposition: attachment;\r\n filename*0*=utf-8'en'%s;\r\n filename*1*=%s"
                % (encoded[:middle], encoded[middle:])]
    if choice == 4:
        try:
            return ["Content-Disposition: attachment; filename*=iso-8859-1''%s" % pct(name.encode('iso-8859-1'))]
        except UnicodeEncodeError:
            return ["Content-Disposition: attachment; filename*=utf-8''%s" % pct(name.encode('utf-8'))]
    return ['Content-Disposition: inline (shown in the message); filename=plain-name.bin']


def pct(data):
    return ''.join(chr(b) if chr(b).isalnum() and b < 128 else '%%%02X' % b for b in data)


def multipart(rng, subtype, parts):
    boundary = '=_b%d_%s' % (rng.randrange(10 ** 6), subtype)
    trailing = rng.choice(['', ' ', '\t'])
    body = 'This is the preamble.\r\n'
    for part in parts:
        body += '--%s%s\r\n%s\r\n' % (boundary, trailing, part)
    body += '--%s--%s\r\nThe epilogue.\r\n' % (boundary, trailing)
    return 'Content-Type: multipart/%s; boundary="%s"\r\n\r\n%s' % (subtype, boundary, body)


def attachment(rng):
    name = rng.choice(FILES)
    if rng.randrange(5) == 0:
        return leaf(rng, 'application/octet-stream; name="%s"' % b_word(name))
    return leaf(rng, 'application/octet-stream', extra_headers=disposition(rng, name))


def body(rng, depth=0):
    kind = rng.randrange(7 if depth == 0 else 5)
    charset = rng.choice(list(TEXTS))
    text = TEXTS[charset] + '\nSecond line.\n'
    if kind == 0:
        return leaf(rng, 'text/plain', text, charset)
    if kind == 1:
        return leaf(rng, 'text/html', '<p>%s</p>' % text, charset)
    if kind == 2:
        return multipart(rng, 'alternative', [leaf(rng, 'text/plain', text, charset),
                                               leaf(rng, 'text/html', '<p>%s</p>' % text, charset)])
    if kind == 3:
        related = multipart(rng, 'related', [leaf(rng, 'text/html', '<img src="cid:x">', 'us-ascii'),
                                             leaf(rng, 'image/png', extra_headers=['Content-ID: <x>'])])
        alternative = multipart(rng, 'alternative', [leaf(rng, 'text/plain', text, charset), related])
        return multipart(rng, 'mixed', [alternative, attachment(rng)])
    if kind == 4:
        return multipart(rng, 'mixed', [leaf(rng, 'text/plain', text, charset)]
                         + [attachment(rng) for _ in range(rng.randrange(1, 4))])
    # A forwarded message inside a message.
    inner = headers(rng)[0] + body(rng, depth + 1)
    return multipart(rng, 'mixed', [leaf(rng, 'text/plain', 'See below.', 'us-ascii'),
                                    'Content-Type: message/rfc822\r\n\r\n' + inner])


def headers(rng):
    name = rng.choice(NAMES)
    raw_subject, _ = subject(rng)
    return ('From: %s <clerk@example.org>\r\nTo: board@example.org\r\nSubject: %s\r\n'
            'Date: Tue, 01 Dec 2026 18:00:00 +0000\r\nMessage-ID: <%d@example.org>\r\nMIME-Version: 1.0\r\n'
            % (encoded_phrase(rng, name), raw_subject, rng.randrange(10 ** 9))), name


def message(rng, index):
    text = headers(rng)[0] + body(rng)
    data = text.encode('latin-1')
    if index % 5 == 4:
        data = data.replace(b'\r\n', b'\n')
    return data


def part_reference(part):
    payload = None if part.is_multipart() else part.get_payload(decode=True)
    return {
        'type': part.get_content_type(),
        'filename': part.get_filename(),
        'payload': None if payload is None else payload.hex(),
        'text': part.get_content() if part.get_content_maintype() == 'text' and payload is not None else None,
    }


def describe(data):
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    parts = [part_reference(part) for part in parsed.walk()]
    return {
        'message': base64.b64encode(data).decode(),
        'subject': str(parsed['subject']),
        'from': str(parsed['from']),
        'parts': parts,
    }


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    print(json.dumps([describe(message(rng, index)) for index in range(count)]))


if __name__ == '__main__':
    main()
