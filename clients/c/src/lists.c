/* Accessors of the ListRuns, ListClusters, TriggerAnalysisBatch and GetConversationCluster reply
 * handles: read-only views into the unpacked reply frames. */
#include <stdlib.h>

#include "private.h"

static const char *text(const char *value) {
    return value != NULL ? value : "";
}

void clusterd_reply_destroy(clusterd_reply_t *reply) {
    if (reply == NULL) {
        return;
    }
    clusterd__v1__frame__free_unpacked(reply->frame, NULL);
    free(reply);
}

/* ---- runs ---------------------------------------------------------------------------------- */

static const Clusterd__V1__ListRunsReply *runs_of(const clusterd_run_list_t *runs) {
    return runs != NULL ? (const Clusterd__V1__ListRunsReply *)runs->reply.body : NULL;
}

void clusterd_run_list_destroy(clusterd_run_list_t *runs) {
    clusterd_reply_destroy(runs != NULL ? &runs->reply : NULL);
}

size_t clusterd_run_list_get_count(const clusterd_run_list_t *runs) {
    const Clusterd__V1__ListRunsReply *r = runs_of(runs);
    return r != NULL ? r->n_runs : 0;
}

const clusterd_run_t *clusterd_run_list_get(const clusterd_run_list_t *runs, size_t index) {
    const Clusterd__V1__ListRunsReply *r = runs_of(runs);
    return r != NULL && index < r->n_runs ? (const clusterd_run_t *)r->runs[index] : NULL;
}

/* ---- clusters ------------------------------------------------------------------------------ */

static const Clusterd__V1__ListClustersReply *clusters_of(const clusterd_cluster_list_t *clusters) {
    return clusters != NULL ? (const Clusterd__V1__ListClustersReply *)clusters->reply.body : NULL;
}

void clusterd_cluster_list_destroy(clusterd_cluster_list_t *clusters) {
    clusterd_reply_destroy(clusters != NULL ? &clusters->reply : NULL);
}

const clusterd_run_t *clusterd_cluster_list_get_run(const clusterd_cluster_list_t *clusters) {
    const Clusterd__V1__ListClustersReply *r = clusters_of(clusters);
    return r != NULL ? (const clusterd_run_t *)r->run : NULL;
}

size_t clusterd_cluster_list_get_count(const clusterd_cluster_list_t *clusters) {
    const Clusterd__V1__ListClustersReply *r = clusters_of(clusters);
    return r != NULL ? r->n_clusters : 0;
}

const clusterd_cluster_t *clusterd_cluster_list_get(const clusterd_cluster_list_t *clusters, size_t index) {
    const Clusterd__V1__ListClustersReply *r = clusters_of(clusters);
    return r != NULL && index < r->n_clusters ? (const clusterd_cluster_t *)r->clusters[index] : NULL;
}

const char *clusterd_cluster_get_stable_id(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? text(cluster->info.stable_id) : "";
}

const char *clusterd_cluster_get_name(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? text(cluster->info.name) : "";
}

const char *clusterd_cluster_get_description(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? text(cluster->info.description) : "";
}

uint64_t clusterd_cluster_get_size(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? cluster->info.size : 0;
}

size_t clusterd_cluster_get_top_concept_count(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? cluster->info.n_top_concepts : 0;
}

const char *clusterd_cluster_get_top_concept(const clusterd_cluster_t *cluster, size_t index) {
    return cluster != NULL && index < cluster->info.n_top_concepts ? text(cluster->info.top_concepts[index]) : NULL;
}

size_t clusterd_cluster_get_representative_count(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? cluster->info.n_representative_conversation_ids : 0;
}

const char *clusterd_cluster_get_representative(const clusterd_cluster_t *cluster, size_t index) {
    return cluster != NULL && index < cluster->info.n_representative_conversation_ids
               ? text(cluster->info.representative_conversation_ids[index])
               : NULL;
}

/* ---- placements ---------------------------------------------------------------------------- */

static const Clusterd__V1__GetConversationClusterReply *placement_of(const clusterd_placement_t *placement) {
    return placement != NULL ? (const Clusterd__V1__GetConversationClusterReply *)placement->reply.body : NULL;
}

void clusterd_placement_destroy(clusterd_placement_t *placement) {
    clusterd_reply_destroy(placement != NULL ? &placement->reply : NULL);
}

const char *clusterd_placement_get_conversation_id(const clusterd_placement_t *placement) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL ? text(p->conversation_id) : "";
}

const char *clusterd_placement_get_run_id(const clusterd_placement_t *placement) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL ? text(p->run_id) : "";
}

bool clusterd_placement_is_provisional(const clusterd_placement_t *placement) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL && p->provisional;
}

double clusterd_placement_get_distance(const clusterd_placement_t *placement) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL ? p->distance : 0;
}

int64_t clusterd_placement_get_assigned_at_ms(const clusterd_placement_t *placement) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL ? p->assigned_at_ms : 0;
}

size_t clusterd_placement_get_path_count(const clusterd_placement_t *placement) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL ? p->n_path : 0;
}

const clusterd_path_entry_t *clusterd_placement_get_path(const clusterd_placement_t *placement, size_t index) {
    const Clusterd__V1__GetConversationClusterReply *p = placement_of(placement);
    return p != NULL && index < p->n_path ? (const clusterd_path_entry_t *)p->path[index] : NULL;
}

const char *clusterd_path_entry_get_stable_id(const clusterd_path_entry_t *entry) {
    return entry != NULL ? text(entry->entry.stable_id) : "";
}

const char *clusterd_path_entry_get_name(const clusterd_path_entry_t *entry) {
    return entry != NULL ? text(entry->entry.name) : "";
}

uint32_t clusterd_path_entry_get_level(const clusterd_path_entry_t *entry) {
    return entry != NULL ? entry->entry.level : 0;
}

uint64_t clusterd_path_entry_get_size(const clusterd_path_entry_t *entry) {
    return entry != NULL ? entry->entry.size : 0;
}

unsigned clusterd_cluster_get_level(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? cluster->info.level : 0;
}

const char *clusterd_cluster_get_parent(const clusterd_cluster_t *cluster) {
    return cluster != NULL ? text(cluster->info.parent) : "";
}

/* ---- batch triggers ------------------------------------------------------------------------ */

static const Clusterd__V1__TriggerAnalysisBatchReply__Result *result_at(const clusterd_trigger_batch_t *batch,
                                                                        size_t index) {
    if (batch == NULL) {
        return NULL;
    }
    const Clusterd__V1__TriggerAnalysisBatchReply *r = batch->reply.body;
    return index < r->n_results ? r->results[index] : NULL;
}

void clusterd_trigger_batch_destroy(clusterd_trigger_batch_t *batch) {
    clusterd_reply_destroy(batch != NULL ? &batch->reply : NULL);
}

size_t clusterd_trigger_batch_get_count(const clusterd_trigger_batch_t *batch) {
    return batch != NULL ? ((const Clusterd__V1__TriggerAnalysisBatchReply *)batch->reply.body)->n_results : 0;
}

clusterd_trigger_outcome_t clusterd_trigger_batch_get_outcome(const clusterd_trigger_batch_t *batch, size_t index) {
    const Clusterd__V1__TriggerAnalysisBatchReply__Result *result = result_at(batch, index);
    return result != NULL && result->error_code == CLUSTERD__V1__CODE__OK
               ? (clusterd_trigger_outcome_t)result->outcome
               : CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED;
}

clusterd_code_t clusterd_trigger_batch_get_code(const clusterd_trigger_batch_t *batch, size_t index) {
    const Clusterd__V1__TriggerAnalysisBatchReply__Result *result = result_at(batch, index);
    return result != NULL ? (clusterd_code_t)result->error_code : CLUSTERD_CODE_OK;
}

const char *clusterd_trigger_batch_get_message(const clusterd_trigger_batch_t *batch, size_t index) {
    const Clusterd__V1__TriggerAnalysisBatchReply__Result *result = result_at(batch, index);
    return result != NULL ? text(result->error_message) : NULL;
}

size_t clusterd_trigger_batch_get_accepted_count(const clusterd_trigger_batch_t *batch) {
    size_t accepted = 0;
    for (size_t i = 0; i < clusterd_trigger_batch_get_count(batch); i++) {
        accepted += result_at(batch, i)->error_code == CLUSTERD__V1__CODE__OK;
    }
    return accepted;
}

uint32_t clusterd_trigger_batch_get_queue_depth(const clusterd_trigger_batch_t *batch) {
    return batch != NULL ? ((const Clusterd__V1__TriggerAnalysisBatchReply *)batch->reply.body)->queue_depth : 0;
}
