"""A chat backend written against the seed (background-clustering-system.md), in miniature: it writes
conversations and messages to MongoDB and tells the background service about each new message. Only the import
of BackgroundClusteringService differs from the seed's backend."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List

from bson import ObjectId
from pymongo.database import Database

# from services.background_clustering_service import BackgroundClusteringService   (the seed's)
from clusterd import BackgroundClusteringService


class ConversationService:
    """The seed's integration points: create_conversation and add_user_message trigger background analysis."""

    def __init__(self, db: Database) -> None:  # type: ignore[type-arg]
        self.db = db
        self.background_service = BackgroundClusteringService()

    def create_conversation(self, first_message: str) -> ObjectId:
        conversation_id = ObjectId()
        self.db.conversations.insert_one({"_id": conversation_id, "created_at": _now()})
        self.add_user_message(conversation_id, first_message)
        return conversation_id

    def add_user_message(self, conversation_id: ObjectId, content: str) -> ObjectId:
        message_id = ObjectId()
        self.db.messages.insert_one(
            {"_id": message_id, "conversation_id": conversation_id, "role": "user", "content": content,
             "created_at": _now()}
        )
        self.background_service.trigger_background_analysis(message_id)
        return message_id


def background_status() -> Dict[str, Any]:
    """GET /api/clustering/background-status"""
    return BackgroundClusteringService().get_status()


def background_force() -> Dict[str, Any]:
    """POST /api/clustering/background-force"""
    started = BackgroundClusteringService().force_clustering()
    return {"success": started}


def trigger_analysis(message_id: str) -> Dict[str, Any]:
    """POST /api/messages/{message_id}/trigger-analysis"""
    return {"success": BackgroundClusteringService().trigger_background_analysis(message_id)}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


TOPICS: List[List[str]] = [
    ["How long should I bake sourdough bread at 230 degrees?", "My sourdough starter smells of vinegar.",
     "Can I replace butter with olive oil in cookies?"],
    ["The Swift compiler crashes when I build generic protocols.", "How do I find a memory leak in my server?",
     "Kubernetes pods keep restarting with out of memory kills."],
    ["Which documents do I need for a tourist visa to Japan?", "Where can I find cheap flights to Lisbon?",
     "Can I board a flight when my passport expires in four months?"],
]
