/* Accessors of the curation reply handles (CurateTopic, ListCuration): read-only views into the unpacked reply
 * frames. */
#include <stdlib.h>

#include "private.h"

static const char *text(const char *value) {
    return value != NULL ? value : "";
}

/* ---- results ------------------------------------------------------------------------------- */

static const Clusterd__V1__CurateTopicReply *result_of(const clusterd_curation_result_t *result) {
    return result != NULL ? (const Clusterd__V1__CurateTopicReply *)result->reply.body : NULL;
}

void clusterd_curation_result_destroy(clusterd_curation_result_t *result) {
    clusterd_reply_destroy(result != NULL ? &result->reply : NULL);
}

const clusterd_curation_change_t *clusterd_curation_result_get_change(const clusterd_curation_result_t *result) {
    const Clusterd__V1__CurateTopicReply *r = result_of(result);
    return r != NULL ? (const clusterd_curation_change_t *)r->change : NULL;
}

const char *clusterd_curation_result_get_message(const clusterd_curation_result_t *result) {
    const Clusterd__V1__CurateTopicReply *r = result_of(result);
    return r != NULL ? text(r->message) : "";
}

/* ---- logs ---------------------------------------------------------------------------------- */

static const Clusterd__V1__ListCurationReply *log_of(const clusterd_curation_log_t *log) {
    return log != NULL ? (const Clusterd__V1__ListCurationReply *)log->reply.body : NULL;
}

void clusterd_curation_log_destroy(clusterd_curation_log_t *log) {
    clusterd_reply_destroy(log != NULL ? &log->reply : NULL);
}

size_t clusterd_curation_log_get_topic_count(const clusterd_curation_log_t *log) {
    const Clusterd__V1__ListCurationReply *r = log_of(log);
    return r != NULL ? r->n_topics : 0;
}

const clusterd_topic_curation_t *clusterd_curation_log_get_topic(const clusterd_curation_log_t *log, size_t index) {
    const Clusterd__V1__ListCurationReply *r = log_of(log);
    return r != NULL && index < r->n_topics ? (const clusterd_topic_curation_t *)r->topics[index] : NULL;
}

size_t clusterd_curation_log_get_change_count(const clusterd_curation_log_t *log) {
    const Clusterd__V1__ListCurationReply *r = log_of(log);
    return r != NULL ? r->n_changes : 0;
}

const clusterd_curation_change_t *clusterd_curation_log_get_change(const clusterd_curation_log_t *log, size_t index) {
    const Clusterd__V1__ListCurationReply *r = log_of(log);
    return r != NULL && index < r->n_changes ? (const clusterd_curation_change_t *)r->changes[index] : NULL;
}

/* ---- changes ------------------------------------------------------------------------------- */

const char *clusterd_curation_change_get_action(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.action) : "";
}

const char *clusterd_curation_change_get_stable_id(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.stable_id) : "";
}

const char *clusterd_curation_change_get_name(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.name) : "";
}

const char *clusterd_curation_change_get_description(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.description) : "";
}

const char *clusterd_curation_change_get_into_stable_id(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.into_stable_id) : "";
}

const char *clusterd_curation_change_get_previous_name(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.previous_name) : "";
}

const char *clusterd_curation_change_get_by(const clusterd_curation_change_t *change) {
    return change != NULL ? text(change->change.by) : "";
}

int64_t clusterd_curation_change_get_at_ms(const clusterd_curation_change_t *change) {
    return change != NULL ? change->change.at_ms : 0;
}

/* ---- topics -------------------------------------------------------------------------------- */

const char *clusterd_topic_curation_get_stable_id(const clusterd_topic_curation_t *topic) {
    return topic != NULL ? text(topic->topic.stable_id) : "";
}

const char *clusterd_topic_curation_get_name(const clusterd_topic_curation_t *topic) {
    return topic != NULL ? text(topic->topic.name) : "";
}

const char *clusterd_topic_curation_get_description(const clusterd_topic_curation_t *topic) {
    return topic != NULL ? text(topic->topic.description) : "";
}

const char *clusterd_topic_curation_get_merged_into(const clusterd_topic_curation_t *topic) {
    return topic != NULL ? text(topic->topic.merged_into) : "";
}

const char *clusterd_topic_curation_get_updated_by(const clusterd_topic_curation_t *topic) {
    return topic != NULL ? text(topic->topic.updated_by) : "";
}

int64_t clusterd_topic_curation_get_updated_at_ms(const clusterd_topic_curation_t *topic) {
    return topic != NULL ? topic->topic.updated_at_ms : 0;
}
