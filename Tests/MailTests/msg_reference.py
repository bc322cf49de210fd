"""Reads an Outlook .msg file with extract-msg (PyPI), the reference for OutlookMessageTests.

Usage: python3 msg_reference.py FILE.msg
Prints one JSON object: subject, the sender's display name and address, the To and Cc
recipients (name and address each), the plain-text body, and for each attachment its file
name (the long one, else the 8.3 one), its size and its bytes (base64). extract-msg reads
the MAPI properties straight from the compound file, so it shares no code with msgconvert,
whose RFC 5322 output Docket parses.
"""
import base64
import json
import sys

import extract_msg

# MAPI recipient types (PidTagRecipientType): 1 To, 2 Cc, 3 Bcc.
KINDS = {1: 'to', 2: 'cc', 3: 'bcc'}


def main(path):
    message = extract_msg.openMsg(path)
    try:
        recipients = {'to': [], 'cc': [], 'bcc': []}
        for recipient in message.recipients:
            recipients[KINDS[int(recipient.type)]].append({'name': recipient.name, 'email': recipient.email})
        attachments = []
        for attachment in message.attachments:
            data = attachment.data
            if not isinstance(data, bytes):
                raise SystemExit('attachment %r is not plain data (an embedded message?)' % attachment.longFilename)
            attachments.append({
                'name': attachment.longFilename or attachment.shortFilename,
                'size': len(data),
                'data': base64.b64encode(data).decode('ascii'),
            })
        json.dump({
            'subject': message.subject,
            'senderName': message.sender,
            # PidTagSenderEmailAddress: extract-msg's `sender` is only the display name here.
            'senderEmail': message.getStringStream('__substg1.0_0C1F'),
            'to': recipients['to'],
            'cc': recipients['cc'],
            'body': message.body,
            'attachments': attachments,
        }, sys.stdout, ensure_ascii=False)
    finally:
        message.close()


if __name__ == '__main__':
    main(sys.argv[1])
