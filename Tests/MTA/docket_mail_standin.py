#!/usr/bin/env python3
"""STAND-IN for `docket mail deliver` / `docket mail list`, used only until the real commands
exist on main. Same contract: `mail deliver --archive DIR [--submission REF]` reads one
message on standard input and files it under DIR/correspondence/messages/<sha256>/message.eml
(temp file, fsync, rename, so the name exists only for complete bytes); the same bytes again
are a duplicate (exit 0); 75 = try again later; 65 = refused for good. `mail list --archive
DIR --json` prints one object per archived message. Every other command goes to the real
docket named by $DOCKET_REAL."""
import email
import email.policy
import hashlib
import json
import os
import sys

EX_DATAERR, EX_TEMPFAIL = 65, 75
LIMIT = 25 * 1024 * 1024


def option(arguments, name):
    return arguments[arguments.index(name) + 1] if name in arguments else None


def deliver(arguments):
    archive = option(arguments, "--archive")
    submission = option(arguments, "--submission")
    data = sys.stdin.buffer.read()
    if not data or len(data) > LIMIT:
        return EX_DATAERR
    digest = hashlib.sha256(data).hexdigest()
    directory = os.path.join(archive, "correspondence", "messages", digest)
    final = os.path.join(directory, "message.eml")
    if os.path.exists(final):
        return 0
    os.makedirs(directory, exist_ok=True)
    # The filing goes in before message.eml appears, so a listed message always has it.
    with open(os.path.join(directory, "filed-to"), "w") as filed:
        filed.write(submission or "")
    temporary = os.path.join(directory, f".message.eml.{os.getpid()}")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.rename(temporary, final)
    descriptor = os.open(directory, os.O_RDONLY)
    os.fsync(descriptor)
    os.close(descriptor)
    return 0


def list_messages(arguments):
    root = os.path.join(option(arguments, "--archive"), "correspondence", "messages")
    entries = []
    for digest in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        path = os.path.join(root, digest, "message.eml")
        if not os.path.exists(path):
            continue
        with open(path, "rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        with open(os.path.join(root, digest, "filed-to")) as filed:
            filed_to = filed.read() or None
        entries.append({"sha256": digest, "messageID": message["Message-ID"],
                        "subject": message["Subject"], "filedTo": filed_to})
    print(json.dumps(entries))
    return 0


def main():
    arguments = sys.argv[1:]
    if arguments[:1] == ["mail"] and "--help" in arguments:
        print(__doc__)
        return 0
    if arguments[:2] == ["mail", "deliver"]:
        try:
            return deliver(arguments)
        except OSError:
            return EX_TEMPFAIL
    if arguments[:2] == ["mail", "list"]:
        return list_messages(arguments)
    os.execv(os.environ["DOCKET_REAL"], [os.environ["DOCKET_REAL"]] + arguments)


if __name__ == "__main__":
    sys.exit(main())
