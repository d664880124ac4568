/* The blocking client: one TCP connection, calls as request/reply matched by call_id. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#define _DARWIN_C_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

#ifdef MSG_NOSIGNAL
#define CLUSTERD_SEND_FLAGS MSG_NOSIGNAL
#else
#define CLUSTERD_SEND_FLAGS 0
#endif

#define READ_CHUNK 16384

struct clusterd_client {
    clusterd_options_t options; /* a private copy */
    int fd;                     /* -1 while disconnected */
    clusterd_tls_t *tls;        /* the TLS session on fd, NULL without TLS */
    clusterd_reader_t *reader;
    uint64_t last_call_id;
    uint32_t server_max_frame; /* from HelloReply; 0 until known */
    char *server_version;      /* never NULL */
    char address[300];         /* "host:port" or "[v6]:port", for messages */
};

/* ---- time ---------------------------------------------------------------------------------- */

int64_t clusterd_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(int64_t deadline) {
    int64_t left = deadline - clusterd_now_ms();
    if (left < 0) {
        return 0;
    }
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

/* Waits until fd is ready for events or the deadline passes. 1 ready, 0 timeout, -1 errno. */
int clusterd_wait_fd(int fd, short events, int64_t deadline) {
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = events, .revents = 0};
        int rc = poll(&pfd, 1, remaining_ms(deadline));
        if (rc > 0) {
            return 1;
        }
        if (rc == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

/* ---- connection ---------------------------------------------------------------------------- */

static void disconnect(clusterd_client_t *client) {
    if (client->fd >= 0) {
        clusterd_tls_destroy(client->tls);
        client->tls = NULL;
        close(client->fd);
        client->fd = -1;
    }
    clusterd_reader_destroy(client->reader);
    client->reader = NULL;
}

static int set_socket_options(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return -1;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return 0;
}

/* Opens the TCP connection within the deadline; no Hello yet. */
static bool open_socket(clusterd_client_t *client, int64_t deadline, clusterd_error_t *error) {
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)client->options.port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    struct addrinfo *addresses = NULL;
    int gai = getaddrinfo(client->options.host, service, &hints, &addresses);
    if (gai != 0) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, CLUSTERD_IO_RESOLVE, "cannot resolve %s: %s",
                           client->options.host, gai_strerror(gai));
        return false;
    }
    int last_errno = ECONNREFUSED;
    bool timed_out = false;
    int fd = -1;
    for (struct addrinfo *ai = addresses; ai != NULL && fd < 0 && !timed_out; ai = ai->ai_next) {
        int candidate = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (candidate < 0) {
            last_errno = errno;
            continue;
        }
        if (set_socket_options(candidate) < 0) {
            last_errno = errno;
            close(candidate);
            continue;
        }
        int rc = connect(candidate, ai->ai_addr, ai->ai_addrlen);
        if (rc < 0 && (errno == EINPROGRESS || errno == EINTR)) {
            int ready = clusterd_wait_fd(candidate, POLLOUT, deadline);
            if (ready == 0) {
                timed_out = true;
                close(candidate);
                continue;
            }
            if (ready < 0) {
                last_errno = errno;
                close(candidate);
                continue;
            }
            int so_error = 0;
            socklen_t so_len = sizeof so_error;
            if (getsockopt(candidate, SOL_SOCKET, SO_ERROR, &so_error, &so_len) < 0) {
                so_error = errno;
            }
            rc = so_error == 0 ? 0 : -1;
            errno = so_error;
        }
        if (rc < 0) {
            last_errno = errno;
            close(candidate);
            continue;
        }
        fd = candidate;
    }
    freeaddrinfo(addresses);
    if (fd < 0) {
        if (timed_out) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT,
                               "cannot connect to %s: timed out after %d ms", client->address,
                               client->options.connect_timeout_ms);
        } else {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, last_errno, "cannot connect to %s: %s",
                               client->address, strerror(last_errno));
        }
        return false;
    }
    client->reader = clusterd_reader_new(CLUSTERD_DEFAULT_MAX_FRAME);
    if (client->reader == NULL) {
        close(fd);
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return false;
    }
    if (client->options.tls) {
        client->tls = clusterd_tls_connect(&client->options, fd, deadline, client->address, error);
        if (client->tls == NULL) {
            clusterd_reader_destroy(client->reader);
            client->reader = NULL;
            close(fd);
            return false;
        }
    }
    client->fd = fd;
    return true;
}

/* send(2), or SSL_write over TLS; on EAGAIN *want is the poll event to wait for. */
static long send_some(clusterd_client_t *client, const uint8_t *data, size_t len, short *want) {
    *want = POLLOUT;
    if (client->tls != NULL) {
        return clusterd_tls_send(client->tls, data, len, want);
    }
    return send(client->fd, data, len, CLUSTERD_SEND_FLAGS);
}

/* recv(2), or SSL_read over TLS; on EAGAIN *want is the poll event to wait for. */
static long recv_some(clusterd_client_t *client, uint8_t *data, size_t len, short *want) {
    *want = POLLIN;
    if (client->tls != NULL) {
        return clusterd_tls_recv(client->tls, data, len, want);
    }
    return recv(client->fd, data, len, 0);
}

/* strerror, or the TLS error for EPROTO over TLS. */
static const char *describe_errno(const clusterd_client_t *client, int err) {
    return client->tls != NULL && err == EPROTO ? clusterd_tls_error(client->tls) : strerror(err);
}

/* ---- one call ------------------------------------------------------------------------------ */

static bool write_all(clusterd_client_t *client, const uint8_t *data, size_t len, int64_t deadline, int timeout_ms,
                      clusterd_error_t *error) {
    while (len > 0) {
        short want = POLLOUT;
        long n = send_some(client, data, len, &want);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int ready = clusterd_wait_fd(client->fd, want, deadline);
            if (ready > 0) {
                continue;
            }
            if (ready == 0) {
                clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT, "timed out after %d ms writing to %s",
                                   timeout_ms, client->address);
                return false;
            }
        }
        int err = errno;
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, err, "cannot write to %s: %s", client->address,
                           describe_errno(client, err));
        return false;
    }
    return true;
}

/* Sends request (its call_id is assigned here) and reads frames until the reply with the same
 * call_id, ignoring replies to earlier calls. An Error frame with call_id 0 is a connection-level
 * error (the server could not read our frame) and answers this call. On success *reply is the
 * unpacked frame, owned by the caller. Any I/O or protocol failure drops the connection; a
 * request above the server's maximum is refused before anything is sent (the connection stays).
 * write_ms and read_ms bound the sending and the wait for the reply; a non-zero deadline bounds
 * both (connect + Hello). */
static bool call(clusterd_client_t *client, Clusterd__V1__Frame *request, int64_t deadline,
                 Clusterd__V1__Frame **reply, clusterd_error_t *error) {
    uint64_t call_id = ++client->last_call_id;
    request->call_id = call_id;

    size_t size = clusterd__v1__frame__get_packed_size(request);
    uint32_t limit = client->server_max_frame != 0 ? client->server_max_frame : CLUSTERD_DEFAULT_MAX_FRAME;
    if (size > limit) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE,
                           "request of %zu bytes exceeds the server's maximum frame of %lu bytes", size,
                           (unsigned long)limit);
        return false;
    }
    uint8_t *buffer = malloc(4 + size);
    if (buffer == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return false;
    }
    clusterd_put_be32(buffer, (uint32_t)size);
    clusterd__v1__frame__pack(request, buffer + 4);
    int64_t write_deadline = deadline != 0 ? deadline : clusterd_now_ms() + client->options.write_timeout_ms;
    int write_timeout_ms = deadline != 0 ? client->options.connect_timeout_ms : client->options.write_timeout_ms;
    bool written = write_all(client, buffer, 4 + size, write_deadline, write_timeout_ms, error);
    free(buffer);
    if (!written) {
        disconnect(client);
        return false;
    }

    int64_t read_deadline = deadline != 0 ? deadline : clusterd_now_ms() + client->options.read_timeout_ms;
    int read_timeout_ms = deadline != 0 ? client->options.connect_timeout_ms : client->options.read_timeout_ms;
    uint8_t chunk[READ_CHUNK];
    short want = POLLIN;
    for (;;) {
        const uint8_t *body = NULL;
        size_t body_len = 0;
        int next = clusterd_reader_next(client->reader, &body, &body_len);
        if (next < 0) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE,
                               "reply from %s refused: %s", client->address,
                               clusterd_reader_errstr(client->reader));
            disconnect(client);
            return false;
        }
        if (next > 0) {
            Clusterd__V1__Frame *frame = clusterd__v1__frame__unpack(NULL, body_len, body);
            if (frame == NULL) {
                clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_MALFORMED,
                                   "malformed frame of %zu bytes from %s", body_len, client->address);
                disconnect(client);
                return false;
            }
            if (frame->call_id == call_id ||
                (frame->call_id == 0 && frame->body_case == CLUSTERD__V1__FRAME__BODY_ERROR)) {
                *reply = frame;
                return true;
            }
            /* A late reply to an earlier call that timed out: not ours, dropped. */
            clusterd__v1__frame__free_unpacked(frame, NULL);
            continue;
        }
        int ready = clusterd_tls_pending(client->tls) > 0 ? 1 : clusterd_wait_fd(client->fd, want, read_deadline);
        if (ready == 0) {
            /* The connection stays usable: a late reply will be recognised by its call_id. */
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT,
                               "timed out after %d ms waiting for a reply from %s", read_timeout_ms, client->address);
            return false;
        }
        long n = ready < 0 ? -1 : recv_some(client, chunk, sizeof chunk, &want);
        if (n == 0) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, CLUSTERD_IO_CLOSED,
                               "connection closed by %s", client->address);
            disconnect(client);
            return false;
        }
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            int err = errno;
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, err, "cannot read from %s: %s", client->address,
                               describe_errno(client, err));
            disconnect(client);
            return false;
        }
        if (clusterd_reader_feed(client->reader, chunk, (size_t)n) < 0) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
            disconnect(client);
            return false;
        }
    }
}

/* Checks that reply answers with expected_case. An Error body becomes a SERVER error; the server
 * closes the connection after connection-level errors, so those drop it here too. Frees the
 * reply and returns false on failure. */
static bool expect_body(clusterd_client_t *client, Clusterd__V1__Frame *reply, Clusterd__V1__Frame__BodyCase expected,
                        clusterd_error_t *error) {
    if (reply->body_case == expected) {
        return true;
    }
    if (reply->body_case == CLUSTERD__V1__FRAME__BODY_ERROR && reply->error != NULL) {
        int code = (int)reply->error->code;
        const char *message = reply->error->message;
        if (message == NULL || message[0] == '\0') {
            message = clusterd_code_name(code);
        }
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_SERVER, code, "%s", message);
        if (reply->call_id == 0 || code == CLUSTERD_CODE_UNAUTHENTICATED) {
            disconnect(client);
        }
    } else {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY,
                           "unexpected reply body %d from %s (expected %d)", (int)reply->body_case, client->address,
                           (int)expected);
    }
    clusterd__v1__frame__free_unpacked(reply, NULL);
    return false;
}

/* Connects and says Hello. */
static bool connect_client(clusterd_client_t *client, clusterd_error_t *error) {
    int64_t deadline = clusterd_now_ms() + client->options.connect_timeout_ms;
    if (!open_socket(client, deadline, error)) {
        return false;
    }
    Clusterd__V1__Hello hello = CLUSTERD__V1__HELLO__INIT;
    hello.protocol_version = CLUSTERD_PROTOCOL_VERSION;
    hello.client_name = client->options.client_name;
    if (client->options.token != NULL) {
        hello.token = client->options.token;
    }
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_HELLO;
    request.hello = &hello;
    Clusterd__V1__Frame *reply = NULL;
    if (!call(client, &request, deadline, &reply, error)) {
        disconnect(client);
        return false;
    }
    if (!expect_body(client, reply, CLUSTERD__V1__FRAME__BODY_HELLO_REPLY, error)) {
        disconnect(client);
        return false;
    }
    char *version = strdup(reply->hello_reply->server_version ? reply->hello_reply->server_version : "");
    if (version != NULL) {
        free(client->server_version);
        client->server_version = version;
    }
    client->server_max_frame = reply->hello_reply->max_frame_bytes;
    clusterd__v1__frame__free_unpacked(reply, NULL);
    return true;
}

/* Before a call: drops a connection the server has closed meanwhile, then (re)connects. */
static bool ensure_connected(clusterd_client_t *client, clusterd_error_t *error) {
    if (client->fd >= 0) {
        struct pollfd pfd = {.fd = client->fd, .events = POLLIN, .revents = 0};
        if (poll(&pfd, 1, 0) > 0) {
            bool closed = (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
            if (!closed && (pfd.revents & POLLIN)) {
                uint8_t byte;
                ssize_t n = recv(client->fd, &byte, 1, MSG_PEEK);
                closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
            }
            if (closed) {
                disconnect(client);
            }
        }
    }
    return client->fd >= 0 || connect_client(client, error);
}

static bool check_client(const clusterd_client_t *client, clusterd_error_t *error) {
    if (client == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT, "client is NULL");
        return false;
    }
    return true;
}

/* ensure_connected + call + expect_body. */
static bool round_trip(clusterd_client_t *client, Clusterd__V1__Frame *request, Clusterd__V1__Frame__BodyCase expected,
                       Clusterd__V1__Frame **reply, clusterd_error_t *error) {
    if (!ensure_connected(client, error)) {
        return false;
    }
    if (!call(client, request, 0, reply, error)) {
        return false;
    }
    return expect_body(client, *reply, expected, error);
}

/* Checks the out-parameter of a call that hands out a reply handle. */
static bool check_out(const clusterd_client_t *client, const void *out, clusterd_error_t *error) {
    if (!check_client(client, error)) {
        return false;
    }
    if (out == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "the result pointer is NULL");
        return false;
    }
    return true;
}

/* A new reply handle owning reply, with body pointing into it; NULL (reply freed) when body is
 * NULL or memory runs out. Every handle type is a struct whose only member is a clusterd_reply_t. */
static clusterd_reply_t *wrap_reply(clusterd_client_t *client, Clusterd__V1__Frame *reply, const void *body,
                                    const char *what, clusterd_error_t *error) {
    if (body == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY,
                           "%s reply from %s is empty", what, client->address);
        clusterd__v1__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    clusterd_reply_t *handle = malloc(sizeof *handle);
    if (handle == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        clusterd__v1__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    handle->frame = reply;
    handle->body = body;
    return handle;
}

/* ---- public API ---------------------------------------------------------------------------- */

clusterd_client_t *clusterd_client_new(const clusterd_options_t *options, clusterd_error_t *error) {
    clusterd_options_t *defaults = NULL;
    if (options == NULL) {
        defaults = clusterd_options_new();
        if (defaults == NULL) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
            return NULL;
        }
        options = defaults;
    }
    clusterd_client_t *client = calloc(1, sizeof *client);
    if (client == NULL) {
        clusterd_options_destroy(defaults);
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return NULL;
    }
    client->fd = -1;
    client->options = *options;
    bool copied = clusterd_options_copy_strings(&client->options, options);
    client->server_version = strdup("");
    clusterd_options_destroy(defaults);
    if (!copied || client->server_version == NULL) {
        clusterd_client_destroy(client);
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return NULL;
    }
    const char *host = client->options.host;
    snprintf(client->address, sizeof client->address, strchr(host, ':') != NULL ? "[%s]:%u" : "%s:%u", host,
             (unsigned)client->options.port);
    if (!client->options.lazy_connect && !connect_client(client, error)) {
        clusterd_client_destroy(client);
        return NULL;
    }
    return client;
}

void clusterd_client_destroy(clusterd_client_t *client) {
    if (client == NULL) {
        return;
    }
    disconnect(client);
    clusterd_options_free_strings(&client->options);
    free(client->server_version);
    free(client);
}

bool clusterd_client_connect(clusterd_client_t *client, clusterd_error_t *error) {
    return check_client(client, error) && ensure_connected(client, error);
}

const char *clusterd_client_get_server_version(const clusterd_client_t *client) {
    return client != NULL && client->server_version != NULL ? client->server_version : "";
}

uint32_t clusterd_client_get_server_max_frame(const clusterd_client_t *client) {
    return client != NULL ? client->server_max_frame : 0;
}

bool clusterd_client_is_connected(const clusterd_client_t *client) {
    return client != NULL && client->fd >= 0;
}

bool clusterd_client_trigger_analysis(clusterd_client_t *client, const char *message_id, const char *conversation_id,
                                      clusterd_trigger_outcome_t *outcome, clusterd_error_t *error) {
    if (!check_client(client, error)) {
        return false;
    }
    if (message_id == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT, "message_id is NULL");
        return false;
    }
    Clusterd__V1__TriggerAnalysisRequest body = CLUSTERD__V1__TRIGGER_ANALYSIS_REQUEST__INIT;
    body.message_id = (char *)message_id;
    if (conversation_id != NULL) {
        body.conversation_id = (char *)conversation_id;
    }
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS;
    request.trigger_analysis = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_REPLY, &reply, error)) {
        return false;
    }
    if (outcome != NULL) {
        *outcome = (clusterd_trigger_outcome_t)reply->trigger_analysis_reply->outcome;
    }
    clusterd__v1__frame__free_unpacked(reply, NULL);
    return true;
}

bool clusterd_client_trigger_analysis_batch(clusterd_client_t *client, const char *const *message_ids,
                                            const char *const *conversation_ids, size_t count,
                                            clusterd_trigger_batch_t **batch, clusterd_error_t *error) {
    if (!check_client(client, error)) {
        return false;
    }
    if (batch == NULL || (message_ids == NULL && count > 0)) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "batch or message_ids is NULL");
        return false;
    }
    if (count == 0 || count > CLUSTERD_MAX_BATCH) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "a batch holds 1 to %d message ids, not %zu", CLUSTERD_MAX_BATCH, count);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (message_ids[i] == NULL) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                               "message_ids[%zu] is NULL", i);
            return false;
        }
    }
    Clusterd__V1__TriggerAnalysisRequest *items = calloc(count, sizeof *items);
    Clusterd__V1__TriggerAnalysisRequest **pointers = calloc(count, sizeof *pointers);
    if (items == NULL || pointers == NULL) {
        free(items);
        free(pointers);
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        clusterd__v1__trigger_analysis_request__init(&items[i]);
        items[i].message_id = (char *)message_ids[i];
        if (conversation_ids != NULL && conversation_ids[i] != NULL) {
            items[i].conversation_id = (char *)conversation_ids[i];
        }
        pointers[i] = &items[i];
    }
    Clusterd__V1__TriggerAnalysisBatchRequest body = CLUSTERD__V1__TRIGGER_ANALYSIS_BATCH_REQUEST__INIT;
    body.n_items = count;
    body.items = pointers;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH;
    request.trigger_analysis_batch = &body;
    Clusterd__V1__Frame *reply = NULL;
    bool ok = round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH_REPLY, &reply, error);
    free(items);
    free(pointers);
    if (!ok) {
        return false;
    }
    if (reply->trigger_analysis_batch_reply->n_results != count) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY,
                           "batch reply from %s has %zu results for %zu ids", client->address,
                           reply->trigger_analysis_batch_reply->n_results, count);
        clusterd__v1__frame__free_unpacked(reply, NULL);
        return false;
    }
    clusterd_trigger_batch_t *result =
        (clusterd_trigger_batch_t *)wrap_reply(client, reply, reply->trigger_analysis_batch_reply, "batch", error);
    if (result == NULL) {
        return false;
    }
    *batch = result;
    return true;
}

bool clusterd_client_force_clustering(clusterd_client_t *client, bool *started, bool *follow_up_queued,
                                      clusterd_error_t *error) {
    if (!check_client(client, error)) {
        return false;
    }
    Clusterd__V1__ForceClusteringRequest body = CLUSTERD__V1__FORCE_CLUSTERING_REQUEST__INIT;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING;
    request.force_clustering = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING_REPLY, &reply, error)) {
        return false;
    }
    if (started != NULL) {
        *started = reply->force_clustering_reply->started != 0;
    }
    if (follow_up_queued != NULL) {
        *follow_up_queued = reply->force_clustering_reply->follow_up_queued != 0;
    }
    clusterd__v1__frame__free_unpacked(reply, NULL);
    return true;
}

bool clusterd_client_get_status(clusterd_client_t *client, clusterd_status_t **status, clusterd_error_t *error) {
    if (!check_out(client, status, error)) {
        return false;
    }
    Clusterd__V1__GetStatusRequest body = CLUSTERD__V1__GET_STATUS_REQUEST__INIT;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_GET_STATUS;
    request.get_status = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_GET_STATUS_REPLY, &reply, error)) {
        return false;
    }
    clusterd_status_t *result =
        (clusterd_status_t *)wrap_reply(client, reply, reply->get_status_reply->status, "status", error);
    if (result == NULL) {
        return false;
    }
    *status = result;
    return true;
}

/* The parts of a list reply that paging touches: the next page's token and the repeated field of
 * items (an array of pointers and its count). */
typedef struct {
    const char *next_page_token;
    void *items;    /* address of the body's pointer-array field */
    size_t *count;  /* address of its count */
} page_parts_t;

/* Moves the items of a later page onto the end of the first page's array (the later page no
 * longer owns them, so freeing it leaves them alone). protobuf-c's default allocator is malloc,
 * so the array may be grown with realloc. */
static bool append_page(const page_parts_t *first, const page_parts_t *later) {
    if (*later->count == 0) {
        return true;
    }
    void *first_items = NULL;
    void *later_items = NULL;
    memcpy(&first_items, first->items, sizeof first_items);
    memcpy(&later_items, later->items, sizeof later_items);
    size_t total = *first->count + *later->count;
    char *grown = realloc(first_items, total * sizeof(void *));
    if (grown == NULL) {
        return false;
    }
    memcpy(grown + *first->count * sizeof(void *), later_items, *later->count * sizeof(void *));
    memcpy(first->items, &grown, sizeof grown);
    *first->count = total;
    *later->count = 0;
    return true;
}

/* Sends a list request page by page until the server's next_page_token is empty, gathering every
 * page's items into the first reply, which is returned in *first (owned by the caller). request's
 * page_token is pointed at each next token. parts() finds a reply's token and items, or fails for
 * a reply without a body. */
static bool follow_pages(clusterd_client_t *client, Clusterd__V1__Frame *request, char **page_token,
                         Clusterd__V1__Frame__BodyCase expected, bool (*parts)(Clusterd__V1__Frame *, page_parts_t *),
                         const char *what, Clusterd__V1__Frame **first, clusterd_error_t *error) {
    *first = NULL;
    char *token = NULL;
    page_parts_t first_parts = {0};
    for (;;) {
        *page_token = token != NULL ? token : "";
        Clusterd__V1__Frame *reply = NULL;
        bool ok = round_trip(client, request, expected, &reply, error);
        if (!ok) {
            reply = NULL; /* round_trip freed it */
        }
        page_parts_t page = {0};
        if (ok && !parts(reply, &page)) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY,
                               "%s reply from %s is empty", what, client->address);
            ok = false;
        }
        if (ok && token != NULL && strcmp(page.next_page_token, token) == 0) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY,
                               "%s from %s repeated page token", what, client->address);
            ok = false;
        }
        char *next = NULL;
        if (ok && page.next_page_token[0] != '\0' && (next = strdup(page.next_page_token)) == NULL) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
            ok = false;
        }
        if (ok && *first == NULL) {
            *first = reply;
            first_parts = page;
            reply = NULL;
        } else if (ok && !append_page(&first_parts, &page)) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
            ok = false;
        }
        if (reply != NULL) {
            clusterd__v1__frame__free_unpacked(reply, NULL);
        }
        free(token);
        token = next;
        if (!ok) {
            free(token);
            if (*first != NULL) {
                clusterd__v1__frame__free_unpacked(*first, NULL);
                *first = NULL;
            }
            return false;
        }
        if (token == NULL) {
            *page_token = NULL;
            return true;
        }
    }
}

static bool run_page_parts(Clusterd__V1__Frame *reply, page_parts_t *parts) {
    Clusterd__V1__ListRunsReply *body = reply->list_runs_reply;
    if (body == NULL) {
        return false;
    }
    parts->next_page_token = body->next_page_token != NULL ? body->next_page_token : "";
    parts->items = &body->runs;
    parts->count = &body->n_runs;
    return true;
}

static bool cluster_page_parts(Clusterd__V1__Frame *reply, page_parts_t *parts) {
    Clusterd__V1__ListClustersReply *body = reply->list_clusters_reply;
    if (body == NULL || body->run == NULL) {
        return false; /* a listing always names its run */
    }
    parts->next_page_token = body->next_page_token != NULL ? body->next_page_token : "";
    parts->items = &body->clusters;
    parts->count = &body->n_clusters;
    return true;
}

bool clusterd_client_list_runs(clusterd_client_t *client, uint32_t limit, clusterd_run_list_t **runs,
                               clusterd_error_t *error) {
    if (!check_out(client, runs, error)) {
        return false;
    }
    Clusterd__V1__ListRunsRequest body = CLUSTERD__V1__LIST_RUNS_REQUEST__INIT;
    body.limit = limit;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS;
    request.list_runs = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!follow_pages(client, &request, &body.page_token, CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY, run_page_parts,
                      "runs", &reply, error)) {
        return false;
    }
    clusterd_run_list_t *result = (clusterd_run_list_t *)wrap_reply(client, reply, reply->list_runs_reply, "runs", error);
    if (result == NULL) {
        return false;
    }
    *runs = result;
    return true;
}

bool clusterd_client_list_clusters(clusterd_client_t *client, const char *run_id, clusterd_cluster_list_t **clusters,
                                   clusterd_error_t *error) {
    if (!check_out(client, clusters, error)) {
        return false;
    }
    Clusterd__V1__ListClustersRequest body = CLUSTERD__V1__LIST_CLUSTERS_REQUEST__INIT;
    if (run_id != NULL) {
        body.run_id = (char *)run_id;
    }
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS;
    request.list_clusters = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!follow_pages(client, &request, &body.page_token, CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY,
                      cluster_page_parts, "cluster list", &reply, error)) {
        return false;
    }
    clusterd_cluster_list_t *result =
        (clusterd_cluster_list_t *)wrap_reply(client, reply, reply->list_clusters_reply, "cluster list", error);
    if (result == NULL) {
        return false;
    }
    *clusters = result;
    return true;
}

bool clusterd_client_get_conversation_cluster(clusterd_client_t *client, const char *conversation_id,
                                              clusterd_placement_t **placement, clusterd_error_t *error) {
    if (!check_out(client, placement, error)) {
        return false;
    }
    if (conversation_id == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "conversation_id is NULL");
        return false;
    }
    Clusterd__V1__GetConversationClusterRequest body = CLUSTERD__V1__GET_CONVERSATION_CLUSTER_REQUEST__INIT;
    body.conversation_id = (char *)conversation_id;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER;
    request.get_conversation_cluster = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER_REPLY, &reply, error)) {
        return false;
    }
    clusterd_placement_t *result = (clusterd_placement_t *)wrap_reply(
        client, reply, reply->get_conversation_cluster_reply, "conversation cluster", error);
    if (result == NULL) {
        return false;
    }
    *placement = result;
    return true;
}

bool clusterd_client_forget_messages(clusterd_client_t *client, const char *const *message_ids, size_t count,
                                     const char *conversation_id, uint64_t *analyses_erased,
                                     uint64_t *assignments_erased, uint64_t *clusters_scrubbed,
                                     clusterd_error_t *error) {
    if (!check_client(client, error)) {
        return false;
    }
    int has_conversation = conversation_id != NULL && conversation_id[0] != '\0';
    if ((count == 0) == !has_conversation) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "give message ids or a conversation id, not both or neither");
        return false;
    }
    if (count > CLUSTERD_MAX_BATCH || (message_ids == NULL && count > 0)) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "forget takes 1 to %d message ids (not NULL), not %zu", CLUSTERD_MAX_BATCH, count);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (message_ids[i] == NULL) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                               "message_ids[%zu] is NULL", i);
            return false;
        }
    }
    Clusterd__V1__ForgetMessagesRequest body = CLUSTERD__V1__FORGET_MESSAGES_REQUEST__INIT;
    body.n_message_ids = count;
    body.message_ids = (char **)message_ids;
    if (has_conversation) {
        body.conversation_id = (char *)conversation_id;
    }
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES;
    request.forget_messages = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES_REPLY, &reply, error)) {
        return false;
    }
    if (analyses_erased != NULL) {
        *analyses_erased = reply->forget_messages_reply->analyses_erased;
    }
    if (assignments_erased != NULL) {
        *assignments_erased = reply->forget_messages_reply->assignments_erased;
    }
    if (clusters_scrubbed != NULL) {
        *clusters_scrubbed = reply->forget_messages_reply->clusters_scrubbed;
    }
    clusterd__v1__frame__free_unpacked(reply, NULL);
    return true;
}

/* CurateTopic with one action: every string but description must be non-NULL (description NULL sends ""). */
static bool curate_topic(clusterd_client_t *client, const char *action, const char *stable_id, const char *name,
                         const char *description, const char *into_stable_id, clusterd_curation_result_t **result,
                         clusterd_error_t *error) {
    if (!check_out(client, result, error)) {
        return false;
    }
    if (stable_id == NULL || name == NULL || into_stable_id == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "%s: a topic id or name is NULL", action);
        return false;
    }
    Clusterd__V1__CurateTopicRequest body = CLUSTERD__V1__CURATE_TOPIC_REQUEST__INIT;
    body.action = (char *)action;
    body.stable_id = (char *)stable_id;
    body.name = (char *)name;
    if (description != NULL) {
        body.description = (char *)description;
    }
    body.into_stable_id = (char *)into_stable_id;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC;
    request.curate_topic = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC_REPLY, &reply, error)) {
        return false;
    }
    /* A result always carries its change: a reply without one is empty. */
    const Clusterd__V1__CurateTopicReply *body_reply =
        reply->curate_topic_reply != NULL && reply->curate_topic_reply->change != NULL ? reply->curate_topic_reply
                                                                                       : NULL;
    clusterd_curation_result_t *wrapped =
        (clusterd_curation_result_t *)wrap_reply(client, reply, body_reply, "curation", error);
    if (wrapped == NULL) {
        return false;
    }
    *result = wrapped;
    return true;
}

bool clusterd_client_rename_topic(clusterd_client_t *client, const char *stable_id, const char *name,
                                  const char *description, clusterd_curation_result_t **result,
                                  clusterd_error_t *error) {
    return curate_topic(client, "rename", stable_id, name, description, "", result, error);
}

bool clusterd_client_pin_topic(clusterd_client_t *client, const char *stable_id, clusterd_curation_result_t **result,
                               clusterd_error_t *error) {
    return curate_topic(client, "pin", stable_id, "", NULL, "", result, error);
}

bool clusterd_client_unpin_topic(clusterd_client_t *client, const char *stable_id,
                                 clusterd_curation_result_t **result, clusterd_error_t *error) {
    return curate_topic(client, "unpin", stable_id, "", NULL, "", result, error);
}

bool clusterd_client_merge_topic(clusterd_client_t *client, const char *stable_id, const char *into_stable_id,
                                 clusterd_curation_result_t **result, clusterd_error_t *error) {
    return curate_topic(client, "merge", stable_id, "", NULL, into_stable_id, result, error);
}

bool clusterd_client_list_curation(clusterd_client_t *client, const char *stable_id, uint32_t limit,
                                   clusterd_curation_log_t **log, clusterd_error_t *error) {
    if (!check_out(client, log, error)) {
        return false;
    }
    Clusterd__V1__ListCurationRequest body = CLUSTERD__V1__LIST_CURATION_REQUEST__INIT;
    if (stable_id != NULL) {
        body.stable_id = (char *)stable_id;
    }
    body.limit = limit;
    Clusterd__V1__Frame request = CLUSTERD__V1__FRAME__INIT;
    request.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CURATION;
    request.list_curation = &body;
    Clusterd__V1__Frame *reply = NULL;
    if (!round_trip(client, &request, CLUSTERD__V1__FRAME__BODY_LIST_CURATION_REPLY, &reply, error)) {
        return false;
    }
    clusterd_curation_log_t *wrapped =
        (clusterd_curation_log_t *)wrap_reply(client, reply, reply->list_curation_reply, "curation log", error);
    if (wrapped == NULL) {
        return false;
    }
    *log = wrapped;
    return true;
}
