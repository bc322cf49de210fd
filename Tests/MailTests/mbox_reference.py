"""Writes mbox files and reads them back with Python's mailbox module, the reference reader.

Usage: python3 mbox_reference.py DIRECTORY SEED
Writes three files into DIRECTORY and prints one JSON object describing each, by name:
- python.mbox: written by mailbox.mbox (mboxo quoting: `From ` at a line start becomes
  `>From `), LF line ends, one message of 20,000 lines among them;
- mboxrd.mbox: written here in mboxrd style (every `^>*From ` line gets one more `>`);
- crlf.mbox: the same kind of messages as mboxrd.mbox with CRLF line ends throughout.
For each file, per message in the order mailbox.mbox reads them: the bytes as given to the
writer (base64), what `get_bytes()` returns (base64), `get_from()`, and the byte offset of its
`From ` line.
"""
import base64
import json
import mailbox
import os
import random
import re
import sys

BODY_LINES = [
    'Dear members of the board,',
    'From the minutes of the last meeting:',
    '>From a quoted reply',
    '>>From a reply to a reply',
    'From: not a header in the body',
    'Fromage is not a separator',
    ' From with a leading space',
    '',
    'Kind regards, the clerk',
]


def message(rng, index, crlf, with_quoted):
    lines = ['From: clerk%d@example.org' % index, 'To: board@example.org', 'Subject: item %d' % index, '']
    for _ in range(rng.randrange(1, 30)):
        line = rng.choice(BODY_LINES)
        if not with_quoted and line.startswith('>'):
            line = 'A line'
        lines.append(line)
    if index == 3:
        lines += ['line %d of a long message' % number for number in range(20000)]
    text = '\n'.join(lines) + '\n'
    if rng.randrange(4) == 0:
        # A message that ends with empty lines of its own: only the separator's is dropped.
        text += '\n'
    if crlf:
        text = text.replace('\n', '\r\n')
    return text.encode('utf-8')


def read(path, originals):
    box = mailbox.mbox(path, create=False)
    keys = list(box.keys())
    described = []
    for key, original in zip(keys, originals + [b''] * len(keys)):
        start, _ = box._lookup(key)  # the offset of the From line: mailbox keeps no public accessor
        described.append({
            'original': base64.b64encode(original).decode(),
            'python': base64.b64encode(box.get_bytes(key)).decode(),
            'from': box.get_message(key).get_from(),
            'offset': start,
        })
    box.close()
    return {'path': path, 'count': len(keys), 'messages': described}


def write_mboxrd(path, originals, newline):
    with open(path, 'wb') as file:
        for index, original in enumerate(originals):
            quoted = re.sub(rb'(?m)^(>*From )', rb'>\1', original)
            file.write(b'From clerk%d@example.org Tue Dec  1 18:00:%02d 2026' % (index, index) + newline)
            file.write(quoted + newline)


def main():
    directory, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    result = {}

    # mboxo cannot tell a quoted `From ` from a body line that began `>From `: no such lines here.
    originals = [message(rng, index, False, False) for index in range(12)]
    path = os.path.join(directory, 'python.mbox')
    if os.path.exists(path):
        os.remove(path)  # mailbox.mbox appends to a file that exists
    box = mailbox.mbox(path)
    for original in originals:
        box.add(original)
    box.flush()
    box.close()
    result['python'] = read(path, originals)

    for name, newline in [('mboxrd', b'\n'), ('crlf', b'\r\n')]:
        originals = [message(rng, index, newline == b'\r\n', True) for index in range(8)]
        path = os.path.join(directory, name + '.mbox')
        write_mboxrd(path, originals, newline)
        result[name] = read(path, originals)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
