"""Messages that enclose a base64-encoded message/rfc822 part, and what Python reads in them.

Usage: python3 encoded_message_reference.py COUNT SEED
Python's email package does not undo the transfer encoding of an enclosed message: it reads
the base64 text itself as the message. The reference is therefore Python's reading of the
decoded bytes: the outer parts walked as `mime_reference.py` walks them, and at the encoded
part, the walk of the enclosed message that Python reads from the decoded bytes.
Prints one JSON array in mime_reference.py's format.
"""
import base64
import json
import random
import sys
from email import policy
from email.parser import BytesParser

import mime_reference


def walk(part, enclosed):
    yield mime_reference.part_reference(part)
    number = part.get('X-Enclosed')
    if number is not None:
        yield from walk(BytesParser(policy=policy.default).parsebytes(enclosed[int(number)]), enclosed)
    elif part.is_multipart():
        for child in part.get_payload():
            yield from walk(child, enclosed)


def message(rng, index):
    enclosed = []
    parts = [mime_reference.leaf(rng, 'text/plain', 'See the enclosed messages.', 'us-ascii')]
    for _ in range(rng.randrange(1, 3)):
        inner = (mime_reference.headers(rng)[0] + mime_reference.body(rng, 1)).encode('latin-1')
        encoded = base64.encodebytes(inner).decode().replace('\n', '\r\n')
        parts.append('Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\nX-Enclosed: %d\r\n\r\n%s'
                     % (len(enclosed), encoded))
        enclosed.append(inner)
    text = mime_reference.headers(rng)[0] + mime_reference.multipart(rng, 'mixed', parts)
    data = text.encode('latin-1')
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    return {
        'message': base64.b64encode(data).decode(),
        'subject': str(parsed['subject']),
        'from': str(parsed['from']),
        'parts': list(walk(parsed, enclosed)),
    }


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    print(json.dumps([message(rng, index) for index in range(count)]))


if __name__ == '__main__':
    main()
