"""Loads sample conversations into MongoDB the way a chat backend writes them.

usage: load-sample.py MONGODB_URI FILE.jsonl

Conversations go to `conversations` ({_id, created_at, title}) and messages to `messages`
({_id, conversation_id, role, content, created_at}), with string ids so reloading is idempotent.
clusterd's catch-up sweep finds the messages without any trigger.
"""
import datetime
import json
import sys

from pymongo import MongoClient, ReplaceOne


def main() -> int:
    uri, path = sys.argv[1], sys.argv[2]
    client = MongoClient(uri, serverSelectionTimeoutMS=5000)
    db = client.get_default_database(default="clusterd")
    start = datetime.datetime(2025, 1, 10, 21, 0, tzinfo=datetime.timezone.utc)
    conversations, messages = [], []
    with open(path, encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            row = json.loads(line)
            cid = row["conversation_id"]
            created = start + datetime.timedelta(minutes=index)
            conversations.append(ReplaceOne({"_id": cid}, {"_id": cid, "created_at": created, "title": cid}, upsert=True))
            for turn, message in enumerate(row["messages"]):
                mid = f"{cid}-m{turn:02d}"
                messages.append(ReplaceOne({"_id": mid}, {
                    "_id": mid, "conversation_id": cid, "role": message["role"], "content": message["content"],
                    "created_at": created + datetime.timedelta(seconds=turn),
                }, upsert=True))
    db.conversations.bulk_write(conversations, ordered=False)
    for chunk in range(0, len(messages), 1000):
        db.messages.bulk_write(messages[chunk:chunk + 1000], ordered=False)
    print(f"loaded {len(conversations)} conversations and {len(messages)} messages into {db.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
