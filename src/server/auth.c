/* auth.c: passwords (Argon2id), session ids and cookies, CSRF tokens and the login limiter,
 * all on libsodium. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/internal.h"

/* Login limiter: the first failures cost nothing (typing errors); from the third on, each
 * failure makes the account wait twice as long before the next attempt is even judged, and
 * after LOCK_AFTER failures it is locked for LOCK_S. An address that fails ADDR_MAX times
 * within ADDR_WINDOW_S (any user names) waits until the window ends. OWASP's authentication
 * guidance asks for exactly this pair: per account and per source. */
enum {
    FREE_FAILURES = 2,
    LOCK_AFTER = 5,
    LOCK_S = 15 * 60,
    ADDR_MAX = 20,
    ADDR_WINDOW_S = 10 * 60,
    MAX_PASSWORD = 1024,
};

long long bont__now(const bont_server_t *srv)
{
    return srv && srv->fake_now > 0 ? srv->fake_now : (long long)time(NULL);
}

int bont_password_hash(const char *password, char *out, size_t out_size, bont_error_t *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n == 0 || n > MAX_PASSWORD) {
        bont_error_setf(err, "password", "a password has 1 to %d characters (got %zu)",
                        MAX_PASSWORD, n);
        return BONT_EINVAL;
    }
    if (out_size < crypto_pwhash_STRBYTES || sodium_init() < 0) {
        bont_error_setf(err, "password", "cannot hash the password (libsodium)");
        return BONT_EINVAL;
    }
    if (crypto_pwhash_str_alg(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        bont_error_setf(err, "password", "out of memory while hashing the password");
        return BONT_ENOMEM;
    }
    return 0;
}

int bont_password_verify(const char *hash, const char *password)
{
    size_t n = password ? strlen(password) : 0;
    if (!hash || n == 0 || n > MAX_PASSWORD || sodium_init() < 0)
        return BONT_EINVAL;
    return crypto_pwhash_str_verify(hash, password, n) == 0 ? 0 : BONT_EINVAL;
}

const char *bont__session_cookie(const bont_server_t *srv)
{
    /* The __Host- prefix makes the browser refuse the cookie unless it is Secure, Path=/ and
     * without Domain, so a sibling host cannot plant one; it needs TLS. */
    return srv->tls ? "__Host-bont_session" : "bont_session";
}

void bont__session_cookie_set(const bont_server_t *srv, const char *id, char *out, size_t size)
{
    snprintf(out, size, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s",
             bont__session_cookie(srv), id, srv->session_max_s, srv->tls ? "; Secure" : "");
}

void bont__session_cookie_clear(const bont_server_t *srv, char *out, size_t size)
{
    snprintf(out, size, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             bont__session_cookie(srv), srv->tls ? "; Secure" : "");
}

static void id_hash(const char *id, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)id, strlen(id), NULL, 0);
}

int bont__session_create(bont_server_t *srv, bont_store_t *store, long long user_id,
                         char id_out[BONT__SESSION_ID_B64], bont_session_t *out, bont_error_t *err)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(id_out, BONT__SESSION_ID_B64, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    memset(out, 0, sizeof *out);
    id_hash(id_out, out->id_hash);
    randombytes_buf(out->csrf_key, sizeof out->csrf_key);
    out->user_id = user_id;
    out->created_at = out->last_seen = bont__now(srv);
    out->expires_at = out->created_at + srv->session_max_s;
    return bont_store_session_add(store, out, err);
}

bool bont__session_load(bont_server_t *srv, bont_store_t *store, const char *cookie_header,
                        bont_session_t *ses, bont_user_t *user)
{
    char id[BONT__SESSION_ID_B64 + 4];
    bont_error_t err;
    if (!cookie_header ||
        !bont__cookie_get(cookie_header, bont__session_cookie(srv), id, sizeof id))
        return false;
    if (strlen(id) != BONT__SESSION_ID_B64 - 1)
        return false;
    unsigned char h[32];
    id_hash(id, h);
    if (bont_store_session_get(store, h, ses, &err) != 0)
        return false;
    long long now = bont__now(srv);
    if (now >= ses->expires_at || now - ses->last_seen >= (long long)srv->session_idle_s) {
        bont_store_session_delete(store, h, &err);
        return false;
    }
    if (bont_store_user_get_id(store, ses->user_id, user, &err) != 0 || user->disabled ||
        user->role == BONT_ROLE_NONE)
        return false;
    /* One write a minute at most: the idle timeout does not need finer steps. */
    if (now - ses->last_seen >= 60 && bont_store_session_touch(store, h, now, &err) == 0)
        ses->last_seen = now;
    return true;
}

void bont__csrf_token(const bont_session_t *ses, char out[BONT__TOKEN_B64])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, ses->id_hash, sizeof ses->id_hash, ses->csrf_key);
    sodium_bin2base64(out, BONT__TOKEN_B64, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool bont__csrf_valid(const bont_session_t *ses, const char *token)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    size_t n = 0;
    if (!token || strlen(token) != BONT__TOKEN_B64 - 1 ||
        sodium_base642bin(mac, sizeof mac, token, strlen(token), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != sizeof mac)
        return false;
    return crypto_auth_hmacsha256_verify(mac, ses->id_hash, sizeof ses->id_hash, ses->csrf_key) ==
           0;
}

static bont__login_slot_t *slot_for(bont_server_t *srv, const char *remote, bool create)
{
    unsigned h = 5381;
    for (const char *p = remote; *p; p++)
        h = h * 33 + (unsigned char)*p;
    bont__login_slot_t *s = &srv->login_slots[h % BONT__LOGIN_SLOTS];
    if (strcmp(s->remote, remote) != 0) {
        if (!create)
            return NULL;
        /* A collision forgets the older address: the per-user count in the store remains. */
        memset(s, 0, sizeof *s);
        snprintf(s->remote, sizeof s->remote, "%s", remote);
    }
    return s;
}

long long bont__login_wait(bont_server_t *srv, const bont_user_t *user, const char *remote)
{
    long long now = bont__now(srv), wait = 0;
    if (user && user->locked_until > now)
        wait = user->locked_until - now;
    pthread_mutex_lock(&srv->login_mu);
    bont__login_slot_t *s = slot_for(srv, remote, false);
    if (s && s->failures >= ADDR_MAX && now - s->window_start < ADDR_WINDOW_S) {
        long long w = s->window_start + ADDR_WINDOW_S - now;
        wait = w > wait ? w : wait;
    }
    pthread_mutex_unlock(&srv->login_mu);
    return wait;
}

long long bont__login_failed(bont_server_t *srv, const bont_user_t *user, const char *remote)
{
    long long now = bont__now(srv);
    pthread_mutex_lock(&srv->login_mu);
    bont__login_slot_t *s = slot_for(srv, remote, true);
    if (now - s->window_start >= ADDR_WINDOW_S) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    pthread_mutex_unlock(&srv->login_mu);
    if (!user)
        return 0;
    int failures = user->failed_logins + 1;
    if (failures >= LOCK_AFTER)
        return now + LOCK_S;
    if (failures > FREE_FAILURES)
        return now + (1LL << (failures - FREE_FAILURES));
    return 0;
}
