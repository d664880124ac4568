/* Status accessors: read-only views into the unpacked GetStatusReply. */
#include <stdlib.h>

#include "private.h"

static const Clusterd__V1__Status *st(const clusterd_status_t *status) {
    return status != NULL ? (const Clusterd__V1__Status *)status->reply.body : NULL;
}

static const char *text(const char *value) {
    return value != NULL ? value : "";
}

void clusterd_status_destroy(clusterd_status_t *status) {
    clusterd_reply_destroy(status != NULL ? &status->reply : NULL);
}

bool clusterd_status_get_enabled(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->enabled != 0 : false;
}

bool clusterd_status_get_clustering_in_progress(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->clustering_in_progress != 0 : false;
}

uint64_t clusterd_status_get_unprocessed_messages(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->unprocessed_messages : 0;
}

int64_t clusterd_status_get_minutes_since_last_clustering(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->minutes_since_last_clustering : -1;
}

bool clusterd_status_get_should_trigger_clustering(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->should_trigger_clustering != 0 : false;
}

const char *clusterd_status_get_trigger_reason(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? text(s->trigger_reason) : "";
}

uint32_t clusterd_status_get_message_threshold(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->configuration != NULL ? s->configuration->message_threshold : 0 : 0;
}

uint32_t clusterd_status_get_time_threshold_minutes(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->configuration != NULL ? s->configuration->time_threshold_minutes : 0 : 0;
}

uint32_t clusterd_status_get_analysis_workers(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->configuration != NULL ? s->configuration->analysis_workers : 0 : 0;
}

uint32_t clusterd_status_get_queue_depth(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->queue_depth : 0;
}

uint32_t clusterd_status_get_queue_capacity(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->queue_capacity : 0;
}

uint32_t clusterd_status_get_in_flight_analyses(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->in_flight_analyses : 0;
}

uint64_t clusterd_status_get_analyzed_total(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->analyzed_total : 0;
}

uint64_t clusterd_status_get_failed_total(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->failed_total : 0;
}

const char *clusterd_status_get_last_error(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? text(s->last_error) : "";
}

const char *clusterd_status_get_clustering_stage(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? text(s->clustering_stage) : "";
}

double clusterd_status_get_clustering_progress(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->clustering_progress : 0.0;
}

bool clusterd_status_get_follow_up_queued(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->follow_up_queued != 0 : false;
}

size_t clusterd_status_get_degraded_count(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->n_degraded : 0;
}

double clusterd_status_get_uptime_seconds(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->uptime_seconds : 0.0;
}

const char *clusterd_status_get_version(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? text(s->version) : "";
}

const char *clusterd_status_get_embedder(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? text(s->embedder) : "";
}

uint64_t clusterd_status_get_triggers_total(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->triggers_total : 0;
}

uint64_t clusterd_status_get_triggers_refused(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->triggers_refused : 0;
}

uint64_t clusterd_status_get_swept_total(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->swept_total : 0;
}

uint64_t clusterd_status_get_stale_analyses(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->stale_analyses : 0;
}

const char *clusterd_status_get_change_stream(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? text(s->change_stream) : "";
}

static const Clusterd__V1__ReplicaStatus *replica(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? s->replica : NULL;
}

const char *clusterd_status_get_replica_id(const clusterd_status_t *status) {
    const Clusterd__V1__ReplicaStatus *r = replica(status);
    return r != NULL ? text(r->id) : "";
}

const char *clusterd_status_get_replica_leader(const clusterd_status_t *status) {
    const Clusterd__V1__ReplicaStatus *r = replica(status);
    return r != NULL ? text(r->leader) : "";
}

bool clusterd_status_get_replica_is_leader(const clusterd_status_t *status) {
    const Clusterd__V1__ReplicaStatus *r = replica(status);
    return r != NULL ? r->is_leader != 0 : false;
}

int64_t clusterd_status_get_replica_fencing_token(const clusterd_status_t *status) {
    const Clusterd__V1__ReplicaStatus *r = replica(status);
    return r != NULL ? r->fencing_token : 0;
}

double clusterd_status_get_replica_lease_age_seconds(const clusterd_status_t *status) {
    const Clusterd__V1__ReplicaStatus *r = replica(status);
    return r != NULL ? r->lease_age_seconds : -1;
}

uint64_t clusterd_status_get_replica_live_claims(const clusterd_status_t *status) {
    const Clusterd__V1__ReplicaStatus *r = replica(status);
    return r != NULL ? r->live_claims : 0;
}

const char *clusterd_status_get_degraded(const clusterd_status_t *status, size_t index) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL && index < s->n_degraded ? text(s->degraded[index]) : NULL;
}

const clusterd_run_t *clusterd_status_get_latest_run(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? (const clusterd_run_t *)s->latest_clustering_run : NULL;
}

const clusterd_run_t *clusterd_status_get_last_run(const clusterd_status_t *status) {
    const Clusterd__V1__Status *s = st(status);
    return s != NULL ? (const clusterd_run_t *)s->last_run : NULL;
}

bool clusterd_status_has_latest_run(const clusterd_status_t *status) {
    return clusterd_status_get_latest_run(status) != NULL;
}

const char *clusterd_run_get_id(const clusterd_run_t *run) {
    return run != NULL ? text(run->summary.id) : "";
}

const char *clusterd_run_get_status(const clusterd_run_t *run) {
    return run != NULL ? text(run->summary.status) : "";
}

const char *clusterd_run_get_trigger_reason(const clusterd_run_t *run) {
    return run != NULL ? text(run->summary.trigger_reason) : "";
}

const char *clusterd_run_get_error(const clusterd_run_t *run) {
    return run != NULL ? text(run->summary.error) : "";
}

int64_t clusterd_run_get_created_at_ms(const clusterd_run_t *run) {
    return run != NULL ? run->summary.created_at_ms : 0;
}

int64_t clusterd_run_get_finished_at_ms(const clusterd_run_t *run) {
    return run != NULL ? run->summary.finished_at_ms : 0;
}

uint64_t clusterd_run_get_duration_ms(const clusterd_run_t *run) {
    return run != NULL ? run->summary.duration_ms : 0;
}

uint64_t clusterd_run_get_total_conversations(const clusterd_run_t *run) {
    return run != NULL ? run->summary.total_conversations : 0;
}

uint64_t clusterd_run_get_total_messages(const clusterd_run_t *run) {
    return run != NULL ? run->summary.total_messages : 0;
}

uint32_t clusterd_run_get_clusters_created(const clusterd_run_t *run) {
    return run != NULL ? run->summary.clusters_created : 0;
}

const char *clusterd_status_get_latest_run_id(const clusterd_status_t *status) {
    return clusterd_run_get_id(clusterd_status_get_latest_run(status));
}

const char *clusterd_status_get_latest_run_status(const clusterd_status_t *status) {
    return clusterd_run_get_status(clusterd_status_get_latest_run(status));
}

uint64_t clusterd_status_get_latest_run_total_conversations(const clusterd_status_t *status) {
    return clusterd_run_get_total_conversations(clusterd_status_get_latest_run(status));
}

uint32_t clusterd_status_get_latest_run_clusters_created(const clusterd_status_t *status) {
    return clusterd_run_get_clusters_created(clusterd_status_get_latest_run(status));
}
